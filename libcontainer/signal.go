package libcontainer

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// Signal sends sig to the container's init, or with all to every process
// in its cgroup. The container must be created, running or paused.
func (c *Container) Signal(sig unix.Signal, all bool) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	st, err := c.statusLocked()
	if err != nil {
		return err
	}
	if st == Stopped || st == Creating {
		return &StateError{ID: c.id, Op: "signal", Status: st}
	}
	if all {
		if err := c.loadCgroup(); err != nil {
			return err
		}
	}
	if all && c.cgroup != nil {
		return c.signalAll(sig)
	}
	fd, err := openPidfd(c.state.InitPid, c.state.InitStartTime)
	if err != nil {
		if errors.Is(err, ErrNotRunning) {
			return &StateError{ID: c.id, Op: "signal", Status: Stopped}
		}
		return fmt.Errorf("container %s: %w", c.id, err)
	}
	defer unix.Close(fd)
	if err := unix.PidfdSendSignal(fd, sig, nil, 0); err != nil {
		return fmt.Errorf("container %s: send %s: %w", c.id, unix.SignalName(sig), err)
	}
	return nil
}

func (c *Container) signalAll(sig unix.Signal) error {
	if err := signalCgroup(c.cgroup, sig); err != nil {
		return fmt.Errorf("container %s: %w", c.id, err)
	}
	return nil
}
