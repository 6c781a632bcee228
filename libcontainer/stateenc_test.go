package libcontainer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/oci-run/oci-run/libcontainer/configs"
	"github.com/oci-run/oci-run/libcontainer/internal/stategen"
	"github.com/oci-run/oci-run/specconv"
)

// TestStateEncoderIsFresh checks that stateenc_gen.go is what the generator
// writes for the current State and configs types.
func TestStateEncoderIsFresh(t *testing.T) {
	want, err := stategen.Generate(reflect.TypeFor[State](), "")
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("stateenc_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("stateenc_gen.go is stale: run go generate ./libcontainer")
	}
}

// checkStateEncoding fails unless marshalState(s) gives what
// json.Marshal(s) gives: the same bytes, or an error with the same
// message.
func checkStateEncoding(t *testing.T, s *State) {
	t.Helper()
	got, gotErr := marshalState(s)
	want, wantErr := json.Marshal(s)
	if gotErr != nil || wantErr != nil {
		if gotErr == nil || wantErr == nil || gotErr.Error() != wantErr.Error() {
			t.Fatalf("errors differ:\n got %v\nwant %v", gotErr, wantErr)
		}
		return
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("encodings differ at byte %d:\n got %s\nwant %s", firstDiff(got, want), got, want)
	}
}

// firstDiff is the index of the first byte where a and b differ.
func firstDiff(a, b []byte) int {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	return i
}

func TestStateEncodeFixed(t *testing.T) {
	exampleCfg, err := specconv.ToConfig(specconv.Example(), specconv.Options{ID: "example", BundleDir: "/bundle"})
	if err != nil {
		t.Fatal(err)
	}
	for name, s := range map[string]*State{
		"nil":          nil,
		"zero":         {},
		"empty config": {Config: &configs.Config{}},
		"empty maps": {
			CgroupPaths: map[string]string{}, NamespacePaths: map[configs.NamespaceType]string{},
			Annotations: map[string]string{},
			Config: &configs.Config{
				Mounts: []*configs.Mount{}, Namespaces: configs.Namespaces{}, Hooks: configs.Hooks{},
				Sysctl: map[string]string{}, Process: &configs.Process{}, Cgroups: &configs.Cgroup{Resources: &configs.Resources{}},
			},
		},
		"nil elements": {Config: &configs.Config{
			Mounts: []*configs.Mount{nil}, Devices: []*configs.Device{nil, {}},
			Hooks: configs.Hooks{"prestart": nil, "poststop": {}},
		}},
		"example": {ID: "example", Created: time.Unix(1700000000, 5).UTC(), Config: exampleCfg},
		"rich":    richState(t),
	} {
		t.Run(name, func(t *testing.T) { checkStateEncoding(t, s) })
	}
}

// TestStateEncodeTimeOutOfRange checks that a creation time that
// encoding/json cannot write fails the same way, and that writeState
// reports it as before.
func TestStateEncodeTimeOutOfRange(t *testing.T) {
	for _, created := range []time.Time{
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(-1, 12, 31, 23, 59, 59, 0, time.UTC),
	} {
		s := &State{ID: "x", Created: created, Config: &configs.Config{}}
		checkStateEncoding(t, s)
		_, err := marshalState(s)
		var me *json.MarshalerError
		if !errors.As(err, &me) || me.Type != reflect.TypeFor[time.Time]() {
			t.Fatalf("marshalState(created %v): got %v, want a *json.MarshalerError for time.Time", created, err)
		}
		_, jsonErr := json.Marshal(s)
		want := fmt.Errorf("encode state: %w", jsonErr).Error()
		if err := writeState(t.TempDir(), s); err == nil || err.Error() != want {
			t.Fatalf("writeState: got %v, want %s", err, want)
		}
	}
}

// BenchmarkStateEncode compares the generated encoder with encoding/json
// (warm: its encoders are built in the first iteration) on richState.
func BenchmarkStateEncode(b *testing.B) {
	s := richState(b)
	for _, bc := range []struct {
		name string
		enc  func(*State) ([]byte, error)
	}{
		{"generated", marshalState},
		{"encoding-json", func(s *State) ([]byte, error) { return json.Marshal(s) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				out, err := bc.enc(s)
				if err != nil {
					b.Fatal(err)
				}
				b.SetBytes(int64(len(out)))
			}
		})
	}
}

// TestStateEncodeCold encodes richState once, for timing the first
// encoding in a fresh process; it runs only when OCI_RUN_STATEENC_COLD says
// with what ("generated", "encoding-json", or "none" for the baseline). It
// logs the wall time, CPU time and minor page faults of the encoding.
// Whole processes can be timed too:
//
//	go test -c -o /tmp/libcontainer.test ./libcontainer
//	hyperfine -N -w 20 -r 200 -L enc none,generated,encoding-json \
//	  'env OCI_RUN_STATEENC_COLD={enc} /tmp/libcontainer.test -test.run ^TestStateEncodeCold$'
func TestStateEncodeCold(t *testing.T) {
	mode := os.Getenv("OCI_RUN_STATEENC_COLD")
	if mode == "" {
		t.Skip("OCI_RUN_STATEENC_COLD not set")
	}
	s := richState(t)
	var before, after unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_SELF, &before); err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	var err error
	switch mode {
	case "generated":
		_, err = marshalState(s)
	case "encoding-json":
		_, err = json.Marshal(s)
	case "none":
	default:
		t.Fatalf("OCI_RUN_STATEENC_COLD=%q: want generated, encoding-json or none", mode)
	}
	wall := time.Since(t0)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.Getrusage(unix.RUSAGE_SELF, &after); err != nil {
		t.Fatal(err)
	}
	cpu := func(r *unix.Rusage) time.Duration {
		return time.Duration(r.Utime.Nano() + r.Stime.Nano())
	}
	t.Logf("cold %s: wall %d ns, cpu %d ns, minflt %d", mode, wall.Nanoseconds(), cpu(&after)-cpu(&before), after.Minflt-before.Minflt)
}

// TestCgroupRecordEncoding checks that cgroup.json is what json.Marshal of
// the paths gives, so readCgroupRecord and older readers see no change.
func TestCgroupRecordEncoding(t *testing.T) {
	for _, paths := range []map[string]string{
		nil,
		{},
		{"memory": "/sys/fs/cgroup/memory/a<b>", "": "/x\u2028y", "name=systemd": "/sys/fs/cgroup/systemd/\"q\""},
	} {
		dir := t.TempDir()
		if err := writeCgroupRecord(dir, paths); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(dir, cgroupRecordFile))
		if err != nil {
			t.Fatal(err)
		}
		want, _ := json.Marshal(paths)
		if string(got) != string(want) {
			t.Errorf("cgroup.json of %v:\n got %s\nwant %s", paths, got, want)
		}
	}
}
