package phase

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestMarkAndFlush(t *testing.T) {
	out := filepath.Join(t.TempDir(), "marks")
	old := file
	file = out
	t.Cleanup(func() { file = old })
	if !Enabled() {
		t.Fatal("Enabled() = false with a file set")
	}
	Mark("one")
	Mark("two")
	Flush()
	Flush() // nothing left: no second copy
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 2 {
		t.Fatalf("got %d lines, want 2: %q", len(lines), b)
	}
	var prev int64
	for i, want := range []string{"one", "two"} {
		f := strings.Fields(lines[i])
		if len(f) != 3 || f[2] != want || f[1] != strconv.Itoa(os.Getpid()) {
			t.Fatalf("line %d = %q, want <ns> %d %s", i, lines[i], os.Getpid(), want)
		}
		ns, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil || ns < prev {
			t.Fatalf("line %d: stamp %q not a monotonic nanosecond count after %d", i, f[0], prev)
		}
		prev = ns
	}
}

func TestOffRecordsNothing(t *testing.T) {
	old := file
	file = ""
	t.Cleanup(func() { file = old })
	Mark("x")
	if len(marks) != 0 || Enabled() {
		t.Fatalf("off, but marks = %v", marks)
	}
}

// Marks from several goroutines come out in stamp order (the container
// create precreates cgroups in a goroutine while the main one marks).
func TestConcurrentMarksInStampOrder(t *testing.T) {
	out := filepath.Join(t.TempDir(), "marks")
	old := file
	file = out
	t.Cleanup(func() { file = old })
	const goroutines, each = 8, 500
	done := make(chan struct{})
	for g := 0; g < goroutines; g++ {
		go func() {
			for i := 0; i < each; i++ {
				Mark("m")
			}
			done <- struct{}{}
		}()
	}
	for g := 0; g < goroutines; g++ {
		<-done
	}
	Flush()
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != goroutines*each {
		t.Fatalf("got %d lines, want %d", len(lines), goroutines*each)
	}
	var prev int64
	for i, l := range lines {
		ns, err := strconv.ParseInt(strings.Fields(l)[0], 10, 64)
		if err != nil || ns < prev {
			t.Fatalf("line %d: stamp %d after %d", i, ns, prev)
		}
		prev = ns
	}
}
