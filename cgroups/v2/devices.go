package v2

import (
	"github.com/oci-run/oci-run/cgroups/devices"
	"github.com/oci-run/oci-run/libcontainer/configs"
)

// setDevices compiles the rules into a BPF_CGROUP_DEVICE program and
// attaches it in place of the previous one (never stacking programs).
func (m *Manager) setDevices(r *configs.Resources) error {
	if r.Devices == nil || r.SkipDevices {
		return nil
	}
	prog, err := devices.LoadProgram(r.Devices)
	if err != nil {
		return err
	}
	defer prog.Close()
	dir, err := m.dir.OpenDir()
	if err != nil {
		return err
	}
	defer dir.Close()
	return devices.Replace(dir, prog)
}

// detachDevices removes the device filter (Destroy).
func (m *Manager) detachDevices() error {
	dir, err := m.dir.OpenDir()
	if err != nil {
		return nil // gone already
	}
	defer dir.Close()
	return devices.DetachAll(dir)
}
