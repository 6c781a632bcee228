package specconv

import (
	"path/filepath"

	"github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/oci-run/oci-run/libcontainer/configs"
)

// convertRoot sets the absolute rootfs path (relative paths are relative to
// the bundle) and the read-only flag.
func convertRoot(c *configs.Config, spec *specs.Spec, bundle string) error {
	if spec.Root == nil {
		return specErr("root", "", "must be set")
	}
	p := spec.Root.Path
	if p == "" {
		return specErr("root.path", "", "must be set")
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(bundle, p)
	}
	c.Rootfs = filepath.Clean(p)
	c.Readonlyfs = spec.Root.Readonly
	return nil
}

// propagationFlags maps a propagation name (shared, rslave, ...) to its
// MS_* flags.
func propagationFlags(name string) (int, bool) {
	switch name {
	case "shared":
		return unix.MS_SHARED, true
	case "rshared":
		return unix.MS_SHARED | unix.MS_REC, true
	case "slave":
		return unix.MS_SLAVE, true
	case "rslave":
		return unix.MS_SLAVE | unix.MS_REC, true
	case "private":
		return unix.MS_PRIVATE, true
	case "rprivate":
		return unix.MS_PRIVATE | unix.MS_REC, true
	case "unbindable":
		return unix.MS_UNBINDABLE, true
	case "runbindable":
		return unix.MS_UNBINDABLE | unix.MS_REC, true
	}
	return 0, false
}

// propagationNames lists the names propagationFlags accepts.
func propagationNames() []string {
	return []string{"private", "rprivate", "shared", "rshared", "slave", "rslave", "unbindable", "runbindable"}
}

// rootPropagation converts linux.rootfsPropagation; "" keeps the default.
func rootPropagation(name string) (int, error) {
	if name == "" {
		return 0, nil
	}
	f, ok := propagationFlags(name)
	if !ok {
		return 0, specErr("linux.rootfsPropagation", name, "unknown propagation (want shared, slave, private or unbindable, optionally prefixed with r)")
	}
	return f, nil
}
