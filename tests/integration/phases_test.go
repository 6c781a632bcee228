package integration

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// OCIRUN_PHASES=FILE: each command appends its phases, in order, with
// non-decreasing monotonic stamps and its own pid; without it nothing is
// written.
func TestPhasesTrace(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "true")
	out := filepath.Join(e.dir, "phases")
	// The Go path's phases (the fast path marks only "fast <command>").
	e.extraEnv = []string{"OCIRUN_PHASES=" + out, fastOff}
	if r := e.rt("run", e.id); r.code != 0 {
		t.Fatalf("run: %s", r)
	}
	id2 := newID()
	e.track(id2)
	if r := e.rt("create", id2); r.code != 0 {
		t.Fatalf("create: %s", r)
	}
	if r := e.rt("delete", id2); r.code != 0 {
		t.Fatalf("delete: %s", r)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	type mark struct {
		ns   int64
		name string
	}
	byPid := map[string][]mark{}
	var pids []string
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		f := strings.SplitN(l, " ", 3)
		if len(f) != 3 {
			t.Fatalf("bad line %q", l)
		}
		ns, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			t.Fatalf("bad stamp in %q", l)
		}
		if _, ok := byPid[f[1]]; !ok {
			pids = append(pids, f[1])
		}
		byPid[f[1]] = append(byPid[f[1]], mark{ns, f[2]})
	}
	want := [][]string{
		{"main", "spec decoded", "config converted", "create", "init spawned", "init ready", "started", "container exited", "exit"},
		{"main", "spec decoded", "create", "init ready", "state written", "exit"},
		{"main", "loaded", "exit"},
	}
	if len(pids) != len(want) {
		t.Fatalf("marks from %d processes, want %d (run, create, delete):\n%s", len(pids), len(want), b)
	}
	for i, pid := range pids {
		marks := byPid[pid]
		for j := 1; j < len(marks); j++ {
			if marks[j].ns < marks[j-1].ns {
				t.Errorf("process %d: %q stamped before %q", i, marks[j].name, marks[j-1].name)
			}
		}
		k := 0
		for _, m := range marks {
			if k < len(want[i]) && m.name == want[i][k] {
				k++
			}
		}
		if k != len(want[i]) {
			t.Errorf("process %d: phases %v do not include %v in order", i, marks, want[i])
		}
	}

	// Off: no file.
	e.extraEnv = nil
	off := filepath.Join(e.dir, "phases")
	os.Remove(off)
	e.id = newID()
	e.track(e.id)
	if r := e.rt("run", e.id); r.code != 0 {
		t.Fatalf("run: %s", r)
	}
	if _, err := os.Stat(off); !os.IsNotExist(err) {
		t.Errorf("phases written without %s: %v", "OCIRUN_PHASES", err)
	}
}
