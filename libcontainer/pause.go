package libcontainer

import (
	"errors"
	"fmt"

	"github.com/oci-run/oci-run/libcontainer/configs"
)

// ErrNoCgroup: the container has no cgroup, so the operation (pause,
// update, stats, ...) cannot be done.
var ErrNoCgroup = errors.New("container has no cgroup")

// Pause freezes every process of a running container with the cgroup
// freezer. Status reports Paused from then on (it reads the freezer).
func (c *Container) Pause() error {
	return c.setFreezer("pause", Running, configs.Frozen)
}

// Resume thaws a paused container.
func (c *Container) Resume() error {
	return c.setFreezer("resume", Paused, configs.Thawed)
}

// setFreezer moves the freezer to fs when the container's status is want,
// under the container's lock.
func (c *Container) setFreezer(op string, want Status, fs configs.FreezerState) error {
	return c.withLock(func() error {
		st, err := c.statusLocked()
		if err != nil {
			return err
		}
		if st != want {
			return &StateError{ID: c.id, Op: op, Status: st}
		}
		if err := c.loadCgroup(); err != nil {
			return err
		}
		if c.cgroup == nil {
			return fmt.Errorf("container %s: cannot %s: %w", c.id, op, ErrNoCgroup)
		}
		if err := c.cgroup.Freeze(fs); err != nil {
			return fmt.Errorf("container %s: %s: %w", c.id, op, err)
		}
		return nil
	})
}
