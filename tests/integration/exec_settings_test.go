package integration

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// exec applies the container's seccomp profile (before or after dropping
// privileges, with and without no_new_privs), the process's rlimits,
// umask and OOM score, and HOME from the container's /etc/passwd.
func TestExecSeccompRlimitsUmaskOOMHome(t *testing.T) {
	t.Parallel()
	for _, nnp := range []bool{false, true} {
		e := newEnv(t, "sleep", "1000")
		withTmp(e)
		enospc := uint(28)
		e.spec.Linux.Seccomp = &specs.LinuxSeccomp{DefaultAction: specs.ActAllow, Syscalls: []specs.LinuxSyscall{
			{Names: []string{"mkdir", "mkdirat"}, Action: specs.ActErrno, ErrnoRet: &enospc}}}
		umask := uint32(0o027)
		oom := 321
		e.spec.Process.User.Umask = &umask
		e.spec.Process.OOMScoreAdj = &oom
		e.spec.Process.NoNewPrivileges = nnp
		e.spec.Process.Rlimits = []specs.POSIXRlimit{{Type: "RLIMIT_NOFILE", Soft: 512, Hard: 600}}
		if err := os.WriteFile(filepath.Join(e.rootfs, "etc", "passwd"),
			[]byte("root:x:0:0:root:/oirt-root-home:/bin/sh\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		e.writeConfig()
		mustOK(t, e.rt("run", "--detach", "--bundle", e.bundle, e.id))
		r := e.rt("exec", e.id, "sh", "-c",
			"mkdir /tmp/x; echo rc=$?; ulimit -n; ulimit -Hn; umask; cat /proc/self/oom_score_adj; grep NoNewPrivs /proc/self/status; echo HOME=$HOME")
		mustOK(t, r)
		wantNNP := "NoNewPrivs:\t0"
		if nnp {
			wantNNP = "NoNewPrivs:\t1"
		}
		for _, want := range []string{"rc=1", "\n512\n600\n", "0027", "\n321\n", wantNNP, "HOME=/oirt-root-home"} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("noNewPrivileges=%v: exec output lacks %q:\n%s", nnp, want, r)
			}
		}
		if !strings.Contains(r.stderr, "No space left on device") {
			t.Errorf("noNewPrivileges=%v: the seccomp profile did not apply to exec: %s", nnp, r)
		}
	}
}

// A hard limit above the host's (no CAP_SYS_RESOURCE here) fails the exec
// with an error that names the limit, and leaves the container running.
func TestExecRlimitAboveHardLimit(t *testing.T) {
	t.Parallel()
	e := startSleeper(t)
	p := specs.Process{Args: []string{"true"}, Cwd: "/", Env: []string{"PATH=/bin"},
		Rlimits: []specs.POSIXRlimit{{Type: "RLIMIT_NOFILE", Soft: 1 << 30, Hard: 1 << 30}}}
	b, _ := json.Marshal(p)
	path := filepath.Join(e.dir, "process.json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	expectError(t, e.rt("exec", "--process", path, e.id), "RLIMIT_NOFILE")
	if s := e.mustState(e.id); s.Status != specs.StateRunning {
		t.Errorf("status after a failed exec: %q", s.Status)
	}
}

// An exec under a profile with SCMP_ACT_NOTIFY hands its listener fd to
// the profile's listenerPath (the C exec stage sends it to the runtime,
// which forwards it with the state), then the notified call fails once
// the listener is gone.
func TestExecSeccompNotifyListener(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sleep", "1000")
	withTmp(e)
	sock := filepath.Join(e.dir, "agent.sock")
	e.spec.Linux.Seccomp = &specs.LinuxSeccomp{DefaultAction: specs.ActAllow, ListenerPath: sock, ListenerMetadata: "oirt-exec",
		Syscalls: []specs.LinuxSyscall{{Names: []string{"mkdir", "mkdirat"}, Action: specs.ActNotify}}}
	e.writeConfig()
	// The container's own init gets the first notify fd.
	first := startNotifyListener(t, sock)
	mustOK(t, e.rt("run", "--detach", "--bundle", e.bundle, e.id))
	select {
	case g := <-first:
		if g.err != nil || g.fds != 1 {
			t.Fatalf("create: listener got %d fds, %v", g.fds, g.err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("create: the listener got nothing")
	}
	os.Remove(sock)
	ch := startNotifyListener(t, sock)
	r := e.rt("exec", e.id, "sh", "-c", "mkdir /tmp/x; echo rc=$?")
	mustOK(t, r)
	select {
	case g := <-ch:
		if g.err != nil {
			t.Fatal(g.err)
		}
		if g.fds != 1 || g.st.State.ID != e.id || g.st.Metadata != "oirt-exec" || g.st.Pid <= 0 {
			t.Errorf("exec: listener got %+v with %d fds", g.st, g.fds)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("exec: the listener got nothing")
	}
	if !strings.Contains(r.stdout, "rc=1") {
		t.Errorf("the notified mkdir did not fail after the listener went away: %s", r)
	}
}

// HOME comes from the container's /etc/passwd, which the container
// controls: a fifo or a link to /dev/zero there must neither hang nor
// exhaust the init (run) or the exec; HOME is then "/".
func TestHomeLookupHostilePasswd(t *testing.T) {
	t.Parallel()
	for name, plant := range map[string]func(path string) error{
		"fifo":      func(p string) error { return unix.Mkfifo(p, 0o644) },
		"/dev/zero": func(p string) error { return os.Symlink("/dev/zero", p) },
	} {
		e := newEnv(t, "sleep", "1000")
		if err := plant(filepath.Join(e.rootfs, "etc", "passwd")); err != nil {
			t.Fatal(err)
		}
		e.writeConfig()
		mustOK(t, e.rt("run", "--detach", "--bundle", e.bundle, e.id))
		r := e.rt("exec", e.id, "sh", "-c", "echo HOME=$HOME")
		if r.code != 0 || !strings.Contains(r.stdout, "HOME=/\n") {
			t.Errorf("%s: exec: %s", name, r)
		}
		// The Go init path (a terminal is the usual reason) is covered by
		// a run whose process has no HOME either.
		e2 := newEnv(t, "sh", "-c", "echo HOME=$HOME")
		if err := plant(filepath.Join(e2.rootfs, "etc", "passwd")); err != nil {
			t.Fatal(err)
		}
		e2.writeConfig()
		r = e2.rt("run", "--bundle", e2.bundle, e2.id)
		if r.code != 0 || !strings.Contains(r.stdout, "HOME=/\n") {
			t.Errorf("%s: run: %s", name, r)
		}
	}
}
