package nsenter

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// Frames the test init (the Go side after the C stage) understands.
const (
	msgQuery  uint32 = 16 // parent -> init: send a report
	msgReport uint32 = 17 // init -> parent: JSON report
	msgExit   uint32 = 18 // parent -> init: exit 0
)

// report is what the test init sees of itself.
type report struct {
	Pid       int
	Uid, Gid  int
	NS        map[string]uint64
	UIDMap    string
	Monotonic int64 // CLOCK_MONOTONIC, ns
	Boottime  int64 // CLOCK_BOOTTIME, ns
}

var nsFiles = []string{"user", "mnt", "pid", "net", "uts", "ipc", "cgroup", "time", "pid_for_children", "time_for_children"}

func nsInode(path string) (uint64, error) {
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		return 0, err
	}
	return st.Ino, nil
}

func clockNS(id int32) int64 {
	var ts unix.Timespec
	if err := unix.ClockGettime(id, &ts); err != nil {
		return -1
	}
	return ts.Nano()
}

func selfReport() report {
	r := report{Pid: os.Getpid(), Uid: os.Getuid(), Gid: os.Getgid(), NS: map[string]uint64{}}
	for _, n := range nsFiles {
		if ino, err := nsInode("/proc/self/ns/" + n); err == nil {
			r.NS[n] = ino
		}
	}
	if b, err := os.ReadFile("/proc/self/uid_map"); err == nil {
		r.UIDMap = string(b)
	}
	r.Monotonic = clockNS(unix.CLOCK_MONOTONIC)
	r.Boottime = clockNS(unix.CLOCK_BOOTTIME)
	return r
}

// testInit is the Go side of a re-exec'd test binary, after the C stage:
// it answers frames on the sync socket until told to exit.
func testInit() {
	f := os.NewFile(3, "sync")
	for {
		typ, _, err := ReadFrame(f, MaxFrame)
		if err != nil {
			os.Exit(2)
		}
		switch typ {
		case msgQuery:
			b, _ := json.Marshal(selfReport())
			if err := WriteFrame(f, msgReport, b); err != nil {
				os.Exit(3)
			}
		case msgExit:
			os.Exit(0)
		default:
			os.Exit(4)
		}
	}
}

func TestMain(m *testing.M) {
	if os.Getenv(EnvInit) == "1" {
		testInit()
	}
	code := m.Run()
	if left := leftChildren(); left != "" && code == 0 {
		fmt.Fprintf(os.Stderr, "processes left behind: %s\n", left)
		code = 1
	}
	os.Exit(code)
}

// leftChildren lists our children still alive or unreaped (the test inits
// are our children even when forked, thanks to CLONE_PARENT).
func leftChildren() string {
	tasks, _ := os.ReadDir("/proc/self/task")
	var left []string
	for _, task := range tasks {
		b, _ := os.ReadFile("/proc/self/task/" + task.Name() + "/children")
		left = append(left, strings.Fields(string(b))...)
	}
	return strings.Join(left, " ")
}

// child is one re-exec of the test binary with the C stage active.
type child struct {
	t      testing.TB
	cmd    *exec.Cmd
	sock   *os.File // our end of the sync socket
	stderr bytes.Buffer
	pid    int  // from MsgChildPid
	forked bool // pid is not cmd's: a sibling we must reap
	done   bool
}

// spawn starts the test binary as an init with a fresh socket pair and
// registers cleanup that kills and reaps whatever it left.
func spawn(t testing.TB) *child { return spawnWith(t, 0) }

// spawnWith is spawn with namespaces created by Go's own clone (as
// libcontainer does when the C stage has nothing to do).
func spawnWith(t testing.TB, goCloneFlags uintptr) *child {
	t.Helper()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	// Our end is non-blocking so that reads can time out.
	if err := unix.SetNonblock(fds[0], true); err != nil {
		t.Fatal(err)
	}
	ours, theirs := os.NewFile(uintptr(fds[0]), "sync-parent"), os.NewFile(uintptr(fds[1]), "sync-child")
	c := &child{t: t, sock: ours}
	// No test needs long: a hung child fails the test instead of hanging it.
	ours.SetDeadline(time.Now().Add(60 * time.Second))
	c.cmd = exec.Command(os.Args[0])
	c.cmd.Env = append(os.Environ(), EnvInit+"=1", EnvSyncFD+"=3")
	c.cmd.ExtraFiles = []*os.File{theirs}
	c.cmd.Stderr = &c.stderr
	c.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Cloneflags: goCloneFlags}
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	theirs.Close()
	t.Cleanup(c.cleanup)
	return c
}

func (c *child) cleanup() {
	if c.done {
		return
	}
	_ = WriteFrame(c.sock, msgExit, nil)
	c.sock.Close()
	timer := time.AfterFunc(10*time.Second, func() {
		c.cmd.Process.Kill()
		if c.forked {
			unix.Kill(c.pid, unix.SIGKILL)
		}
	})
	defer timer.Stop()
	c.cmd.Wait()
	if c.forked {
		var ws unix.WaitStatus
		unix.Wait4(c.pid, &ws, 0, nil)
	}
	c.done = true
}

// usermap answers MsgUsermapReq; nil means the test does not expect one.
type usermap func(pid int) error

