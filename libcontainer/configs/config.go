// Package configs holds oci-run's own description of a container: what to
// create, how to set it up and what to run. It has no OCI types; specconv
// converts an OCI runtime-spec into a Config, and Validate checks one before
// anything touches the system.
package configs

// Config is everything the runtime needs to create a container.
type Config struct {
	// Version is the OCI version the config was converted from (informational).
	Version string `json:"version,omitempty"`
	// Rootfs is the absolute host path of the container's root filesystem.
	Rootfs string `json:"rootfs"`
	// Readonlyfs remounts the root filesystem read-only after setup.
	Readonlyfs bool `json:"readonlyfs,omitempty"`
	// RootPropagation is the propagation of the root mount (unix.MS_SHARED,
	// MS_SLAVE, MS_PRIVATE, MS_UNBINDABLE, optionally with MS_REC); 0 means
	// the default (rslave).
	RootPropagation int `json:"rootPropagation,omitempty"`
	// NoPivotRoot uses chroot(2) instead of pivot_root(2) (runc --no-pivot).
	NoPivotRoot bool `json:"noPivotRoot,omitempty"`
	// NoNewKeyring keeps the caller's session keyring (runc --no-new-keyring).
	NoNewKeyring bool `json:"noNewKeyring,omitempty"`

	Mounts        []*Mount  `json:"mounts,omitempty"`
	Devices       []*Device `json:"devices,omitempty"`
	MaskPaths     []string  `json:"maskPaths,omitempty"`
	ReadonlyPaths []string  `json:"readonlyPaths,omitempty"`

	Namespaces  Namespaces            `json:"namespaces,omitempty"`
	UIDMappings []IDMap               `json:"uidMappings,omitempty"`
	GIDMappings []IDMap               `json:"gidMappings,omitempty"`
	TimeOffsets map[string]TimeOffset `json:"timeOffsets,omitempty"`

	Hostname   string            `json:"hostname,omitempty"`
	Domainname string            `json:"domainname,omitempty"`
	Sysctl     map[string]string `json:"sysctl,omitempty"`

	// Cgroups is the container's cgroup and its resources; nil means none.
	Cgroups *Cgroup `json:"cgroups,omitempty"`
	Hooks   Hooks   `json:"hooks,omitempty"`

	// Process is the container's first process.
	Process *Process `json:"process,omitempty"`

	// OOMScoreAdj for the container's processes (nil: inherit).
	OOMScoreAdj *int `json:"oomScoreAdj,omitempty"`

	Seccomp     *Seccomp     `json:"seccomp,omitempty"`
	Personality *Personality `json:"personality,omitempty"`
	// MountLabel is the SELinux label for mounts.
	MountLabel string `json:"mountLabel,omitempty"`

	// Labels are free key=value strings recorded in the state (e.g. bundle=PATH).
	Labels      []string          `json:"labels,omitempty"`
	Annotations map[string]string `json:"annotations,omitempty"`
}

// IDMap maps a range of ids in a user namespace to ids outside it.
type IDMap struct {
	ContainerID int64 `json:"containerID"`
	HostID      int64 `json:"hostID"`
	Size        int64 `json:"size"`
}

// TimeOffset is a clock offset for a time namespace.
type TimeOffset struct {
	Secs  int64  `json:"secs"`
	Nanos uint32 `json:"nanos"`
}

// Personality is the execution domain (personality(2)).
type Personality struct {
	Domain uint64   `json:"domain"`
	Flags  []string `json:"flags,omitempty"`
}

// HostUID returns the host uid that container uid 0 maps to, or the
// container uid itself when there is no user namespace mapping.
func (c *Config) HostUID(containerID int64) (int64, bool) {
	return mapID(c.UIDMappings, containerID)
}

// HostGID is HostUID for group ids.
func (c *Config) HostGID(containerID int64) (int64, bool) {
	return mapID(c.GIDMappings, containerID)
}

func mapID(m []IDMap, id int64) (int64, bool) {
	if len(m) == 0 {
		return id, true
	}
	for _, e := range m {
		if id >= e.ContainerID && id < e.ContainerID+e.Size {
			return e.HostID + (id - e.ContainerID), true
		}
	}
	return -1, false
}
