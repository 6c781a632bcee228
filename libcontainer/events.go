package libcontainer

import (
	"fmt"

	"github.com/oci-run/oci-run/cgroups"
)

// OOMEvents watches the container's cgroup for OOM kills: the channel
// receives one value per kill the kernel reports and is closed when stop
// is closed or the cgroup is removed.
func (c *Container) OOMEvents(stop <-chan struct{}) (<-chan struct{}, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.checkLive("watch OOM events of"); err != nil {
		return nil, err
	}
	n, ok := c.cgroup.(cgroups.OOMNotifier)
	if !ok {
		return nil, fmt.Errorf("container %s: the cgroup driver cannot report OOM events: %w", c.id, cgroups.ErrNotSupported)
	}
	ch, err := n.OOMEvents(stop)
	if err != nil {
		return nil, fmt.Errorf("container %s: watch OOM events: %w", c.id, err)
	}
	return ch, nil
}
