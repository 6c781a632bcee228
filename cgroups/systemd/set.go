package systemd

import (
	"fmt"

	"github.com/oci-run/oci-run/libcontainer/configs"
)

// Set gives the unit the resource properties systemd has (so systemd's
// view matches and a daemon-reload keeps the limits), then has the fs
// driver write every setting to the cgroup files, as runc does: the fs
// values are exact where systemd rounds (CPUQuotaPerSecUSec) and cover
// what systemd has no property for.
//
// When device rules change and the cgroup is not frozen, it is frozen
// around SetUnitProperties: systemd rewrites the device rules from
// scratch, and a process could otherwise see a moment with fewer devices
// allowed.
func (m *Manager) Set(r *configs.Resources) error {
	if r == nil {
		return nil
	}
	if !m.started {
		return fmt.Errorf("systemd unit %s: Set before Apply: the unit does not exist yet", m.unit)
	}
	props, err := resourceProperties(r, m.unified, m.names())
	if err != nil {
		return fmt.Errorf("systemd unit %s: %w", m.unit, err)
	}
	if len(props) > 0 {
		if err := m.setProperties(r, props); err != nil {
			return err
		}
	}
	return m.fs.Set(r)
}

func (m *Manager) setProperties(r *configs.Resources, props []Property) error {
	b, err := dial(m.opts.DBusAddress)
	if err != nil {
		return err
	}
	defer b.close()
	props = forVersion(props, b.version(), m.unit, m.log)
	if r.Devices != nil && !r.SkipDevices {
		if st, err := m.fs.FreezerState(); err == nil && st == configs.Thawed {
			if err := m.fs.Freeze(configs.Frozen); err != nil {
				return fmt.Errorf("systemd unit %s: freeze while device properties change: %w", m.unit, err)
			}
			defer func() {
				if err := m.fs.Freeze(configs.Thawed); err != nil {
					m.log.Warn("thaw after setting device properties failed", "unit", m.unit, "error", err)
				}
			}()
		}
	}
	if err := b.setUnitProperties(m.unit, props); err != nil {
		return fmt.Errorf("systemd unit %s: SetUnitProperties (%s): %w", m.unit, propNames(props), err)
	}
	return nil
}

func propNames(props []Property) string {
	s := ""
	for i, p := range props {
		if i > 0 {
			s += ", "
		}
		s += p.Name
	}
	return s
}
