package integration

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func TestRunEchoHello(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "echo", "hello")
	r := e.rt("run", "--bundle", e.bundle, e.id)
	mustOK(t, r)
	if r.stdout != "hello\n" {
		t.Errorf("stdout = %q, want %q", r.stdout, "hello\n")
	}
	// run without --detach deletes the container when it exits.
	if _, r := e.state(e.id); r.code == 0 {
		t.Errorf("container still known after run returned: %s", r)
	}
}

func TestExitCodes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		script string
		code   int
		noPID  bool // run in the host pid namespace, so the shell is not an init that ignores signals
	}{
		{"zero", "exit 0", 0, false},
		{"fortytwo", "exit 42", 42, false},
		{"sigkill", "kill -9 $$", 137, true},
		{"sigterm", "kill -TERM $$", 143, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, "sh", "-c", c.script)
			if c.noPID {
				// A pid namespace's init ignores signals it has no handler
				// for, even SIGKILL from inside; leave the pid namespace out
				// so the process really dies by the signal.
				e.dropNamespace(specs.PIDNamespace)
				e.writeConfig()
			}
			r := e.rt("run", "--bundle", e.bundle, e.id)
			if r.code != c.code {
				t.Errorf("exit code = %d, want %d: %s", r.code, c.code, r)
			}
		})
	}
}

func TestStateTransitions(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sleep", "1000")
	mustOK(t, e.rt("create", "--bundle", e.bundle, e.id))

	st := e.mustState(e.id)
	if st.Status != specs.StateCreated {
		t.Errorf("after create: status %q, want created", st.Status)
	}
	if st.Pid <= 0 {
		t.Errorf("after create: pid %d, want the init's pid", st.Pid)
	}
	if st.Bundle != e.bundle {
		t.Errorf("bundle = %q, want %q", st.Bundle, e.bundle)
	}
	if _, err := os.Stat("/proc/" + strconv.Itoa(st.Pid)); err != nil {
		t.Errorf("init pid %d not alive after create: %v", st.Pid, err)
	}

	mustOK(t, e.rt("start", e.id))
	st2 := e.mustState(e.id)
	if st2.Status != specs.StateRunning {
		t.Errorf("after start: status %q, want running", st2.Status)
	}
	if st2.Pid != st.Pid {
		t.Errorf("pid changed across start: %d -> %d", st.Pid, st2.Pid)
	}

	mustOK(t, e.rt("kill", e.id, "KILL"))
	e.waitStatus(e.id, specs.StateStopped, 10*time.Second)

	mustOK(t, e.rt("delete", e.id))
	if _, r := e.state(e.id); r.code == 0 {
		t.Errorf("state succeeded after delete: %s", r)
	}
}

func TestDeleteRunningNeedsForce(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sleep", "1000")
	mustOK(t, e.rt("run", "--detach", "--bundle", e.bundle, e.id))
	e.waitStatus(e.id, specs.StateRunning, 5*time.Second)

	r := e.rt("delete", e.id)
	expectError(t, r, e.id)
	if st := e.mustState(e.id); st.Status != specs.StateRunning {
		t.Errorf("refused delete changed status to %q", st.Status)
	}

	mustOK(t, e.rt("delete", "--force", e.id))
	if _, r := e.state(e.id); r.code == 0 {
		t.Errorf("state succeeded after delete --force: %s", r)
	}
}

func TestRunDetachThenForceDelete(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sleep", "1000")
	r := e.rt("run", "--detach", "--bundle", e.bundle, e.id)
	mustOK(t, r)
	st := e.mustState(e.id)
	if st.Status != specs.StateRunning {
		t.Errorf("after run --detach: status %q, want running", st.Status)
	}
	mustOK(t, e.rt("delete", "-f", e.id))
	if _, r := e.state(e.id); r.code == 0 {
		t.Errorf("state succeeded after delete -f: %s", r)
	}
}

