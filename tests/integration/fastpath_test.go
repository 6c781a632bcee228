package integration

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// The fast path (internal/fastpath) serves start, state and delete before
// the Go runtime starts. These tests run each command both ways on the
// same kind of container and compare what users see; the phase marks tell
// which path ran. OCIRUN_NO_FAST is set explicitly either way, so they
// test the same thing when the whole suite runs with the fast path off.

var (
	fastOn  = "OCIRUN_NO_FAST=0"
	fastOff = "OCIRUN_NO_FAST=1"
)

// rtWith runs the runtime with extra environment for this call only.
func (e *env) rtWith(envs []string, args ...string) result {
	old := e.extraEnv
	e.extraEnv = append(append([]string{}, old...), envs...)
	defer func() { e.extraEnv = old }()
	return e.rt(args...)
}

// fastCall runs a command with the fast path on and reports whether the
// fast path served it (its phase mark).
func (e *env) fastCall(args ...string) (result, bool) {
	marks := filepath.Join(e.dir, "marks-"+strconv.FormatInt(time.Now().UnixNano(), 36))
	defer os.Remove(marks)
	r := e.rtWith([]string{fastOn, "OCIRUN_PHASES=" + marks}, args...)
	b, _ := os.ReadFile(marks)
	return r, strings.Contains(string(b), " fast ")
}

// untimed drops the time= fields of log lines.
func untimed(s string) string {
	return timeField.ReplaceAllString(s, "time=T ")
}

var timeField = regexp.MustCompile(`time=\S+ `)

// bothStates checks that `state` prints the same with and without the
// fast path, that the fast path served it, and returns the status.
func (e *env) bothStates(id string) string {
	e.t.Helper()
	fast, served := e.fastCall("state", id)
	slow := e.rtWith([]string{fastOff}, "state", id)
	if fast.code != 0 || slow.code != 0 {
		e.t.Fatalf("state: fast %s\nGo %s", fast, slow)
	}
	if !served {
		e.t.Errorf("state %s was not served by the fast path: %s", id, fast)
	}
	if fast.stdout != slow.stdout {
		e.t.Errorf("state output differs:\nfast: %q\nGo:   %q", fast.stdout, slow.stdout)
	}
	var st specs.State
	if i := strings.Index(fast.stdout, `"status": "`); i >= 0 {
		rest := fast.stdout[i+len(`"status": "`):]
		st.Status = specs.ContainerState(rest[:strings.IndexByte(rest, '"')])
	}
	return string(st.Status)
}

// created, running, paused, stopped: the same `state` both ways; start
// and delete served by the fast path; nothing left.
func TestFastPathLifecycle(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sleep", "100")
	e.spec.Annotations = map[string]string{"org.example/a": "x \"quoted\" \\ value", "b": "é"}
	e.writeConfig()
	mustOK(t, e.rtWith([]string{fastOn}, "create", e.id))
	if st := e.bothStates(e.id); st != "created" {
		t.Fatalf("status %q after create", st)
	}
	r, served := e.fastCall("start", e.id)
	mustOK(t, r)
	if !served {
		t.Errorf("start not served by the fast path")
	}
	if st := e.bothStates(e.id); st != "running" {
		t.Fatalf("status %q after start", st)
	}
	// A second start is the Go path's error.
	r, served = e.fastCall("start", e.id)
	expectError(t, r, e.id)
	slow := e.rtWith([]string{fastOff}, "start", e.id)
	if served || untimed(r.stderr) != untimed(slow.stderr) {
		t.Errorf("second start: served %v, fast %q, Go %q", served, r.stderr, slow.stderr)
	}
	mustOK(t, e.rt("pause", e.id))
	if st := e.bothStates(e.id); st != "paused" {
		t.Errorf("status %q after pause", st)
	}
	mustOK(t, e.rt("resume", e.id))
	if st := e.bothStates(e.id); st != "running" {
		t.Errorf("status %q after resume", st)
	}
	// delete of a running container without --force: the Go path's error.
	r, served = e.fastCall("delete", e.id)
	expectError(t, r, e.id)
	if served {
		t.Errorf("delete of a running container served by the fast path")
	}
	mustOK(t, e.rt("kill", e.id, "KILL"))
	e.waitStatus(e.id, specs.StateStopped, 10*time.Second)
	if st := e.bothStates(e.id); st != "stopped" {
		t.Errorf("status %q after kill", st)
	}
	r, served = e.fastCall("delete", e.id)
	mustOK(t, r)
	if !served {
		t.Errorf("delete of a stopped container not served by the fast path")
	}
	if _, err := os.Stat(filepath.Join(e.root, e.id)); !os.IsNotExist(err) {
		t.Errorf("state dir left: %v", err)
	}
	if m, _ := filepath.Glob("/sys/fs/cgroup/*/" + e.id); len(m) > 0 {
		t.Errorf("cgroups left: %v", m)
	}
	// Unknown now: the Go path's error both ways.
	r, _ = e.fastCall("state", e.id)
	slow = e.rtWith([]string{fastOff}, "state", e.id)
	expectError(t, r, e.id)
	if untimed(r.stderr) != untimed(slow.stderr) {
		t.Errorf("state of a deleted container: fast %q, Go %q", r.stderr, slow.stderr)
	}
}