func writeMaps(hostID int) usermap {
	return func(pid int) error {
		m := fmt.Sprintf("0 %d 65536\n", hostID)
		if err := os.WriteFile(fmt.Sprintf("/proc/%d/uid_map", pid), []byte(m), 0); err != nil {
			return err
		}
		return os.WriteFile(fmt.Sprintf("/proc/%d/gid_map", pid), []byte(m), 0)
	}
}

// errChild is a MsgError from the C stage.
type errChild string

func (e errChild) Error() string { return string(e) }

// handshake runs the parent side of the C stage after the bootstrap frame
// was written: answers usermap requests, and returns the MsgChildPid pid or
// the MsgError text.
func (c *child) handshake(um usermap) error {
	for {
		typ, payload, err := ReadFrame(c.sock, MaxFrame)
		if err != nil {
			return fmt.Errorf("read: %w (stderr: %q)", err, c.stderr.String())
		}
		switch typ {
		case MsgUsermapReq:
			if len(payload) != 4 {
				return fmt.Errorf("usermap request of %d bytes", len(payload))
			}
			pid := int(binary.LittleEndian.Uint32(payload))
			if um == nil {
				return errors.New("unexpected usermap request")
			}
			if err := um(pid); err != nil {
				WriteFrame(c.sock, MsgError, []byte(err.Error()))
				return err
			}
			if err := WriteFrame(c.sock, MsgUsermapAck, nil); err != nil {
				return err
			}
		case MsgChildPid:
			if len(payload) != 4 {
				return fmt.Errorf("child pid of %d bytes", len(payload))
			}
			c.pid = int(binary.LittleEndian.Uint32(payload))
			c.forked = c.pid != c.cmd.Process.Pid
			return nil
		case MsgError:
			return errChild(payload)
		default:
			return fmt.Errorf("unexpected frame type %d", typ)
		}
	}
}

// start spawns an init running b and completes the C stage handshake.
func start(t testing.TB, b *Bootstrap, um usermap) *child {
	t.Helper()
	payload, err := b.Encode()
	if err != nil {
		t.Fatal(err)
	}
	c := spawn(t)
	if err := WriteFrame(c.sock, MsgBootstrap, payload); err != nil {
		t.Fatal(err)
	}
	if err := c.handshake(um); err != nil {
		t.Fatalf("C stage: %v", err)
	}
	if c.forked != b.NeedsFork() {
		t.Fatalf("forked=%v but NeedsFork()=%v", c.forked, b.NeedsFork())
	}
	return c
}

func (c *child) query() report {
	c.t.Helper()
	if err := WriteFrame(c.sock, msgQuery, nil); err != nil {
		c.t.Fatal(err)
	}
	return c.readReport()
}

func (c *child) readReport() report {
	c.t.Helper()
	typ, payload, err := ReadFrame(c.sock, MaxFrame)
	if err != nil {
		c.t.Fatalf("read report: %v (stderr: %q)", err, c.stderr.String())
	}
	if typ != msgReport {
		c.t.Fatalf("got frame type %d, want report", typ)
	}
	var r report
	if err := json.Unmarshal(payload, &r); err != nil {
		c.t.Fatal(err)
	}
	return r
}

// exit asks the init to exit and checks that every process exited 0.
func (c *child) exit() {
	c.t.Helper()
	if err := WriteFrame(c.sock, msgExit, nil); err != nil {
		c.t.Fatal(err)
	}
	if err := c.cmd.Wait(); err != nil {
		c.t.Errorf("process %d: %v (stderr: %q)", c.cmd.Process.Pid, err, c.stderr.String())
	}
	if c.forked {
		var ws unix.WaitStatus
		if _, err := unix.Wait4(c.pid, &ws, 0, nil); err != nil {
			c.t.Errorf("wait4 %d: %v", c.pid, err)
		} else if !ws.Exited() || ws.ExitStatus() != 0 {
			c.t.Errorf("init %d: status %#x", c.pid, ws)
		}
	}
	c.sock.Close()
	c.done = true
}

// expectFailure checks that the C stage reported an error containing each
// of want and that the process exited with status 1 (not a signal).
func (c *child) expectFailure(err error, want ...string) {
	c.t.Helper()
	var ec errChild
	if !errors.As(err, &ec) {
		c.t.Fatalf("got %v, want a MsgError", err)
	}
	for _, w := range want {
		if !strings.Contains(string(ec), w) {
			c.t.Errorf("error %q does not contain %q", ec, w)
		}
	}
	c.expectExit1()
}

func (c *child) expectExit1() {
	c.t.Helper()
	err := c.cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		c.t.Errorf("process exit: %v, want exit status 1 (stderr: %q)", err, c.stderr.String())
	}
	// Nothing may be left: the socket sees EOF once every holder is gone.
	c.sock.SetReadDeadline(time.Now().Add(5 * time.Second))
	// (A reset is an end too: the child may exit with our frames unread.)
	if n, err := io.Copy(io.Discard, c.sock); (err != nil && !errors.Is(err, syscall.ECONNRESET)) || n != 0 {
		c.t.Errorf("after failure: read %d more bytes, err %v", n, err)
	}
	c.sock.Close()
	c.done = true
}

func hostNS(t *testing.T, pid int, name string) uint64 {
	t.Helper()
	p := "/proc/self/ns/" + name
	if pid != 0 {
		p = fmt.Sprintf("/proc/%d/ns/%s", pid, name)
	}
	ino, err := nsInode(p)
	if err != nil {
		t.Fatal(err)
	}
	return ino
}

func requireRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root")
	}
}
