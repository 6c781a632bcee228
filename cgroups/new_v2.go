package cgroups

import (
	v2 "github.com/oci-run/oci-run/cgroups/v2"
	"github.com/oci-run/oci-run/libcontainer/configs"
)

var (
	_ Manager     = (*v2.Manager)(nil)
	_ Stats       = (*v2.Manager)(nil)
	_ Killer      = (*v2.Manager)(nil)
	_ OOMNotifier = (*v2.Manager)(nil)
)

func newV2(c *configs.Cgroup, root string, opts Options) (Manager, error) {
	return v2.New(c, root, opts)
}

func loadV2(path, root string, opts Options) (Manager, error) {
	return v2.Load(path, root, opts)
}
