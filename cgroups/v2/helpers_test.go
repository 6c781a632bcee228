package v2

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
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

// unified is this hybrid machine's cgroup2 mount (MACHINE.md): the core
// of the v2 driver is tested there for real.
const unified = "/sys/fs/cgroup/unified"

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9_-]`)

func uniquePath(t *testing.T) string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return fmt.Sprintf("/ocirun-test-%s-%d-%s", unsafeChars.ReplaceAllString(t.Name(), "_"), os.Getpid(), hex.EncodeToString(b))
}

// realManager makes a manager on the real cgroup2 mount and registers a
// cleanup that thaws, kills and destroys, failing if anything is left.
func realManager(t *testing.T, r *configs.Resources) *Manager {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Fatal("needs root")
	}
	if !fscommon.IsCgroup2(unified) {
		t.Fatalf("%s is not a cgroup2 mount on this machine", unified)
	}
	m, err := New(&configs.Cgroup{Path: uniquePath(t), Resources: r}, unified, fscommon.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if m.Exists() {
			_ = m.Freeze(configs.Thawed)
			_ = m.Kill()
		}
		if err := m.Destroy(); err != nil {
			t.Errorf("cleanup: destroy: %v", err)
		}
		if _, err := os.Stat(m.Path("")); err == nil {
			t.Errorf("cleanup: %s left behind", m.Path(""))
		}
	})
	return m
}

type child struct {
	cmd            *exec.Cmd
	stdin          io.WriteCloser
	stdout, stderr bytes.Buffer
	done           chan error
}

// startChild starts sh -c "read x; SCRIPT", blocked until release.
func startChild(t *testing.T, script string) *child {
	t.Helper()
	cmd := exec.Command("sh", "-c", "read x; "+script)
	c := &child{cmd: cmd, done: make(chan error, 1)}
	var err error
	if c.stdin, err = cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = &c.stdout, &c.stderr
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

// fakeTree builds a temp dir shaped like a cgroup2 mount with the cgroup
// rel below it; leaf files are created empty (or with given content).
func fakeTree(t *testing.T, rel string, files map[string]string) (root string, m *Manager) {
	t.Helper()
	root = t.TempDir()
	write := func(p, v string) {
		if err := os.WriteFile(p, []byte(v), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(root+"/cgroup.controllers", "cpuset cpu io memory hugetlb pids rdma")
	write(root+"/cgroup.subtree_control", "")
	leaf := root + "/" + rel
	if err := os.MkdirAll(leaf, 0o755); err != nil {
		t.Fatal(err)
	}
	for f, v := range files {
		write(leaf+"/"+f, v)
	}
	m, err := New(&configs.Cgroup{Path: "/" + rel}, root, fscommon.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return root, m
}
