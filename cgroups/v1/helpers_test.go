package v1

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/oci-run/oci-run/cgroups/fscommon"
	"github.com/oci-run/oci-run/libcontainer/configs"
)

// TestMain doubles as a helper process: with OCIRUN_CGTEST_HELPER=alloc
// it waits for a line on stdin, then allocates memory until killed.
func TestMain(m *testing.M) {
	if os.Getenv("OCIRUN_CGTEST_HELPER") == "alloc" {
		_, _ = io.ReadFull(os.Stdin, make([]byte, 1))
		var keep [][]byte
		for {
			b := make([]byte, 1<<20)
			for i := range b {
				b[i] = byte(i)
			}
			keep = append(keep, b)
		}
	}
	os.Exit(m.Run())
}

func requireRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Fatalf("this test needs root (cgroup v1 hierarchies); run as root")
	}
}

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9_-]`)

// uniquePath is an absolute cgroupsPath nobody else uses.
func uniquePath(t *testing.T) string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return fmt.Sprintf("/ocirun-test-%s-%d-%s", unsafeChars.ReplaceAllString(t.Name(), "_"), os.Getpid(), hex.EncodeToString(b))
}

// newManager makes a v1 manager on the real hierarchies and registers a
// cleanup that thaws, kills what is left and destroys the cgroup, failing
// the test if anything remains.
func newManager(t *testing.T, c *configs.Cgroup, log *slog.Logger) *Manager {
	t.Helper()
	requireRoot(t)
	if c.Path == "" {
		c.Path = uniquePath(t)
	}
	m, err := New(c, fscommon.Options{Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, ok := m.dirs["freezer"]; ok && m.Exists() {
			_ = m.Freeze(configs.Thawed)
		}
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			pids, err := m.GetAllPids()
			if err != nil || len(pids) == 0 {
				break
			}
			for _, p := range pids {
				_ = syscall.Kill(p, syscall.SIGKILL)
			}
		}
		if err := m.Destroy(); err != nil {
			t.Errorf("cleanup: destroy: %v", err)
		}
		for sub, p := range m.Paths() {
			if _, err := os.Stat(p); err == nil {
				t.Errorf("cleanup: %s cgroup %s left behind", sub, p)
			}
		}
	})
	return m
}

// child is a process started blocked on its stdin, so it can be moved
// into a cgroup before it runs its command.
type child struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stdout bytes.Buffer
	stderr bytes.Buffer
	done   chan error
}

// startChild starts sh -c "read x; SCRIPT".
func startChild(t *testing.T, script string) *child {
	t.Helper()
	return startCmd(t, exec.Command("sh", "-c", "read x; "+script))
}

func startCmd(t *testing.T, cmd *exec.Cmd) *child {
	t.Helper()
	c := &child{cmd: cmd, done: make(chan error, 1)}
	var err error
	if c.stdin, err = cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = &c.stdout, &c.stderr
	// Its own process group, so cleanup reaches the children it forks;
	// WaitDelay stops Wait from hanging on pipes a grandchild keeps open.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.WaitDelay = 2 * time.Second
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { c.done <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		select {
		case <-c.done:
		case <-time.After(10 * time.Second):
			t.Errorf("child %d did not exit", cmd.Process.Pid)
		}
	})
	return c
}

func (c *child) pid() int { return c.cmd.Process.Pid }

// release lets the child run its command.
func (c *child) release(t *testing.T) {
	t.Helper()
	if _, err := c.stdin.Write([]byte("\n")); err != nil {
		t.Fatal(err)
	}
}

func (c *child) wait(t *testing.T, d time.Duration) error {
	t.Helper()
	select {
	case err := <-c.done:
		c.done <- err
		return err
	case <-time.After(d):
		t.Fatalf("child %d still running after %v", c.pid(), d)
		return nil
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

func procState(t *testing.T, pid int) string {
	s := readFile(t, fmt.Sprintf("/proc/%d/status", pid))
	for line := range strings.SplitSeq(s, "\n") {
		if v, ok := strings.CutPrefix(line, "State:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
