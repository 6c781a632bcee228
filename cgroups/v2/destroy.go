package v2

import (
	"errors"
	"time"

	"github.com/oci-run/oci-run/cgroups/fscommon"
)

// Destroy detaches the device filter and removes the cgroup and its
// sub-cgroups. It waits up to 3 s for processes to leave (killed tasks take
// a moment); if some remain the error is a *fscommon.BusyError
// (ErrHasProcesses). A missing cgroup is not an error.
func (m *Manager) Destroy() error {
	if !m.dir.Exists() {
		return nil
	}
	deadline := time.Now().Add(3 * time.Second)
	for {
		pids, err := m.dir.AllPids()
		if err != nil || len(pids) == 0 {
			break
		}
		if time.Now().After(deadline) {
			return &fscommon.BusyError{Path: m.dir.Path(), Reason: fscommon.ErrHasProcesses, Pids: pids}
		}
		time.Sleep(20 * time.Millisecond)
	}
	derr := m.detachDevices()
	rerr := m.dir.RemoveTree(func(attempt int) bool {
		if attempt >= 20 {
			return false
		}
		time.Sleep(min(time.Duration(1<<attempt)*time.Millisecond, 100*time.Millisecond))
		return true
	})
	if rerr != nil {
		return errors.Join(rerr, derr)
	}
	return nil // the kernel drops the programs with the cgroup
}
