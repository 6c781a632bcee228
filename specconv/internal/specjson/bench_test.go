package specjson

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/opencontainers/runtime-spec/specs-go"
)

// The cold measurement runs this test binary again, once per decode, with
// coldMethod set: such a process decodes the config once, prints the time
// it took in nanoseconds and exits before any test runs.
const (
	coldMethod = "SPECJSON_COLD_METHOD"
	coldRuns   = "SPECJSON_COLD_RUNS"
)

func TestMain(m *testing.M) {
	if method := os.Getenv(coldMethod); method != "" {
		os.Exit(coldDecode(method))
	}
	os.Exit(m.Run())
}

func coldDecode(method string) int {
	data, err := os.ReadFile("testdata/config.json")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	var s specs.Spec
	var ok bool
	start := time.Now()
	switch method {
	case "decode":
		ok = Decode(data, &s)
	case "unmarshal":
		ok = json.Unmarshal(data, &s) == nil
	}
	elapsed := time.Since(start)
	if !ok || s.Process == nil {
		fmt.Fprintf(os.Stderr, "%s failed\n", method)
		return 1
	}
	fmt.Println(elapsed.Nanoseconds())
	return 0
}

// TestColdDecode measures what the CLI pays: the first decode of the
// typical config in a fresh process, with Decode and with json.Unmarshal,
// as the median of SPECJSON_COLD_RUNS processes each (alternating). It
// runs only when that variable is set:
//
//	SPECJSON_COLD_RUNS=21 go test -run TestColdDecode -v ./specconv/internal/specjson
func TestColdDecode(t *testing.T) {
	runs, _ := strconv.Atoi(os.Getenv(coldRuns))
	if runs <= 0 {
		t.Skip("set " + coldRuns + " to measure")
	}
	times := map[string][]time.Duration{}
	methods := []string{"decode", "unmarshal"}
	for range runs {
		for _, method := range methods {
			cmd := exec.Command(os.Args[0])
			cmd.Env = append(os.Environ(), coldMethod+"="+method)
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("%s: %v", method, err)
			}
			ns, err := strconv.ParseInt(strings.TrimSpace(string(out)), 10, 64)
			if err != nil {
				t.Fatalf("%s printed %q", method, out)
			}
			times[method] = append(times[method], time.Duration(ns))
		}
	}
	for _, method := range methods {
		ts := times[method]
		slices.Sort(ts)
		t.Logf("cold %-9s median %v (min %v, max %v, %d processes)", method, ts[len(ts)/2], ts[0], ts[len(ts)-1], len(ts))
	}
}

func benchmark(b *testing.B, decode func([]byte, *specs.Spec) bool) {
	data, err := os.ReadFile("testdata/config.json")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var s specs.Spec
		if !decode(data, &s) {
			b.Fatal("failed")
		}
	}
}

// BenchmarkDecode and BenchmarkUnmarshal decode the typical config warm.
func BenchmarkDecode(b *testing.B) {
	benchmark(b, Decode)
}

func BenchmarkUnmarshal(b *testing.B) {
	benchmark(b, func(data []byte, s *specs.Spec) bool { return json.Unmarshal(data, s) == nil })
}
