package libcontainer

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/oci-run/oci-run/libcontainer/configs"
)

// configDecoder is a way to decode a recorded config, named as the
// benchmarks and the cold measurement report it.
type configDecoder struct {
	name   string
	decode func([]byte, *configs.Config) bool
}

// configDecoders are the generated decoder and encoding/json.
var configDecoders = []configDecoder{
	{"generated", decodeConfig},
	{"encoding-json", func(data []byte, cfg *configs.Config) bool { return json.Unmarshal(data, cfg) == nil }},
}

// benchConfigs returns the recorded configs the measurements decode, by
// name: `oci-run spec`'s and the rich one.
func benchConfigs(tb testing.TB) map[string][]byte {
	return map[string][]byte{
		"example": recordedConfig(tb, exampleConfig(tb)),
		"rich":    recordedConfig(tb, richState(tb).Config),
	}
}

// BenchmarkDecodeConfig compares the generated decoder with encoding/json
// (warm: its decoders are built in the first iteration).
func BenchmarkDecodeConfig(b *testing.B) {
	docs := benchConfigs(b)
	for _, name := range []string{"example", "rich"} {
		data := docs[name]
		for _, dec := range configDecoders {
			b.Run(name+"/"+dec.name, func(b *testing.B) {
				b.SetBytes(int64(len(data)))
				b.ReportAllocs()
				for b.Loop() {
					var cfg configs.Config
					if !dec.decode(data, &cfg) {
						b.Fatal("declined")
					}
				}
			})
		}
	}
}

// The cold measurement runs this test binary again, once per decoding,
// with these variables set: coldConfigDecoder to the decoder's name,
// coldConfigFile to the document to decode.
const (
	coldConfigDecoder = "OCI_RUN_CONFIGDEC_COLD"
	coldConfigFile    = "OCI_RUN_CONFIGDEC_COLD_FILE"
	coldConfigRuns    = "OCI_RUN_CONFIGDEC_COLD_RUNS"
)

// TestDecodeConfigCold decodes the file named by OCI_RUN_CONFIGDEC_COLD_FILE
// once, with the decoder OCI_RUN_CONFIGDEC_COLD names, and prints the
// wall and CPU time of that first decoding in the process, in
// nanoseconds. It runs only when those variables are set, as
// TestDecodeConfigColdCompare sets them.
func TestDecodeConfigCold(t *testing.T) {
	mode := os.Getenv(coldConfigDecoder)
	if mode == "" {
		t.Skip(coldConfigDecoder + " not set")
	}
	i := slices.IndexFunc(configDecoders, func(d configDecoder) bool { return d.name == mode })
	if i < 0 {
		t.Fatalf("%s=%q: want generated or encoding-json", coldConfigDecoder, mode)
	}
	data, err := os.ReadFile(os.Getenv(coldConfigFile))
	if err != nil {
		t.Fatal(err)
	}
	var before, after unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_SELF, &before); err != nil {
		t.Fatal(err)
	}
	var cfg configs.Config
	t0 := time.Now()
	ok := configDecoders[i].decode(data, &cfg)
	wall := time.Since(t0)
	if err := unix.Getrusage(unix.RUSAGE_SELF, &after); err != nil {
		t.Fatal(err)
	}
	if !ok || cfg.Process == nil {
		t.Fatalf("%s failed", mode)
	}
	cpu := func(r *unix.Rusage) int64 { return r.Utime.Nano() + r.Stime.Nano() }
	fmt.Printf("cold %d %d\n", wall.Nanoseconds(), cpu(&after)-cpu(&before))
}

// TestDecodeConfigColdCompare measures what `exec` pays: the first
// decoding of a recorded config in a fresh process, with the generated
// decoder and with encoding/json, over OCI_RUN_CONFIGDEC_COLD_RUNS
// processes each, interleaved, for `oci-run spec`'s config and the rich
// one. It logs the medians and their ratios:
//
//	OCI_RUN_CONFIGDEC_COLD_RUNS=200 go test -run TestDecodeConfigColdCompare -v ./libcontainer
func TestDecodeConfigColdCompare(t *testing.T) {
	runs, _ := strconv.Atoi(os.Getenv(coldConfigRuns))
	if runs <= 0 {
		t.Skip("set " + coldConfigRuns + " to measure")
	}
	dir := t.TempDir()
	docs := benchConfigs(t)
	type sample struct{ wall, cpu []time.Duration }
	for _, name := range []string{"example", "rich"} {
		file := filepath.Join(dir, name+".json")
		if err := os.WriteFile(file, docs[name], 0o644); err != nil {
			t.Fatal(err)
		}
		samples := map[string]*sample{}
		for run := range runs {
			for k := range configDecoders {
				// Alternate which decoder goes first.
				dec := configDecoders[(k+run)%len(configDecoders)].name
				wall, cpu := coldConfigRun(t, dec, file)
				s := samples[dec]
				if s == nil {
					s = &sample{}
					samples[dec] = s
				}
				s.wall, s.cpu = append(s.wall, wall), append(s.cpu, cpu)
			}
		}
		median := func(ds []time.Duration) time.Duration {
			ds = slices.Clone(ds)
			slices.Sort(ds)
			return ds[len(ds)/2]
		}
		gen, enc := samples["generated"], samples["encoding-json"]
		for _, dec := range configDecoders {
			s := samples[dec.name]
			t.Logf("%s, cold %-13s median wall %v, cpu %v (%d processes)", name, dec.name, median(s.wall), median(s.cpu), len(s.wall))
		}
		t.Logf("%s: generated/encoding-json: wall %.3fx, cpu %.3fx", name,
			float64(median(gen.wall))/float64(median(enc.wall)), float64(median(gen.cpu))/float64(median(enc.cpu)))
	}
}

// coldConfigRun runs TestDecodeConfigCold in a fresh process and returns
// the times it printed.
func coldConfigRun(t *testing.T, decoder, file string) (wall, cpu time.Duration) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run", "^TestDecodeConfigCold$", "-test.count", "1")
	cmd.Env = append(os.Environ(), coldConfigDecoder+"="+decoder, coldConfigFile+"="+file, coldConfigRuns+"=")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v\n%s", decoder, err, out)
	}
	line, _, _ := strings.Cut(string(out), "\n")
	var w, c int64
	if _, err := fmt.Sscanf(line, "cold %d %d", &w, &c); err != nil {
		t.Fatalf("%s printed %q: %v", decoder, out, err)
	}
	return time.Duration(w), time.Duration(c)
}