// killEnv runs a detached container that loops forever after running trap
// (a shell trap command) and writing /out/ready; it returns once ready.
func killEnv(t *testing.T, trap string) (*env, string) {
	e := newEnv(t, "sh", "-c", trap+`; echo ready > /out/ready; while :; do sleep 0.1; done`)
	out := e.outDir()
	e.writeConfig()
	mustOK(t, e.rt("run", "--detach", "--bundle", e.bundle, e.id))
	waitFile(t, filepath.Join(out, "ready"), 10*time.Second)
	return e, out
}

func TestKillDefaultIsTERM(t *testing.T) {
	t.Parallel()
	e, out := killEnv(t, `trap 'echo TERM > /out/sig; exit 0' TERM`)
	mustOK(t, e.rt("kill", e.id))
	if got := strings.TrimSpace(waitFile(t, filepath.Join(out, "sig"), 10*time.Second)); got != "TERM" {
		t.Errorf("container saw %q, want TERM", got)
	}
	e.waitStatus(e.id, specs.StateStopped, 10*time.Second)
}

func TestKillByName(t *testing.T) {
	t.Parallel()
	// TERM is ignored: only a real SIGKILL stops it.
	e, _ := killEnv(t, `trap '' TERM`)
	mustOK(t, e.rt("kill", e.id, "KILL"))
	e.waitStatus(e.id, specs.StateStopped, 10*time.Second)
}

func TestKillByNumber(t *testing.T) {
	t.Parallel()
	e, _ := killEnv(t, `trap '' TERM`)
	mustOK(t, e.rt("kill", e.id, "9"))
	e.waitStatus(e.id, specs.StateStopped, 10*time.Second)
}

func TestKillTERMIgnoredKeepsRunning(t *testing.T) {
	t.Parallel()
	// Counterpart of the two tests above: the trap really ignores TERM, so
	// their stop is due to SIGKILL and not to any signal.
	e, _ := killEnv(t, `trap '' TERM`)
	mustOK(t, e.rt("kill", e.id, "TERM"))
	time.Sleep(300 * time.Millisecond)
	if st := e.mustState(e.id); st.Status != specs.StateRunning {
		t.Errorf("status %q after an ignored TERM, want running", st.Status)
	}
}

