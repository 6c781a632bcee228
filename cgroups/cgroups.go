// Package cgroups places containers in cgroups and limits them. One Manager
// interface has three drivers: v1 (one directory per controller), v2 (the
// unified hierarchy) and systemd (transient units over D-Bus). New picks one
// from what the host has.
package cgroups

import (
	"github.com/oci-run/oci-run/libcontainer/configs"
)

// Manager is one container's cgroup. A Manager is safe to rebuild from its
// Paths (see Load): the state file records them.
type Manager interface {
	// Apply creates the cgroup (if needed) and moves pid into it.
	Apply(pid int) error
	// Set writes the resources to the cgroup files.
	Set(r *configs.Resources) error
	// Destroy removes the cgroup; it must be empty (callers kill first).
	Destroy() error
	// GetPids lists the pids in the cgroup (not recursive).
	GetPids() ([]int, error)
	// GetAllPids lists the pids in the cgroup and its descendants.
	GetAllPids() ([]int, error)
	// Freeze sets the freezer to configs.Frozen or configs.Thawed and waits
	// until the kernel reports the state.
	Freeze(state configs.FreezerState) error
	// FreezerState reports the current freezer state.
	FreezerState() (configs.FreezerState, error)
	// Exists reports whether the cgroup still exists.
	Exists() bool
	// Paths maps controller name (v1) or "" (v2) to the absolute cgroup
	// directory; it is what the state file records.
	Paths() map[string]string
	// Path returns the directory of one controller ("" for the v2 unified one).
	Path(controller string) string
}

// Stats is implemented by drivers that can report resource usage.
type Stats interface {
	Stats() (*Statistics, error)
}

// Killer is implemented by drivers that can kill all processes atomically
// (v2 cgroup.kill).
type Killer interface {
	Kill() error
}

// OOMNotifier is implemented by drivers that can report OOM kills.
type OOMNotifier interface {
	// OOMEvents returns a channel that receives one value per OOM kill and
	// is closed when the cgroup goes away or stop is closed.
	OOMEvents(stop <-chan struct{}) (<-chan struct{}, error)
}

// Precreator is implemented by drivers whose cgroup can be created before
// its first process exists. Creating a cgroup may wait on the kernel (the
// first cpuset directory after a quiet spell waits an RCU grace period
// holding cgroup_mutex), so create makes it while the init starts, and
// Apply later only moves the pid in.
type Precreator interface {
	// Precreate creates the cgroup (and checks a pre-existing one is
	// unused, as Apply does) without moving any process into it.
	Precreate() error
}
