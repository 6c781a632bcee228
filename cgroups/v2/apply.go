package v2

import (
	"github.com/oci-run/oci-run/cgroups/fscommon"
)

// Apply creates the cgroup, enables the controllers it needs in the
// parents' cgroup.subtree_control, and moves pid into it (pid -1 only
// creates). A manager made by New refuses a pre-existing cgroup that has
// processes or is frozen (*fscommon.BusyError) before changing anything.
func (m *Manager) Apply(pid int) error {
	if m.fresh && m.dir.Exists() {
		pids, err := m.dir.Pids()
		if err != nil {
			return err
		}
		if len(pids) > 0 {
			return &fscommon.BusyError{Path: m.dir.Path(), Reason: fscommon.ErrHasProcesses, Pids: pids}
		}
		if v, err := m.dir.ReadTrim("cgroup.freeze"); err == nil && v == "1" {
			return &fscommon.BusyError{Path: m.dir.Path(), Reason: fscommon.ErrFrozen}
		}
	}
	if _, err := m.dir.MkdirAll(); err != nil {
		return err
	}
	m.enableControllers(wantedControllers(m.cfg.Resources))
	if pid != -1 {
		if err := m.dir.AddPid(pid); err != nil {
			return err
		}
	}
	m.fresh = false
	return nil
}
