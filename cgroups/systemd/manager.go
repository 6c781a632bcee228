// Package systemd is the systemd cgroup driver: the container's cgroup is
// a transient scope unit that systemd creates on request over D-Bus
// (org.freedesktop.systemd1.Manager.StartTransientUnit), in the slice the
// configuration names, with the resource properties systemd knows.
// Everything else goes through the fs drivers (cgroups/v1 on a v1 or
// hybrid host, cgroups/v2 on a unified one) on the directories systemd
// made, as runc does: Set writes every file after the unit properties, and
// the freezer, statistics, process lists and OOM events are read there.
package systemd

import (
	"errors"
	"fmt"
	"log/slog"
	"maps"

	"github.com/oci-run/oci-run/cgroups/fscommon"
	v1 "github.com/oci-run/oci-run/cgroups/v1"
	v2 "github.com/oci-run/oci-run/cgroups/v2"
	"github.com/oci-run/oci-run/libcontainer/configs"
)

// UnitKey is the key under which Paths records the unit name, next to the
// cgroup directories: {"memory": "/sys/fs/cgroup/memory/system.slice/
// oci-run-c1.scope", ..., "systemd:unit": "oci-run-c1.scope"}. Load needs
// it to stop the unit; cgroups.Load dispatches to this driver on it. No
// cgroup controller or hierarchy has this name.
const UnitKey = "systemd:unit"

// ErrUnitExists: StartTransientUnit found a unit of that name (a running
// container, or a leftover that reset-failed could not clear).
var ErrUnitExists = errors.New("systemd unit already exists")

// fsDriver is what the systemd driver uses of cgroups/v1 and cgroups/v2.
type fsDriver interface {
	Apply(pid int) error
	Set(r *configs.Resources) error
	Destroy() error
	GetPids() ([]int, error)
	GetAllPids() ([]int, error)
	Freeze(state configs.FreezerState) error
	FreezerState() (configs.FreezerState, error)
	Exists() bool
	Paths() map[string]string
	Path(controller string) string
	Stats() (*fscommon.Statistics, error)
	OOMEvents(stop <-chan struct{}) (<-chan struct{}, error)
}

// Manager is a container's systemd scope. It is not safe for concurrent
// use. Each operation that talks to systemd opens its own D-Bus
// connection and closes it before returning.
type Manager struct {
	cfg     *configs.Cgroup
	unit    string
	unified bool
	fs      fsDriver
	opts    fscommon.Options
	log     *slog.Logger
	// started: the unit exists (Apply started it, or Load found it
	// recorded); Apply then only joins the cgroup, as exec needs.
	started bool
	// names resolves /proc/devices group names for device properties.
	names func() deviceNames
}

// New computes the container's unit name ("<prefix>-<name>.scope"), its
// slice (c.Parent, default "system.slice") and the cgroup directories
// systemd will give it. Nothing is created and systemd is not contacted
// until Apply, so Paths can be recorded first.
func New(c *configs.Cgroup, opts fscommon.Options) (*Manager, error) {
	if c == nil {
		return nil, fmt.Errorf("no cgroup configuration: %w", fscommon.ErrInvalid)
	}
	unit, err := UnitName(c)
	if err != nil {
		return nil, err
	}
	slicePath, err := ExpandSlice(SliceName(c))
	if err != nil {
		return nil, fmt.Errorf("systemd unit %s: %w", unit, err)
	}
	l, err := unitLayout(slicePath, unit, opts)
	if err != nil {
		return nil, err
	}
	m, err := newManager(unit, l, opts)
	if err != nil {
		return nil, err
	}
	m.cfg = c
	return m, nil
}

// Load rebuilds the manager of a started unit from its recorded Paths
// (the cgroup directories plus UnitKey). Apply on it joins a process to
// the existing cgroup (exec); Destroy stops the unit.
func Load(paths map[string]string, opts fscommon.Options) (*Manager, error) {
	unit := paths[UnitKey]
	if unit == "" {
		return nil, fmt.Errorf("systemd cgroup: recorded paths have no %q: %w", UnitKey, fscommon.ErrInvalid)
	}
	if err := validUnitName(unit); err != nil {
		return nil, err
	}
	dirs := maps.Clone(paths)
	delete(dirs, UnitKey)
	l := &layout{paths: dirs}
	if _, ok := dirs[""]; ok && len(dirs) == 1 {
		l.unified, l.v2Root = true, opts.V2Root
		if l.v2Root == "" {
			l.v2Root = opts.RootOrDefault()
		}
	}
	m, err := newManager(unit, l, opts)
	if err != nil {
		return nil, err
	}
	m.cfg = &configs.Cgroup{}
	m.started = true
	return m, nil
}

// newManager wraps the fs driver for the unit's directories. The fs
// manager is made as for an existing cgroup (v1.Load/v2.Load): systemd,
// not the fs driver, decides whether the cgroup is new.
func newManager(unit string, l *layout, opts fscommon.Options) (*Manager, error) {
	m := &Manager{unit: unit, unified: l.unified, opts: opts, log: opts.Log(), names: procDevices}
	var err error
	if l.unified {
		m.fs, err = v2.Load(l.paths[""], l.v2Root, opts)
	} else {
		m.fs, err = v1.Load(l.paths, opts)
	}
	if err != nil {
		return nil, fmt.Errorf("systemd unit %s: %w", unit, err)
	}
	return m, nil
}

// Unit returns the scope's unit name.
func (m *Manager) Unit() string { return m.unit }

// Unified reports whether the unit's cgroup is on the v2 hierarchy.
func (m *Manager) Unified() bool { return m.unified }

// Paths returns the cgroup directories (by v1 subsystem, or "" for v2)
// and the unit name under UnitKey.
func (m *Manager) Paths() map[string]string {
	p := m.fs.Paths()
	p[UnitKey] = m.unit
	return p
}

// Path returns one controller's directory ("" for the v2 one).
func (m *Manager) Path(controller string) string { return m.fs.Path(controller) }

// Exists reports whether the unit's cgroup exists.
func (m *Manager) Exists() bool { return m.fs.Exists() }

// GetPids lists the processes in the unit's cgroup itself.
func (m *Manager) GetPids() ([]int, error) { return m.fs.GetPids() }

// GetAllPids lists the processes in the unit's cgroup and below.
func (m *Manager) GetAllPids() ([]int, error) { return m.fs.GetAllPids() }

// Freeze freezes or thaws through the fs driver's freezer (systemd's own
// FreezeUnit is v2-only and newer than many hosts).
func (m *Manager) Freeze(state configs.FreezerState) error { return m.fs.Freeze(state) }

// FreezerState reports the fs driver's freezer state.
func (m *Manager) FreezerState() (configs.FreezerState, error) { return m.fs.FreezerState() }

// Stats reads the usage from the cgroup files.
func (m *Manager) Stats() (*fscommon.Statistics, error) { return m.fs.Stats() }

// OOMEvents reports OOM kills through the fs driver.
func (m *Manager) OOMEvents(stop <-chan struct{}) (<-chan struct{}, error) {
	return m.fs.OOMEvents(stop)
}

// Killer returns the atomic kill of a unified cgroup (cgroup.kill); ok is
// false on v1, where there is none.
func (m *Manager) Killer() (k interface{ Kill() error }, ok bool) {
	k, ok = m.fs.(interface{ Kill() error })
	return k, ok
}
