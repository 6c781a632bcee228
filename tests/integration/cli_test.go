package integration

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// A hook that outlives its timeout fails the create, names the hook, and
// leaves nothing (the leak checker).
func TestHookTimeout(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "true")
	one := 1
	e.spec.Hooks = &specs.Hooks{
		CreateRuntime: []specs.Hook{{Path: "/bin/sh", Args: []string{"sh", "-c", "sleep 30"}, Timeout: &one}},
	}
	e.writeConfig()
	start := time.Now()
	expectError(t, e.rt("create", "--bundle", e.bundle, e.id), "createRuntime", "timed out")
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("create took %s with a 1s hook timeout", d)
	}
}

// Hooks get their env and args, and a failing poststart hook only warns.
func TestHookEnvAndPoststartFailureWarns(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "true")
	out := filepath.Join(e.dir, "hook-env")
	e.spec.Hooks = &specs.Hooks{
		Prestart:  []specs.Hook{{Path: "/bin/sh", Args: []string{"sh", "-c", "echo \"$OIRT_X $0\" > " + out, "arg0"}, Env: []string{"OIRT_X=hello"}}},
		Poststart: []specs.Hook{{Path: "/bin/sh", Args: []string{"sh", "-c", "exit 1"}}},
	}
	e.writeConfig()
	r := e.rt("run", "--bundle", e.bundle, e.id)
	mustOK(t, r)
	if b, _ := os.ReadFile(out); string(b) != "hello arg0\n" {
		t.Errorf("hook saw %q, want %q", b, "hello arg0\n")
	}
	if !strings.Contains(r.stderr, "poststart") {
		t.Errorf("no warning about the failed poststart hook: %s", r)
	}
}

// With --log FILE --log-format json an error is a JSON line with
// level "error" and the message (what containerd's go-runc reads), and it is
// also printed on stderr.
func TestJSONErrorLog(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "true")
	logFile := filepath.Join(e.dir, "log.json")
	r := e.rt("--log", logFile, "--log-format", "json", "state", "oirt-missing-container")
	expectError(t, r, "oirt-missing-container")
	b, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	var line struct{ Level, Msg string }
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &line); err != nil {
		t.Fatalf("log line %q: %v", lines[len(lines)-1], err)
	}
	if line.Level != "error" || !strings.Contains(line.Msg, "oirt-missing-container") {
		t.Errorf("log line %+v", line)
	}
}

// --preserve-fds passes fds 3.. through, and nothing else of the runtime's
// reaches the container.
func TestPreserveFDsAndNoLeaks(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sh", "-c", "ls /proc/self/fd | tr '\\n' ' '; echo; cat <&3")
	f, err := os.CreateTemp(e.dir, "passed")
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("through-fd-3\n")
	f.Seek(0, 0)
	// An extra fd the runtime inherits but must not pass on (fd 4).
	leak, err := os.Open(e.dir)
	if err != nil {
		t.Fatal(err)
	}
	defer leak.Close()
	cmd := exec.Command(runtimeBin, "--root", e.root, "run", "--preserve-fds", "1", "--bundle", e.bundle, e.id)
	cmd.ExtraFiles = []*os.File{f, leak}
	outB, err := cmd.Output()
	if err != nil {
		t.Fatalf("run: %v (%s)", err, outB)
	}
	lines := strings.Split(string(outB), "\n")
	// ls itself opens one directory fd (the highest number).
	fds := strings.Fields(lines[0])
	if len(fds) != 5 || fds[0] != "0" || fds[1] != "1" || fds[2] != "2" || fds[3] != "3" {
		t.Errorf("container fds %v, want 0 1 2 3 and ls's own", fds)
	}
	if len(lines) < 2 || lines[1] != "through-fd-3" {
		t.Errorf("fd 3 content %q", lines[1:])
	}
}

func TestBadFlags(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "true")
	expectError(t, e.rt("create", "--no-such-flag", e.id), "no-such-flag")
	expectError(t, e.rt("kill", e.id, "SIGNOTASIGNAL"), "SIGNOTASIGNAL")
	expectError(t, e.rt("list", "--format", "yaml"), "yaml")
	expectError(t, e.rt("no-such-command"), "no-such-command")
	expectError(t, e.runIn(e.bundle, defaultTimeout, "--log-format", "xml", "list"), "xml")
}

// --no-pivot: chroot instead of pivot_root; the container still sees only
// its rootfs and /proc works.
func TestNoPivot(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sh", "-c", "ls /; cat /proc/self/mountinfo | wc -l")
	r := e.rt("run", "--no-pivot", "--bundle", e.bundle, e.id)
	mustOK(t, r)
	// The busybox rootfs has no /usr; the host has one.
	if !strings.Contains(r.stdout, "bin\n") || strings.Contains(r.stdout, "usr\n") {
		t.Errorf("root listing under --no-pivot: %q", r.stdout)
	}
}

// kill --all signals every process in the container's cgroup (frozen
// meanwhile on v1, so none can fork away): without a PID namespace the
// init's children do not die with it, so only --all reaches them.
func TestKillAll(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sh", "-c", "sleep 1001 & sleep 1002 & wait")
	e.dropNamespace(specs.PIDNamespace)
	e.writeConfig()
	mustOK(t, e.rt("run", "--detach", "--bundle", e.bundle, e.id))
	procs := func() []string {
		b, _ := os.ReadFile("/sys/fs/cgroup/pids/" + e.id + "/cgroup.procs")
		return strings.Fields(string(b))
	}
	for deadline := time.Now().Add(5 * time.Second); len(procs()) < 3; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("container processes %v, want 3", procs())
		}
	}
	mustOK(t, e.rt("kill", "--all", e.id, "KILL"))
	for deadline := time.Now().Add(5 * time.Second); len(procs()) > 0; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("processes left after kill --all: %v", procs())
		}
	}
	if b, _ := os.ReadFile("/sys/fs/cgroup/freezer/" + e.id + "/freezer.state"); strings.TrimSpace(string(b)) != "THAWED" {
		t.Errorf("freezer left %q after kill --all", b)
	}
}
