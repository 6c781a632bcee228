package cgroups

import (
	"fmt"

	"github.com/oci-run/oci-run/libcontainer/configs"
)

func newV2(c *configs.Cgroup, root string, opts Options) (Manager, error) {
	return nil, fmt.Errorf("cgroup v2 at %s: %w", root, ErrNotSupported)
}

func loadV2(path, root string, opts Options) (Manager, error) {
	return nil, fmt.Errorf("cgroup v2 path %s: %w", path, ErrNotSupported)
}
