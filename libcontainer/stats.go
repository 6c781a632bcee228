package libcontainer

import (
	"fmt"

	"github.com/oci-run/oci-run/cgroups"
)

// Stats reads a container's resource usage from its cgroup. A stopped
// container can still be read until it is deleted (its cgroup is kept).
func (c *Container) Stats() (*cgroups.Statistics, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.checkLive("read stats of"); err != nil {
		return nil, err
	}
	sm, ok := c.cgroup.(cgroups.Stats)
	if !ok {
		return nil, fmt.Errorf("container %s: the cgroup driver cannot report statistics: %w", c.id, cgroups.ErrNotSupported)
	}
	s, err := sm.Stats()
	if err != nil {
		return nil, fmt.Errorf("container %s: stats: %w", c.id, err)
	}
	return s, nil
}

// Processes lists the host pids of every process in the container's cgroup
// (and its sub-cgroups). A stopped container's cgroup is usually empty.
func (c *Container) Processes() ([]int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.checkLive("list processes of"); err != nil {
		return nil, err
	}
	pids, err := c.cgroup.GetAllPids()
	if err != nil {
		return nil, fmt.Errorf("container %s: list processes: %w", c.id, err)
	}
	return pids, nil
}

// checkLive fails unless the container has finished being created and
// its cgroup is there (a stopped container keeps it until deleted). c.mu
// must be held.
func (c *Container) checkLive(op string) error {
	st, err := c.statusLocked()
	if err != nil {
		return err
	}
	if st == Creating || c.state == nil {
		return &StateError{ID: c.id, Op: op, Status: st}
	}
	if err := c.loadCgroup(); err != nil {
		return err
	}
	if c.cgroup == nil {
		return fmt.Errorf("container %s: cannot %s it: %w", c.id, op, ErrNoCgroup)
	}
	if st == Stopped && !c.cgroup.Exists() {
		return &StateError{ID: c.id, Op: op, Status: st}
	}
	return nil
}
