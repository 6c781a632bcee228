// Package cgtest holds test helpers the cgroup drivers' tests share: a
// child process that waits to be released, so a test can move it into a
// cgroup before it does anything.
package cgtest

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Child is a test's child process.
type Child struct {
	Cmd            *exec.Cmd
	Stdout, Stderr bytes.Buffer
	stdin          io.WriteCloser
	done           chan error
}

// StartChild starts sh -c "read x; SCRIPT", blocked until Release.
func StartChild(t *testing.T, script string) *Child {
	t.Helper()
	return StartCmd(t, exec.Command("sh", "-c", "read x; "+script))
}

// StartCmd starts cmd with a stdin pipe for Release; cleanup kills its
// process group and waits for it.
func StartCmd(t *testing.T, cmd *exec.Cmd) *Child {
	t.Helper()
	c := &Child{Cmd: cmd, done: make(chan error, 1)}
	var err error
	if c.stdin, err = cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = &c.Stdout, &c.Stderr
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

// Pid is the child's pid.
func (c *Child) Pid() int { return c.Cmd.Process.Pid }

// Release lets the child run its command.
func (c *Child) Release(t *testing.T) {
	t.Helper()
	if _, err := c.stdin.Write([]byte("\n")); err != nil {
		t.Fatal(err)
	}
}

// Wait waits up to d for the child to exit and returns its error.
func (c *Child) Wait(t *testing.T, d time.Duration) error {
	t.Helper()
	select {
	case err := <-c.done:
		c.done <- err
		return err
	case <-time.After(d):
		t.Fatalf("child %d still running after %v", c.Pid(), d)
		return nil
	}
}

// ReadFile returns the trimmed content of path.
func ReadFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}