func TestList(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sleep", "1000")
	id2 := newID()
	e.track(id2)
	mustOK(t, e.rt("create", "--bundle", e.bundle, e.id))
	mustOK(t, e.rt("create", "--bundle", e.bundle, id2))

	// Table: a header, then one line per container with id and status.
	r := e.rt("list")
	mustOK(t, r)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "ID") {
		t.Fatalf("list: want a header and 2 lines: %s", r)
	}
	for _, id := range []string{e.id, id2} {
		found := false
		for _, l := range lines[1:] {
			f := strings.Fields(l)
			if len(f) >= 3 && f[0] == id {
				found = true
				if f[2] != "created" {
					t.Errorf("list: %s status %q, want created", id, f[2])
				}
			}
		}
		if !found {
			t.Errorf("list: %s missing: %s", id, r)
		}
	}

	// JSON: an array of objects with id, pid, status, bundle.
	r = e.rt("list", "--format", "json")
	mustOK(t, r)
	var items []struct {
		ID     string `json:"id"`
		Pid    int    `json:"pid"`
		Status string `json:"status"`
		Bundle string `json:"bundle"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &items); err != nil {
		t.Fatalf("list --format json: invalid JSON: %v: %s", err, r)
	}
	if len(items) != 2 {
		t.Errorf("list --format json: %d items, want 2: %s", len(items), r)
	}
	for _, it := range items {
		if (it.ID != e.id && it.ID != id2) || it.Status != "created" || it.Pid <= 0 || it.Bundle != e.bundle {
			t.Errorf("list --format json: unexpected item %+v", it)
		}
	}

	// Quiet: ids only.
	r = e.rt("list", "-q")
	mustOK(t, r)
	got := strings.Fields(r.stdout)
	slices.Sort(got)
	want := []string{e.id, id2}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("list -q = %q, want %q", got, want)
	}
}

func TestListEmptyRoot(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := e.rt("list", "-q")
	mustOK(t, r)
	if strings.TrimSpace(r.stdout) != "" {
		t.Errorf("list -q on an empty root printed %q", r.stdout)
	}
}

// runc: fails against runc 1.1.5 only on the message ("container with given
// ID already exists" does not name the id); exactly one create wins there too.
func TestCreateSameIDConcurrently(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sleep", "1000")
	const n = 2
	var wg sync.WaitGroup
	results := make([]result, n)
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			results[i] = e.rt("create", "--bundle", e.bundle, e.id)
		}()
	}
	close(start)
	wg.Wait()

	ok := 0
	for _, r := range results {
		if r.code == 0 {
			ok++
		} else {
			expectError(t, r, e.id)
		}
	}
	if ok != 1 {
		t.Fatalf("%d of %d concurrent creates succeeded, want exactly 1: %v", ok, n, results)
	}
	if st := e.mustState(e.id); st.Status != specs.StateCreated {
		t.Errorf("status %q, want created", st.Status)
	}
	// And sequentially, after the fact.
	expectError(t, e.rt("create", "--bundle", e.bundle, e.id), e.id)
}

// runc: fails against runc 1.1.5, whose message ("cannot start an already
// running container") does not name the id.
func TestStartTwice(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sleep", "1000")
	mustOK(t, e.rt("create", "--bundle", e.bundle, e.id))
	mustOK(t, e.rt("start", e.id))
	expectError(t, e.rt("start", e.id), e.id)
	if st := e.mustState(e.id); st.Status != specs.StateRunning {
		t.Errorf("after a refused second start: status %q, want running", st.Status)
	}
}

func TestPidFile(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sleep", "1000")
	pidFile := filepath.Join(e.dir, "init.pid")
	mustOK(t, e.rt("create", "--bundle", e.bundle, "--pid-file", pidFile, e.id))
	b, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatalf("--pid-file not written: %v", err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatalf("--pid-file holds %q, not a pid", b)
	}
	if st := e.mustState(e.id); st.Pid != pid {
		t.Errorf("--pid-file says %d, state says %d", pid, st.Pid)
	}
	// The pid file's pid is the process that becomes the user's process.
	mustOK(t, e.rt("start", e.id))
	e.waitStatus(e.id, specs.StateRunning, 5*time.Second)
	cmd, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	if err != nil {
		t.Fatalf("pid %d: %v", pid, err)
	}
	if got := strings.ReplaceAll(strings.TrimRight(string(cmd), "\x00"), "\x00", " "); got != "sleep 1000" {
		t.Errorf("pid %d runs %q, want %q", pid, got, "sleep 1000")
	}
}

func TestSpec(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	dir := t.TempDir()
	mustOK(t, e.runIn(dir, defaultTimeout, "spec"))
	data, err := os.ReadFile(filepath.Join(dir, "config.json"))
	if err != nil {
		t.Fatal(err)
	}
	var s specs.Spec
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatalf("spec: invalid JSON: %v", err)
	}
	if s.Version == "" || s.Process == nil || s.Root == nil || s.Linux == nil {
		t.Fatalf("spec lacks ociVersion, process, root or linux:\n%s", data)
	}
	if c := s.Process.Capabilities; c != nil && len(c.Inheritable) > 0 {
		t.Errorf("spec grants inheritable capabilities %v, want none", c.Inheritable)
	}
	// The raw JSON too (a field the struct would not catch).
	var raw map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	if p, ok := raw["process"].(map[string]any); ok {
		if c, ok := p["capabilities"].(map[string]any); ok {
			if inh, ok := c["inheritable"].([]any); ok && len(inh) > 0 {
				t.Errorf("spec has inheritable capabilities: %v", inh)
			}
		}
	}
}

func TestFeatures(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := e.rt("features")
	mustOK(t, r)
	var f map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &f); err != nil {
		t.Fatalf("features: invalid JSON: %v: %s", err, r)
	}
	for _, k := range []string{"ociVersionMin", "ociVersionMax"} {
		if s, _ := f[k].(string); s == "" {
			t.Errorf("features: %s missing: %s", k, r)
		}
	}
}
