package libcontainer

import (
	"context"
	"errors"
	"fmt"
	"time"

	"golang.org/x/sys/unix"
)

// ErrNotChild: Wait needs the init to be this process's child (or this
// process to be its subreaper).
var ErrNotChild = errors.New("container init is not a child of this process")

// Wait waits for the init of a container this Container value created to
// exit, and returns its wait status. Exit code convention: ExitCode.
func (c *Container) Wait() (unix.WaitStatus, error) {
	c.mu.Lock()
	ip := c.init
	c.mu.Unlock()
	if ip == nil {
		return 0, fmt.Errorf("container %s: %w", c.id, ErrNotChild)
	}
	if err := ip.wait(); err != nil {
		return 0, fmt.Errorf("container %s: %w", c.id, err)
	}
	return ip.status, nil
}

// ExitCode maps a wait status to a shell-style exit code: the exit status,
// or 128+signal when the process was killed.
func ExitCode(ws unix.WaitStatus) int {
	if ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ws.ExitStatus()
}

// WaitExit waits until the container's init has exited, for any caller:
// also one that only Loaded the container and is not the init's parent
// (it polls a pidfd, so no exit status: only the parent can reap it, see
// Wait). It returns nil once the init is gone (at once if it already is),
// or ctx's error.
func (c *Container) WaitExit(ctx context.Context) error {
	c.mu.Lock()
	st := c.state
	c.mu.Unlock()
	if st == nil {
		return fmt.Errorf("container %s: %w", c.id, ErrNotRunning)
	}
	fd, err := openPidfd(st.InitPid, st.InitStartTime)
	if err != nil {
		if errors.Is(err, ErrNotRunning) {
			return nil
		}
		return fmt.Errorf("container %s: %w", c.id, err)
	}
	defer unix.Close(fd)
	for {
		if waitPidfdExit(fd, 100*time.Millisecond) {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
}
