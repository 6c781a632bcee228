package v1

import (
	"fmt"
	"strings"

	"github.com/oci-run/oci-run/cgroups/fscommon"
)

// Apply creates the cgroup in every hierarchy and moves pid into it; pid -1
// only creates. A manager made by New refuses a pre-existing cgroup that
// already has processes or is frozen (a *fscommon.BusyError matching
// ErrFrozenOrBusy), before creating anything.
func (m *Manager) Apply(pid int) error {
	if m.fresh {
		if err := m.checkUnused(); err != nil {
			return err
		}
	}
	for _, sub := range m.uniqueDirs() {
		d := m.dirs[sub]
		if !m.made {
			if _, err := d.MkdirAll(); err != nil {
				return err
			}
			if sub == "cpuset" {
				if err := initCpuset(d); err != nil {
					return err
				}
			}
		}
		if pid != -1 {
			if err := d.AddPid(pid); err != nil {
				return err
			}
		}
	}
	m.fresh = false
	return nil
}

func (m *Manager) checkUnused() error {
	for _, sub := range m.uniqueDirs() {
		d := m.dirs[sub]
		if !d.Exists() {
			continue
		}
		pids, err := d.Pids()
		if err != nil {
			return err
		}
		if len(pids) > 0 {
			return &fscommon.BusyError{Path: d.Path(), Reason: fscommon.ErrHasProcesses, Pids: pids}
		}
		if sub == "freezer" {
			st, err := d.ReadTrim("freezer.state")
			if err != nil {
				return err
			}
			if st != "THAWED" {
				return &fscommon.BusyError{Path: d.Path(), Reason: fscommon.ErrFrozen}
			}
		}
	}
	return nil
}

// initCpuset gives every cgroup from the hierarchy's top down to d the
// parent's cpuset.cpus and cpuset.mems where they are empty: a task
// cannot join a cpuset cgroup that has none.
func initCpuset(d fscommon.Dir) error {
	var chain []fscommon.Dir
	for cur, ok := d, true; ok; cur, ok = cur.Parent() {
		chain = append(chain, cur)
	}
	// chain[len-1] is the root; walk down from its first child.
	for i := len(chain) - 2; i >= 0; i-- {
		parent, child := chain[i+1], chain[i]
		for _, f := range []string{"cpuset.cpus", "cpuset.mems"} {
			v, err := child.ReadTrim(f)
			if err != nil {
				return err
			}
			if v != "" {
				continue
			}
			pv, err := parent.ReadTrim(f)
			if err != nil {
				return err
			}
			if strings.TrimSpace(pv) == "" {
				return fmt.Errorf("%s is empty: cannot initialise %s: %w", parent.File(f), child.File(f), fscommon.ErrInvalid)
			}
			if err := child.Write(f, pv); err != nil {
				return err
			}
		}
	}
	return nil
}
