package integration

import (
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// withTmp gives the (read-only rootfs) container a writable /tmp.
func withTmp(e *env) {
	e.spec.Mounts = append(e.spec.Mounts, specs.Mount{Destination: "/tmp", Type: "tmpfs", Source: "tmpfs", Options: []string{"nosuid", "nodev"}})
}

func TestSeccompErrnoRuleBothOrders(t *testing.T) {
	t.Parallel()
	for _, nnp := range []bool{true, false} {
		e := newEnv(t, "sh", "-c", "mkdir /tmp/x; echo rc=$?; touch /tmp/y && echo touch-ok")
		withTmp(e)
		e.spec.Process.NoNewPrivileges = nnp
		enospc := uint(28)
		e.spec.Linux.Seccomp = &specs.LinuxSeccomp{DefaultAction: specs.ActAllow, Syscalls: []specs.LinuxSyscall{
			{Names: []string{"mkdir", "mkdirat", "oirt_no_such_syscall"}, Action: specs.ActErrno, ErrnoRet: &enospc}}}
		e.writeConfig()
		r := e.rt("run", "--bundle", e.bundle, e.id)
		mustOK(t, r)
		if !strings.Contains(r.stderr, "No space left on device") || !strings.Contains(r.stdout, "rc=1") || !strings.Contains(r.stdout, "touch-ok") {
			t.Errorf("noNewPrivileges=%v: %s", nnp, r)
		}
		// The unknown name is skipped with a warning that names it.
		if !strings.Contains(r.stderr, "oirt_no_such_syscall") {
			t.Errorf("no warning for the unknown syscall: %s", r)
		}
	}
}

func TestSeccompBadProfile(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "true")
	e.spec.Linux.Seccomp = &specs.LinuxSeccomp{DefaultAction: specs.ActAllow, Syscalls: []specs.LinuxSyscall{
		{Names: []string{"mkdir"}, Action: "SCMP_ACT_BOGUS"}}}
	e.writeConfig()
	expectError(t, e.rt("run", "--bundle", e.bundle, e.id), "SCMP_ACT_BOGUS")
}

// SCMP_ACT_NOTIFY: the runtime sends the listener fd and the container
// state to listenerPath (the OCI protocol). Here the listener only checks
// what it got and closes the fd; the notified syscall then fails.
func TestSeccompNotifyListener(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sh", "-c", "mkdir /tmp/x; echo rc=$?")
	withTmp(e)
	sock := filepath.Join(e.dir, "agent.sock")
	ch := startNotifyListener(t, sock)
	e.spec.Linux.Seccomp = &specs.LinuxSeccomp{DefaultAction: specs.ActAllow, ListenerPath: sock, ListenerMetadata: "oirt-meta",
		Syscalls: []specs.LinuxSyscall{{Names: []string{"mkdir", "mkdirat"}, Action: specs.ActNotify}}}
	e.writeConfig()
	r := e.rt("run", "--bundle", e.bundle, e.id)
	mustOK(t, r)
	select {
	case g := <-ch:
		if g.err != nil {
			t.Fatal(g.err)
		}
		if g.fds != 1 || g.st.State.ID != e.id || g.st.Metadata != "oirt-meta" || g.st.Pid <= 0 ||
			len(g.st.Fds) != 1 || g.st.Fds[0] != "seccompFd" {
			t.Errorf("listener got %+v with %d fds", g.st, g.fds)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the listener got nothing")
	}
	if !strings.Contains(r.stdout, "rc=1") {
		t.Errorf("the notified mkdir did not fail after the listener went away: %s", r)
	}
	_ = os.Remove(sock)
}

// This host has neither AppArmor nor SELinux: asking for a profile or a
// process label is a clear error (runc refuses an SELinux label likewise),
// for create and for exec, and nothing is left behind.
func TestLSMRefusedWhenAbsent(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "true")
	e.spec.Process.ApparmorProfile = "oirt-profile"
	e.writeConfig()
	expectError(t, e.rt("run", "--bundle", e.bundle, e.id), "apparmor", "oirt-profile")

	e2 := newEnv(t, "true")
	e2.spec.Process.SelinuxLabel = "system_u:system_r:container_t:s0"
	e2.writeConfig()
	expectError(t, e2.rt("run", "--bundle", e2.bundle, e2.id), "selinux")

	e3 := startSleeper(t)
	expectError(t, e3.rt("exec", "--apparmor", "oirt-profile", e3.id, "true"), "apparmor")
}

// notified is what a seccomp listener received: the container process
// state and the number of fds that came with it.
type notified struct {
	st  specs.ContainerProcessState
	fds int
	err error
}

// startNotifyListener accepts one connection on sock and reports what the
// runtime sent (the listener fds are closed at once: no agent here, so
// notified calls then fail).
func startNotifyListener(t *testing.T, sock string) <-chan notified {
	t.Helper()
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	ch := make(chan notified, 1)
	go func() {
		c, err := l.Accept()
		if err != nil {
			ch <- notified{err: err}
			return
		}
		defer c.Close()
		buf := make([]byte, 64<<10)
		oob := make([]byte, unix.CmsgSpace(4))
		n, oobn, _, _, err := c.(*net.UnixConn).ReadMsgUnix(buf, oob)
		if err != nil {
			ch <- notified{err: err}
			return
		}
		var g notified
		g.err = json.Unmarshal(buf[:n], &g.st)
		if msgs, err := unix.ParseSocketControlMessage(oob[:oobn]); err == nil && len(msgs) == 1 {
			if fds, err := unix.ParseUnixRights(&msgs[0]); err == nil {
				g.fds = len(fds)
				for _, fd := range fds {
					unix.Close(fd)
				}
			}
		}
		ch <- g
	}()
	return ch
}