// A process that cannot be exec'd (an executable file that is not a
// program): the fast start reports the init's error exactly as the Go
// path does, and leaves the same state behind.
func TestFastStartInitError(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "/oirt-not-a-program")
	if err := os.WriteFile(filepath.Join(e.rootfs, "oirt-not-a-program"), []byte("\x00\x01 not a program\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	other := newID()
	e.track(other)
	mustOK(t, e.rtWith([]string{fastOn}, "create", e.id))
	mustOK(t, e.rtWith([]string{fastOn}, "create", other))
	fast, served := e.fastCall("start", e.id)
	slow := e.rtWith([]string{fastOff}, "start", other)
	if !served {
		t.Errorf("start not taken by the fast path: %s", fast)
	}
	expectError(t, fast, "oirt-not-a-program", "exec format error")
	if fast.code != slow.code || strings.ReplaceAll(untimed(fast.stderr), e.id, "ID") != strings.ReplaceAll(untimed(slow.stderr), other, "ID") {
		t.Errorf("start of a missing binary:\nfast %s\nGo   %s", fast, slow)
	}
	for _, id := range []string{e.id, other} {
		if st := e.bothStates(id); st != "stopped" {
			t.Errorf("%s: status %q after the failed start", id, st)
		}
		r, _ := e.fastCall("delete", id)
		mustOK(t, r)
	}
}

// A process left in the cgroup (no pid namespace): the fast delete cannot
// remove the cgroup and hands over to Go, which kills it and removes all.
func TestFastDeleteBusyCgroupFallsBack(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sh", "-c", "sleep 1000 & echo $! >/out/pid")
	out := e.outDir()
	e.dropNamespace(specs.PIDNamespace)
	e.writeConfig()
	mustOK(t, e.rtWith([]string{fastOn}, "run", "-d", e.id))
	pidText := waitFile(t, filepath.Join(out, "pid"), 10*time.Second)
	e.waitStatus(e.id, specs.StateStopped, 10*time.Second)
	pid, err := strconv.Atoi(strings.TrimSpace(pidText))
	if err != nil {
		t.Fatalf("pid file %q", pidText)
	}
	// The container's pid namespace is the host's: pid is a host pid.
	if err := syscall.Kill(pid, 0); err != nil {
		t.Fatalf("the left-behind sleep %d is not running: %v", pid, err)
	}
	r, served := e.fastCall("delete", e.id)
	mustOK(t, r)
	if served {
		t.Errorf("delete with a busy cgroup was served by the fast path")
	}
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat"); err != nil || strings.Contains(string(b), ") Z ") {
			break
		}
		if time.Now().After(deadline) {
			t.Errorf("process %d left in the container's cgroup survived delete", pid)
			syscall.Kill(pid, syscall.SIGKILL)
			break
		}
	}
	if m, _ := filepath.Glob("/sys/fs/cgroup/*/" + e.id); len(m) > 0 {
		t.Errorf("cgroups left: %v", m)
	}
}

// The global flags container managers pass are served; others go to Go.
func TestFastPathFlags(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sleep", "100")
	mustOK(t, e.rt("create", e.id))
	logf := filepath.Join(e.dir, "sub.log")
	r, served := e.fastCall("--log", logf, "--log-format=json", "--systemd-cgroup", "state", e.id)
	mustOK(t, r)
	if !served {
		t.Errorf("--log FILE --log-format=json --systemd-cgroup state: not served by the fast path")
	}
	if _, err := os.Stat(logf); err != nil {
		t.Errorf("log file not created as the Go path does: %v", err)
	}
	for _, args := range [][]string{
		{"--debug", "state", e.id},
		{"--systemd-cgroup=false", "state", e.id},
		{"state", e.id, "extra"},
		{"state", "--help"},
		{"state", "../" + e.id},
		{"--log-format", "xml", "state", e.id},
	} {
		fast, served := e.fastCall(args...)
		slow := e.rtWith([]string{fastOff}, args...)
		if served {
			t.Errorf("%v: served by the fast path", args)
		}
		if fast.code != slow.code || fast.stdout != slow.stdout {
			t.Errorf("%v:\nfast %s\nGo   %s", args, fast, slow)
		}
	}
	mustOK(t, e.rt("delete", "--force", e.id))
}

