package cgroups

import (
	"github.com/oci-run/oci-run/cgroups/systemd"
	"github.com/oci-run/oci-run/libcontainer/configs"
)

var (
	_ Manager     = (*systemd.Manager)(nil)
	_ Stats       = (*systemd.Manager)(nil)
	_ OOMNotifier = (*systemd.Manager)(nil)
	_ Killer      = systemdKiller{}
)

// systemdKiller is a systemd manager whose cgroup is on the unified
// hierarchy: it adds the v2 atomic kill (cgroup.kill). On v1 the bare
// *systemd.Manager is returned, which is not a Killer.
type systemdKiller struct {
	*systemd.Manager
	kill interface{ Kill() error }
}

func (s systemdKiller) Kill() error { return s.kill.Kill() }

func wrapSystemd(m *systemd.Manager) Manager {
	if k, ok := m.Killer(); ok {
		return systemdKiller{Manager: m, kill: k}
	}
	return m
}

func newSystemd(c *configs.Cgroup, opts Options) (Manager, error) {
	m, err := systemd.New(c, opts)
	if err != nil {
		return nil, err
	}
	return wrapSystemd(m), nil
}

func loadSystemd(paths map[string]string, opts Options) (Manager, error) {
	m, err := systemd.Load(paths, opts)
	if err != nil {
		return nil, err
	}
	return wrapSystemd(m), nil
}
