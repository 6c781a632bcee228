package systemd

import (
	"errors"
	"fmt"
)

// Apply starts the container's scope with pid as its first process (pid
// -1: no process; systemd then starts an empty scope only if it allows
// that) and waits for systemd's job result. The unit's properties are
// the scope settings (Slice, Delegate, accounting, DefaultDependencies)
// and the resources systemd has properties for. Then the fs driver
// creates the directories systemd does not manage (on v1: cpuset,
// freezer, net_cls, ...) and joins pid to every hierarchy.
//
// A unit of the same name is an error matching ErrUnitExists, after one
// ResetFailedUnit and retry (clears a leftover failed unit, as runc). A
// job result other than "done" is a *JobError naming the unit.
//
// On a manager from Load the unit exists: Apply only joins pid to its
// cgroup (exec).
func (m *Manager) Apply(pid int) error {
	if m.started {
		return m.fs.Apply(pid)
	}
	b, err := dial(m.opts.DBusAddress)
	if err != nil {
		return err
	}
	defer b.close()
	ver := b.version()
	slice := SliceName(m.cfg)
	props := unitProperties(m.cfg, slice, pid, m.unified)
	res, err := resourceProperties(m.cfg.Resources, m.unified, m.names())
	if err != nil {
		return fmt.Errorf("systemd unit %s: %w", m.unit, err)
	}
	props = forVersion(append(props, res...), ver, m.unit, m.log)
	m.log.Debug("starting systemd scope", "unit", m.unit, "slice", slice, "pid", pid, "properties", len(props))
	if err := m.start(b, props); err != nil {
		return err
	}
	m.started = true
	if err := m.fs.Apply(pid); err != nil {
		return fmt.Errorf("systemd unit %s: join cgroup: %w", m.unit, err)
	}
	return nil
}

// start calls StartTransientUnit, retrying once after ResetFailedUnit
// when the unit exists.
func (m *Manager) start(b *bus, props []Property) error {
	err := b.startTransientUnit(m.unit, props)
	if dbusErrorName(err) == errUnitExists {
		if rerr := b.resetFailedUnit(m.unit); rerr != nil {
			m.log.Debug("reset-failed of existing unit", "unit", m.unit, "error", rerr)
		}
		err = b.startTransientUnit(m.unit, props)
		if dbusErrorName(err) == errUnitExists {
			return fmt.Errorf("systemd unit %s in slice %s: %w (%v)", m.unit, SliceName(m.cfg), ErrUnitExists, err)
		}
	}
	var je *JobError
	if errors.As(err, &je) {
		// Let systemd drop the failed unit so the name can be used again.
		_ = b.resetFailedUnit(m.unit)
		return fmt.Errorf("start systemd unit %s: %w", m.unit, err)
	}
	if err != nil {
		return fmt.Errorf("start systemd unit %s: StartTransientUnit: %w", m.unit, err)
	}
	return nil
}
