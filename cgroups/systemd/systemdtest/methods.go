package systemdtest

import (
	"fmt"

	"github.com/godbus/dbus/v5"
)

// managerObject is the exported org.freedesktop.systemd1.Manager: every
// exported method here is a D-Bus method.
type managerObject struct{ s *Systemd }

// auxUnit is an auxiliary unit of StartTransientUnit ("(sa(sv))").
type auxUnit struct {
	Name  string
	Props []Property
}

func noSuchUnit(name string) *dbus.Error {
	return dbus.NewError(ErrNoSuchUnit, []any{fmt.Sprintf("Unit %s not loaded.", name)})
}

// StartTransientUnit creates a scope: its directories in every
// hierarchy, with the PIDs property's processes moved in. An existing
// unit is refused with org.freedesktop.systemd1.UnitExists. A job result
// other than "done" (Config.JobResult) leaves a failed unit and no
// directories.
func (o managerObject) StartTransientUnit(name, mode string, props []Property, aux []auxUnit) (dbus.ObjectPath, *dbus.Error) {
	s := o.s
	c := Call{Method: "StartTransientUnit", Unit: name, Mode: mode, Properties: props}
	s.mu.Lock()
	_, exists := s.units[name]
	s.mu.Unlock()
	if exists {
		c.Result = "UnitExists"
		s.record(c)
		return "", dbus.NewError(ErrUnitExists, []any{fmt.Sprintf("Unit %s was already loaded or has a fragment file.", name)})
	}
	result := s.jobResult(c)
	u := &unit{failed: result != "done"}
	if result == "done" {
		slice := "system.slice"
		var pids []uint32
		for _, p := range props {
			switch p.Name {
			case "Slice":
				slice, _ = p.Value.Value().(string)
			case "PIDs":
				pids, _ = p.Value.Value().([]uint32)
			}
		}
		var err error
		if u, err = s.startScope(name, slice, pids); err != nil {
			_ = removeDirs(u.dirs)
			return "", dbus.NewError("org.freedesktop.DBus.Error.Failed", []any{err.Error()})
		}
	}
	s.mu.Lock()
	s.units[name] = u
	s.mu.Unlock()
	return s.newJob(name, result), nil
}

// StopUnit removes the unit's directories (killing what is left in
// them) and forgets the unit, unless Config.JobResult says otherwise.
func (o managerObject) StopUnit(name, mode string) (dbus.ObjectPath, *dbus.Error) {
	s := o.s
	s.mu.Lock()
	u, ok := s.units[name]
	s.mu.Unlock()
	if !ok {
		s.record(Call{Method: "StopUnit", Unit: name, Mode: mode, Result: "NoSuchUnit"})
		return "", noSuchUnit(name)
	}
	result := s.jobResult(Call{Method: "StopUnit", Unit: name, Mode: mode})
	if result == "done" {
		if err := removeDirs(u.dirs); err != nil {
			result = "failed"
		}
		s.mu.Lock()
		delete(s.units, name)
		s.mu.Unlock()
	}
	return s.newJob(name, result), nil
}

// ResetFailedUnit forgets a failed unit; an active one stays.
func (o managerObject) ResetFailedUnit(name string) *dbus.Error {
	s := o.s
	s.record(Call{Method: "ResetFailedUnit", Unit: name})
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.units[name]
	if !ok {
		return noSuchUnit(name)
	}
	if u.failed {
		delete(s.units, name)
	}
	return nil
}

// SetUnitProperties records the properties of a known unit.
func (o managerObject) SetUnitProperties(name string, runtime bool, props []Property) *dbus.Error {
	s := o.s
	s.record(Call{Method: "SetUnitProperties", Unit: name, Properties: props})
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.units[name]; !ok {
		return noSuchUnit(name)
	}
	return nil
}

// GetUnit returns the object path of a known unit.
func (o managerObject) GetUnit(name string) (dbus.ObjectPath, *dbus.Error) {
	s := o.s
	s.record(Call{Method: "GetUnit", Unit: name})
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.units[name]; !ok {
		return "", noSuchUnit(name)
	}
	return BusPath + "/unit/" + dbus.ObjectPath(escapePath(name)), nil
}

// propertiesObject serves org.freedesktop.DBus.Properties.Get for the
// manager's Version.
type propertiesObject struct{ s *Systemd }

// Get returns Manager.Version; other properties are unknown.
func (o propertiesObject) Get(iface, name string) (dbus.Variant, *dbus.Error) {
	if iface == ManagerIface && name == "Version" {
		return dbus.MakeVariant(o.s.cfg.Version), nil
	}
	return dbus.Variant{}, dbus.NewError("org.freedesktop.DBus.Error.UnknownProperty", []any{iface + "." + name})
}

// escapePath is systemd's bus path escaping: bytes other than ASCII
// letters and digits become "_xx".
func escapePath(s string) string {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' && i > 0 {
			out = append(out, c)
			continue
		}
		out = append(out, fmt.Sprintf("_%02x", c)...)
	}
	return string(out)
}
