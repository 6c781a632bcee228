package seccomp

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/opencontainers/runtime-spec/specs-go"
	libseccomp "github.com/seccomp/libseccomp-golang"
	"golang.org/x/sys/unix"

	"github.com/oci-run/oci-run/libcontainer/configs"
)

// agentResult is what the test's seccomp agent saw.
type agentResult struct {
	state   specs.ContainerProcessState
	syscall string
	err     error
}

// runAgent accepts one connection on ln, reads the state and the notify fd
// (the listenerPath protocol), answers one notification with errno and
// reports what it saw. It gives up after a timeout, so it never outlives
// the test by much.
func runAgent(ln *net.UnixListener, errno unix.Errno) <-chan agentResult {
	out := make(chan agentResult, 1)
	go func() {
		var res agentResult
		res.err = func() error {
			ln.SetDeadline(time.Now().Add(30 * time.Second))
			conn, err := ln.AcceptUnix()
			if err != nil {
				return err
			}
			defer conn.Close()
			buf, oob := make([]byte, 64<<10), make([]byte, unix.CmsgSpace(4*4))
			n, oobn, _, _, err := conn.ReadMsgUnix(buf, oob)
			if err != nil {
				return err
			}
			fds, err := receivedFds(oob[:oobn])
			if err != nil {
				return err
			}
			for _, fd := range fds {
				defer unix.Close(fd)
			}
			if len(fds) != 1 {
				return fmt.Errorf("got %d fds, want 1", len(fds))
			}
			if err := json.Unmarshal(buf[:n], &res.state); err != nil {
				return fmt.Errorf("state %q: %w", buf[:n], err)
			}
			// Wait for the notification without blocking forever in
			// the ioctl if the child dies first.
			pfd := []unix.PollFd{{Fd: int32(fds[0]), Events: unix.POLLIN}}
			if n, err := unix.Poll(pfd, 30_000); err != nil || n == 0 || pfd[0].Revents&unix.POLLIN == 0 {
				return fmt.Errorf("no notification (poll %d, %v, revents %#x)", n, err, pfd[0].Revents)
			}
			req, err := libseccomp.NotifReceive(libseccomp.ScmpFd(fds[0]))
			if err != nil {
				return fmt.Errorf("NotifReceive: %w", err)
			}
			if res.syscall, err = req.Data.Syscall.GetName(); err != nil {
				return err
			}
			return libseccomp.NotifRespond(libseccomp.ScmpFd(fds[0]), &libseccomp.ScmpNotifResp{ID: req.ID, Error: int32(errno)})
		}()
		out <- res
	}()
	return out
}

func receivedFds(oob []byte) ([]int, error) {
	msgs, err := unix.ParseSocketControlMessage(oob)
	if err != nil {
		return nil, err
	}
	var fds []int
	for _, m := range msgs {
		f, err := unix.ParseUnixRights(&m)
		if err != nil {
			return nil, err
		}
		fds = append(fds, f...)
	}
	return fds, nil
}

func TestNotify(t *testing.T) {
	t.Parallel()
	if !kernelHasAction(unix.SECCOMP_RET_USER_NOTIF) {
		t.Skip("kernel lacks SCMP_ACT_NOTIFY")
	}
	dir := t.TempDir()
	sock := filepath.Join(dir, "agent.sock")
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: sock, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	agent := runAgent(ln, unix.ENOMEDIUM)

	c := allow()
	c.ListenerPath = sock
	c.ListenerMetadata = "meta-data"
	c.Flags = []string{FlagTsync}
	c.Syscalls = []*configs.SeccompSyscall{{Names: mkdirNames, Action: "SCMP_ACT_NOTIFY"}}
	res := runChild(t, c, "mkdir:"+filepath.Join(dir, "d"), "getpid")
	ln.Close() // unblocks the agent if the child never connected
	a := <-agent
	if a.err != nil {
		t.Fatalf("agent: %v (child %v: %s)", a.err, res.state, res.stderr)
	}
	if res.errnos == nil {
		t.Fatalf("child failed: %v: %s", res.state, res.stderr)
	}
	got := []unix.Errno{unix.Errno(res.errnos[0]), unix.Errno(res.errnos[1])}
	if got[0] != unix.ENOMEDIUM || got[1] != 0 {
		t.Errorf("child saw %v, want [ENOMEDIUM 0]", got)
	}
	if a.syscall != "mkdirat" && a.syscall != "mkdir" {
		t.Errorf("notified syscall %q", a.syscall)
	}
	st := a.state
	if st.Version != specs.Version || len(st.Fds) != 1 || st.Fds[0] != specs.SeccompFdName ||
		st.Metadata != "meta-data" || st.Pid <= 0 || st.State.ID != "test" || st.State.Pid != st.Pid {
		t.Errorf("state %+v", st)
	}
}

func TestSendNotifyErrors(t *testing.T) {
	t.Parallel()
	st := &specs.ContainerProcessState{}
	for _, tc := range []struct {
		name string
		c    *configs.Seccomp
		fd   int
		st   *specs.ContainerProcessState
	}{
		{"no listener", &configs.Seccomp{}, 0, st},
		{"bad fd", &configs.Seccomp{ListenerPath: "/x"}, -1, st},
		{"no state", &configs.Seccomp{ListenerPath: "/x"}, 0, nil},
		{"nobody listening", &configs.Seccomp{ListenerPath: filepath.Join(t.TempDir(), "none.sock")}, 0, st},
	} {
		if err := SendNotify(tc.c, tc.fd, tc.st); err == nil {
			t.Errorf("%s: no error", tc.name)
		} else if tc.name == "nobody listening" && !errors.Is(err, os.ErrNotExist) && !errors.Is(err, unix.ENOENT) {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}
