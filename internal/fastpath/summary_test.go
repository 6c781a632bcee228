//go:build cgo

package fastpath

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

func sample() *Summary {
	return &Summary{
		Pid: 4242, StartTime: 987654321, FastStart: true, FastDelete: true,
		FreezerKind: FreezerV1, FreezerFile: "/sys/fs/cgroup/freezer/c1/freezer.state",
		CgroupDirs:  []string{"/sys/fs/cgroup/cpu/c1", "/sys/fs/cgroup/freezer/c1"},
		StatePrefix: []byte("{\n  \"ociVersion\": \"1.3.0\",\n  \"id\": \"c1\",\n  \"pid\": "),
		StateSuffix: []byte("  \"bundle\": \"/b\",\n  \"x\": \"a,b:c\"\n}\n"),
	}
}

// What Go encodes, the C parser reads back field for field.
func TestSummaryRoundTrip(t *testing.T) {
	for _, s := range []*Summary{
		sample(),
		{Pid: 1, StartTime: 0, StatePrefix: []byte("{"), StateSuffix: []byte("}")},
		{Pid: 77, StartTime: 1 << 62, FastDelete: true, FreezerKind: FreezerV2,
			FreezerFile: "/sys/fs/cgroup/x/cgroup.freeze", CgroupDirs: []string{"/sys/fs/cgroup/x"}},
	} {
		v, ok := parseSummaryC(s.Encode())
		if !ok {
			t.Fatalf("C parser refused %q", s.Encode())
		}
		fv := map[string]int{"": 0, "v1": 1, "v2": 2}[s.FreezerKind]
		want := summaryView{Pid: s.Pid, StartTime: s.StartTime, FastStart: s.FastStart, FastDelete: s.FastDelete,
			FreezerV: fv, NCgroups: len(s.CgroupDirs), PrefixLen: len(s.StatePrefix), SuffixLen: len(s.StateSuffix)}
		if v != want {
			t.Errorf("C read %+v, want %+v", v, want)
		}
	}
}

// Anything malformed is refused, so the command goes to Go.
func TestSummaryRefused(t *testing.T) {
	good := sample().Encode()
	mod := func(f func(s *Summary)) []byte { s := sample(); f(s); return s.Encode() }
	cases := map[string][]byte{
		"empty":            {},
		"bad magic":        bytes.Replace(good, []byte("ocirun-fast-1"), []byte("ocirun-fast-2"), 1),
		"trailing bytes":   append(append([]byte{}, good...), 'x'),
		"zero pid":         mod(func(s *Summary) { s.Pid = 0 }),
		"negative pid":     mod(func(s *Summary) { s.Pid = -5 }),
		"relative freezer": mod(func(s *Summary) { s.FreezerFile = "freezer.state" }),
		"unknown freezer":  mod(func(s *Summary) { s.FreezerKind = "v3" }),
		"relative cgroup":  mod(func(s *Summary) { s.CgroupDirs = []string{"cpu/c1"} }),
		"empty cgroup":     mod(func(s *Summary) { s.CgroupDirs = []string{""} }),
		"NUL in cgroup":    mod(func(s *Summary) { s.CgroupDirs = []string{"/a\x00b"} }),
		"too many cgroups": mod(func(s *Summary) {
			s.CgroupDirs = make([]string, 65)
			for i := range s.CgroupDirs {
				s.CgroupDirs[i] = "/c"
			}
		}),
		"length too long":     bytes.Replace(good, []byte("13:ocirun"), []byte("99:ocirun"), 1),
		"missing comma":       bytes.Replace(good, []byte("ocirun-fast-1,"), []byte("ocirun-fast-1;"), 1),
		"huge length":         []byte("99999999999999999999999:x,"),
		"start time overflow": bytes.Replace(good, []byte("9:987654321,"), []byte("20:99999999999999999999,"), 1),
	}
	for i := 1; i < len(good); i++ {
		cases["truncated at "+strconv.Itoa(i)] = good[:i]
	}
	for name, b := range cases {
		if v, ok := parseSummaryC(b); ok {
			t.Errorf("%s: C parser accepted %q as %+v", name, b, v)
		}
	}
}

func TestWriteIsAtomicFile(t *testing.T) {
	dir := t.TempDir()
	if err := Write(dir, sample()); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, FileName))
	if err != nil || !bytes.Equal(b, sample().Encode()) {
		t.Fatalf("summary file %q, %v", b, err)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Errorf("temporary files left: %v", ents)
	}
	if err := Write(filepath.Join(dir, "gone"), sample()); err == nil {
		t.Error("Write into a missing directory succeeded")
	}
}

func TestRenderState(t *testing.T) {
	got := string(RenderState([]byte("{\n  \"pid\": "), 12, "running", []byte("  \"b\": 1\n}\n")))
	want := "{\n  \"pid\": 12,\n  \"status\": \"running\",\n  \"b\": 1\n}\n"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// The C parser must not crash or read out of bounds on any input (run
// with -fuzz; the seeds run as a normal test).
func FuzzSummaryParser(f *testing.F) {
	f.Add(sample().Encode())
	f.Add([]byte("13:ocirun-fast-1,1:1,1:0,0:,0:,0:,1:0,0:,0:,"))
	f.Add([]byte("0:,"))
	f.Fuzz(func(t *testing.T, b []byte) {
		v, ok := parseSummaryC(b)
		if ok && (v.Pid <= 0 || v.NCgroups > 64) {
			t.Fatalf("accepted %q as %+v", b, v)
		}
	})
}