// kill: the fast path signals the init of a live container; a stopped one,
// --all and signals it does not know go to Go, with Go's errors.
func TestFastKill(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sleep", "100")
	mustOK(t, e.rt("run", "-d", e.id))
	for _, args := range [][]string{
		{"kill", e.id, "NOPE"},
		{"kill", e.id, "0"},
		{"kill", e.id, "SIGIOT", "extra"},
	} {
		fast, served := e.fastCall(args...)
		slow := e.rtWith([]string{fastOff}, args...)
		if served || fast.code == 0 || fast.code != slow.code || untimed(fast.stderr) != untimed(slow.stderr) {
			t.Errorf("%v: served %v\nfast %s\nGo   %s", args, served, fast, slow)
		}
	}
	// A signal the container survives (sleep ignores nothing, but SIGCONT
	// is harmless), then one it does not.
	r, served := e.fastCall("kill", e.id, "cont")
	mustOK(t, r)
	if !served {
		t.Errorf("kill ID cont not served by the fast path")
	}
	r, served = e.fastCall("kill", "--all", e.id, "CONT")
	mustOK(t, r)
	if served {
		t.Errorf("kill --all served by the fast path")
	}
	r, served = e.fastCall("kill", e.id, "9")
	mustOK(t, r)
	if !served {
		t.Errorf("kill ID 9 not served by the fast path")
	}
	e.waitStatus(e.id, specs.StateStopped, 10*time.Second)
	fast, served := e.fastCall("kill", e.id)
	slow := e.rtWith([]string{fastOff}, "kill", e.id)
	expectError(t, fast, e.id)
	if served || untimed(fast.stderr) != untimed(slow.stderr) {
		t.Errorf("kill of a stopped container: served %v\nfast %s\nGo   %s", served, fast, slow)
	}
	r, _ = e.fastCall("delete", e.id)
	mustOK(t, r)
}

// delete of a created container, and delete --force of a running one,
// kill the init and remove everything on the fast path; a paused one goes
// to Go (it must be thawed for the kill to land).
func TestFastDeleteKills(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sleep", "100")
	created, running, paused := e.id, newID(), newID()
	e.track(running)
	e.track(paused)
	mustOK(t, e.rtWith([]string{fastOn}, "create", created))
	mustOK(t, e.rtWith([]string{fastOn}, "run", "-d", running))
	mustOK(t, e.rtWith([]string{fastOn}, "run", "-d", paused))
	mustOK(t, e.rt("pause", paused))
	pids := map[string]int{}
	for _, id := range []string{created, running, paused} {
		pids[id] = e.mustState(id).Pid
	}
	for _, c := range []struct {
		id         string
		args       []string
		wantServed bool
	}{
		{created, []string{"delete", created}, true},
		{running, []string{"delete", "--force", running}, true},
		{paused, []string{"delete", "-f", paused}, false},
	} {
		r, served := e.fastCall(c.args...)
		mustOK(t, r)
		if served != c.wantServed {
			t.Errorf("%v: served by the fast path %v, want %v", c.args, served, c.wantServed)
		}
		if _, err := os.Stat(filepath.Join(e.root, c.id)); !os.IsNotExist(err) {
			t.Errorf("%v: state dir left: %v", c.args, err)
		}
		if m, _ := filepath.Glob("/sys/fs/cgroup/*/" + c.id); len(m) > 0 {
			t.Errorf("%v: cgroups left: %v", c.args, m)
		}
		if b, err := os.ReadFile("/proc/" + strconv.Itoa(pids[c.id]) + "/stat"); err == nil && !strings.Contains(string(b), ") Z ") {
			t.Errorf("%v: init %d still running", c.args, pids[c.id])
		}
	}
}

// Concurrent starts of one container: the container lock lets exactly one
// through (on whichever path); the others report the Go path's error.
// Concurrent states meanwhile always print a whole, valid state.
func TestFastPathConcurrentStart(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sleep", "100")
	mustOK(t, e.rtWith([]string{fastOn}, "create", e.id))
	const n = 4
	results := make(chan result, 2*n)
	for i := 0; i < n; i++ {
		go func() { results <- e.rtWith([]string{fastOn}, "start", e.id) }()
		go func() { results <- e.rtWith([]string{fastOn}, "state", e.id) }()
	}
	ok := 0
	for i := 0; i < 2*n; i++ {
		r := <-results
		switch r.args[len(r.args)-2] {
		case "start":
			if r.code == 0 {
				ok++
			} else if !strings.Contains(r.stderr, "running") {
				t.Errorf("losing start: %s", r)
			}
		case "state":
			var st specs.State
			if r.code != 0 || json.Unmarshal([]byte(r.stdout), &st) != nil || st.ID != e.id ||
				(st.Status != specs.StateCreated && st.Status != specs.StateRunning) {
				t.Errorf("state during starts: %s", r)
			}
		}
	}
	if ok != 1 {
		t.Errorf("%d of %d concurrent starts succeeded, want 1", ok, n)
	}
	if st := e.bothStates(e.id); st != "running" {
		t.Errorf("status %q after the starts", st)
	}
	r, served := e.fastCall("delete", "--force", e.id)
	mustOK(t, r)
	if !served {
		t.Errorf("delete --force not served by the fast path")
	}
}
