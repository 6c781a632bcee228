package configs

// Mount is one filesystem mount inside the container.
type Mount struct {
	// Source is the host path (bind) or the device/name (e.g. "proc").
	Source string `json:"source"`
	// Destination is the absolute path inside the container.
	Destination string `json:"destination"`
	// Device is the filesystem type ("bind" for bind mounts).
	Device string `json:"device"`
	// Flags are MS_* flags to set; ClearedFlags are MS_* flags the options
	// explicitly cleared (e.g. "rw", "suid"), which matters on remount.
	Flags        int `json:"flags,omitempty"`
	ClearedFlags int `json:"clearedFlags,omitempty"`
	// PropagationFlags are applied after the mount, in order.
	PropagationFlags []int `json:"propagationFlags,omitempty"`
	// Data is the filesystem-specific option string.
	Data string `json:"data,omitempty"`
	// RecAttr holds recursive mount attributes (rro, rnosuid, ...) applied
	// with mount_setattr(AT_RECURSIVE); nil when none.
	RecAttr *MountAttr `json:"recAttr,omitempty"`
	// UIDMappings/GIDMappings request an idmapped mount.
	UIDMappings []IDMap `json:"uidMappings,omitempty"`
	GIDMappings []IDMap `json:"gidMappings,omitempty"`
	// IDMapRecursive applies the id mapping to every mount under the
	// destination too (OCI "ridmap", mount_setattr with AT_RECURSIVE);
	// false maps the top mount only ("idmap", or mappings without either).
	IDMapRecursive bool `json:"idmapRecursive,omitempty"`
}

// MountAttr is the set/clear pair of MOUNT_ATTR_* bits for mount_setattr.
type MountAttr struct {
	Set   uint64 `json:"set,omitempty"`
	Clear uint64 `json:"clear,omitempty"`
}

// IsBind reports whether the mount is a bind mount.
func (m *Mount) IsBind() bool {
	return m.Device == "bind" || m.Flags&msBind != 0
}

const msBind = 0x1000 // unix.MS_BIND, kept here to avoid an import for one constant
