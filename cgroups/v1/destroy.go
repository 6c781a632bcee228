package v1

import (
	"errors"
	"maps"
	"slices"
	"time"

	"github.com/oci-run/oci-run/cgroups/fscommon"
)

// Destroy removes the cgroup (and any sub-cgroups) from every hierarchy.
// It first waits up to 3 s for processes to leave (killed
// tasks linger on a loaded machine), then retries EBUSY from rmdir for
// about a second more; if processes remain the error is a *fscommon.BusyError
// (ErrHasProcesses) listing them. Missing directories are not an error.
func (m *Manager) Destroy() error {
	if m.removeEmpty() {
		return nil
	}
	if err := m.waitEmpty(3 * time.Second); err != nil {
		return err
	}
	var errs []error
	for _, sub := range m.uniqueDirs() {
		if err := m.dirs[sub].RemoveTree(retryBusy); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// removeEmpty is Destroy's quick path, for the common case of a cgroup
// whose processes are gone and that has no sub-cgroups: one rmdir per
// directory, nothing read first. It reports whether every directory is
// gone; if one is busy, Destroy goes the careful way for what is left.
func (m *Manager) removeEmpty() bool {
	for _, sub := range m.uniqueDirs() {
		if m.dirs[sub].Rmdir() != nil {
			return false
		}
	}
	return true
}

// waitEmpty waits for the processes in the cgroup tree to go (killed tasks
// take a moment to leave); if some stay, it reports them.
func (m *Manager) waitEmpty(timeout time.Duration) error {
	d, ok := m.pidsDir()
	if !ok {
		return nil
	}
	deadline := time.Now().Add(timeout)
	for {
		pids, err := d.AllPids()
		if err != nil || len(pids) == 0 {
			return nil // gone, or nothing to list: rmdir tells
		}
		if time.Now().After(deadline) {
			return &fscommon.BusyError{Path: d.Path(), Reason: fscommon.ErrHasProcesses, Pids: pids}
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func retryBusy(attempt int) bool {
	if attempt >= 20 {
		return false
	}
	time.Sleep(min(time.Duration(1<<attempt)*time.Millisecond, 100*time.Millisecond))
	return true
}

// pidsDir picks the hierarchy used to list processes.
func (m *Manager) pidsDir() (fscommon.Dir, bool) {
	for _, sub := range []string{"freezer", "pids", "devices", "memory", "cpu", "cpuacct", "cpuset", "blkio", "name=systemd"} {
		if d, ok := m.dirs[sub]; ok {
			return d, true
		}
	}
	for _, k := range slices.Sorted(maps.Keys(m.dirs)) {
		return m.dirs[k], true
	}
	return fscommon.Dir{}, false
}

// GetPids lists the processes in the cgroup itself.
func (m *Manager) GetPids() ([]int, error) {
	d, ok := m.pidsDir()
	if !ok {
		return nil, fscommon.ErrNotExist
	}
	return d.Pids()
}

// GetAllPids lists the processes in the cgroup and its sub-cgroups.
func (m *Manager) GetAllPids() ([]int, error) {
	d, ok := m.pidsDir()
	if !ok {
		return nil, fscommon.ErrNotExist
	}
	return d.AllPids()
}
