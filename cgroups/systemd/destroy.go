package systemd

import (
	"errors"
	"fmt"
)

// Destroy stops the unit and waits for the job, then has the fs driver
// remove whatever directories are left (those systemd does not manage,
// and any it left behind). A unit systemd does not know is not an error;
// a stop job that ends other than "done" is logged, not returned (runc
// does the same: the directories are what matters). The fs removal runs
// even when systemd could not be reached; both errors are returned.
func (m *Manager) Destroy() error {
	stopErr := m.stop()
	fsErr := m.fs.Destroy()
	if fsErr != nil {
		fsErr = fmt.Errorf("systemd unit %s: remove cgroup: %w", m.unit, fsErr)
	}
	return errors.Join(stopErr, fsErr)
}

func (m *Manager) stop() error {
	b, err := dial(m.opts.DBusAddress)
	if err != nil {
		return fmt.Errorf("stop systemd unit %s: %w", m.unit, err)
	}
	defer b.close()
	err = b.stopUnit(m.unit)
	var je *JobError
	switch name := dbusErrorName(err); {
	case err == nil:
	case name == errNoSuchUnit || name == errNotLoaded:
		m.log.Debug("systemd unit already gone", "unit", m.unit)
	case errors.As(err, &je):
		m.log.Warn("systemd stop job did not finish cleanly; removing the cgroup anyway", "unit", m.unit, "result", je.Result)
	default:
		return fmt.Errorf("stop systemd unit %s: StopUnit: %w", m.unit, err)
	}
	// A failed unit stays loaded until reset; let systemd forget it.
	_ = b.resetFailedUnit(m.unit)
	m.started = false
	return nil
}
