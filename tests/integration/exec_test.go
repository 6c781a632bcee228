package integration

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// startSleeper runs the env's container detached with `sleep 1000`.
func startSleeper(t *testing.T) *env {
	t.Helper()
	e := newEnv(t, "sleep", "1000")
	mustOK(t, e.rt("run", "--detach", "--bundle", e.bundle, e.id))
	return e
}

func TestExecJoinsNamespacesAndCgroup(t *testing.T) {
	t.Parallel()
	e := startSleeper(t)
	st := e.mustState(e.id)
	r := e.rt("exec", e.id, "sh", "-c", "for n in pid mnt net uts ipc cgroup; do readlink /proc/self/ns/$n; done; hostname; echo pid=$$")
	mustOK(t, r)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 8 {
		t.Fatalf("exec output %q", r.stdout)
	}
	for i, ns := range []string{"pid", "mnt", "net", "uts", "ipc", "cgroup"} {
		want, err := os.Readlink("/proc/" + strconv.Itoa(st.Pid) + "/ns/" + ns)
		if err != nil {
			t.Fatal(err)
		}
		if lines[i] != want {
			t.Errorf("exec'd process %s ns %s, init's %s", ns, lines[i], want)
		}
	}
	if lines[6] != e.spec.Hostname {
		t.Errorf("hostname %q, want %q", lines[6], e.spec.Hostname)
	}
	if pid := strings.TrimPrefix(lines[7], "pid="); pid == "1" || pid == "" {
		t.Errorf("exec'd process has pid %q in the container", pid)
	}
	// The exec'd process was in the container's cgroup: check with a
	// long-lived one, from the host.
	pidFile := filepath.Join(e.dir, "exec.pid")
	mustOK(t, e.rt("exec", "--detach", "--pid-file", pidFile, e.id, "sleep", "1000"))
	hostPid := strings.TrimSpace(waitFile(t, pidFile, defaultTimeout))
	procs, err := os.ReadFile("/sys/fs/cgroup/pids/" + e.id + "/cgroup.procs")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains("\n"+string(procs), "\n"+hostPid+"\n") {
		t.Errorf("exec'd pid %s not in the container's pids cgroup: %q", hostPid, procs)
	}
}

func TestExecExitCodesAndErrors(t *testing.T) {
	t.Parallel()
	e := startSleeper(t)
	if r := e.rt("exec", e.id, "sh", "-c", "exit 42"); r.code != 42 {
		t.Errorf("exit 42: %s", r)
	}
	if r := e.rt("exec", e.id, "true"); r.code != 0 {
		t.Errorf("true: %s", r)
	}
	// Killed by a signal: 128+signal. The exec'd shell is not the pid
	// namespace's init, so it can die of its own SIGKILL.
	if r := e.rt("exec", e.id, "sh", "-c", "kill -9 $$"); r.code != 137 {
		t.Errorf("kill -9: %s", r)
	}
	expectError(t, e.rt("exec", e.id, "no-such-binary"), "no-such-binary")
	expectError(t, e.rt("exec", "oirt-nonexistent", "true"), "oirt-nonexistent")
	// A stopped container refuses exec.
	mustOK(t, e.rt("kill", e.id, "KILL"))
	e.waitStatus(e.id, specs.StateStopped, defaultTimeout)
	expectError(t, e.rt("exec", e.id, "true"), e.id)
}

func TestExecUserCapsEnvCwd(t *testing.T) {
	t.Parallel()
	e := startSleeper(t)
	r := e.rt("exec", "--user", "1000:1000", "-g", "10", "--env", "FOO=bar", "--cwd", "/tmp", e.id,
		"sh", "-c", "id; echo $FOO; pwd; grep -E '^Cap(Inh|Amb|Bnd|Eff)' /proc/self/status")
	mustOK(t, r)
	out := r.stdout
	for _, want := range []string{"uid=1000", "gid=1000", "groups=10", "bar\n", "/tmp\n",
		"CapInh:\t0000000000000000", "CapAmb:\t0000000000000000"} {
		if !strings.Contains(out, want) {
			t.Errorf("exec output lacks %q:\n%s", want, out)
		}
	}
	// --cap adds to bounding, effective and permitted, never inheritable.
	r = e.rt("exec", "--cap", "CAP_SYS_ADMIN", e.id, "grep", "-E", "^Cap(Inh|Bnd)", "/proc/self/status")
	mustOK(t, r)
	bnd := capMask(t, append(e.spec.Process.Capabilities.Bounding, "CAP_SYS_ADMIN"))
	if !strings.Contains(r.stdout, "CapInh:\t0000000000000000") ||
		!strings.Contains(r.stdout, "CapBnd:\t"+hex16(bnd)) {
		t.Errorf("--cap CAP_SYS_ADMIN: %s (want CapBnd %s)", r.stdout, hex16(bnd))
	}
	expectError(t, e.rt("exec", "--cap", "CAP_TELEPORT", e.id, "true"), "CAP_TELEPORT")
}

func TestExecProcessJSON(t *testing.T) {
	t.Parallel()
	e := startSleeper(t)
	p := specs.Process{Args: []string{"sh", "-c", "echo from-json; id -u"}, Cwd: "/", Env: []string{"PATH=/bin"},
		User: specs.User{UID: 7}}
	b, _ := json.Marshal(p)
	path := filepath.Join(e.dir, "process.json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	r := e.rt("exec", "--process", path, e.id)
	mustOK(t, r)
	if r.stdout != "from-json\n7\n" {
		t.Errorf("stdout %q", r.stdout)
	}
}

func hex16(v uint64) string {
	s := strconv.FormatUint(v, 16)
	return strings.Repeat("0", 16-len(s)) + s
}

// exec --cgroup puts the process in an existing sub-cgroup of the
// container's (runc's [controller[,controller]:]path syntax).
func TestExecSubCgroup(t *testing.T) {
	t.Parallel()
	e := startSleeper(t)
	for _, ctrl := range []string{"pids", "memory"} {
		if err := os.Mkdir(filepath.Join("/sys/fs/cgroup", ctrl, e.id, "sub"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// In its cgroup namespace the container's cgroup is "/".
	r := e.rt("exec", "--cgroup", "pids:sub", e.id, "cat", "/proc/self/cgroup")
	mustOK(t, r)
	if !strings.Contains(r.stdout, ":pids:/sub\n") || !strings.Contains(r.stdout, ":memory:/\n") {
		t.Errorf("--cgroup pids:sub: %q", r.stdout)
	}
	r = e.rt("exec", "--cgroup", "pids,memory:sub", e.id, "cat", "/proc/self/cgroup")
	mustOK(t, r)
	if !strings.Contains(r.stdout, ":pids:/sub\n") || !strings.Contains(r.stdout, ":memory:/sub\n") {
		t.Errorf("--cgroup pids,memory:sub: %q", r.stdout)
	}
	// Every controller: "sub" is missing in cpu, freezer, ...
	expectError(t, e.rt("exec", "--cgroup", "sub", e.id, "true"), "sub", "does not exist")
	expectError(t, e.rt("exec", "--cgroup", "pids:nope", e.id, "true"), "nope")
	expectError(t, e.rt("exec", "--cgroup", "pids:../escape", e.id, "true"), "../escape")
}
