package cgroups

import (
	"fmt"
	"path/filepath"

	"github.com/oci-run/oci-run/cgroups/fscommon"
	"github.com/oci-run/oci-run/cgroups/systemd"
	v1 "github.com/oci-run/oci-run/cgroups/v1"
	"github.com/oci-run/oci-run/libcontainer/configs"
)

// Compile-time checks that the drivers implement the interfaces.
var (
	_ Manager     = (*v1.Manager)(nil)
	_ Stats       = (*v1.Manager)(nil)
	_ OOMNotifier = (*v1.Manager)(nil)
)

// New returns the manager for a new container's cgroup, choosing the
// driver from the host: the v2 driver when a cgroup2 file system is mounted
// at opts.Root (using opts.V2Root instead when it is set), else the v1
// driver over the hierarchies mounted below Root. A hybrid host (v1 controllers plus a cgroup2 mount at Root/unified) uses v1.
// c.Systemd selects the systemd driver (cgroups/systemd): a transient
// scope started over D-Bus (opts.DBusAddress, default the system bus) on
// the same v1 or v2 layout.
//
// The cgroup paths are computed here, before anything is created, so the
// caller can record Paths() first. An absolute c.Path is below each
// hierarchy's root; a relative one is below the caller's own cgroup.
func New(c *configs.Cgroup, opts Options) (Manager, error) {
	if c == nil {
		return nil, fmt.Errorf("no cgroup configuration: %w", ErrInvalid)
	}
	if c.Systemd {
		return newSystemd(c, opts)
	}
	if v2root, ok := unifiedRoot(opts); ok {
		return newV2(c, v2root, opts)
	}
	return v1.New(c, opts)
}

// Load rebuilds a manager from the Paths() a container's state recorded:
// a systemd.UnitKey ("systemd:unit") key is a systemd scope; a single ""
// key is a v2 cgroup; controller keys are v1.
func Load(paths map[string]string, opts Options) (Manager, error) {
	if len(paths) == 0 {
		return nil, fmt.Errorf("no cgroup paths to load: %w", ErrInvalid)
	}
	if _, ok := paths[systemd.UnitKey]; ok {
		return loadSystemd(paths, opts)
	}
	if p, ok := paths[""]; ok && len(paths) == 1 {
		root := opts.V2Root
		if root == "" {
			root = opts.RootOrDefault()
		}
		return loadV2(filepath.Clean(p), root, opts)
	}
	return v1.Load(paths, opts)
}

// unifiedRoot reports the cgroup2 mount the v2 driver should use, if the
// host (as Options describe it) is a pure cgroup v2 host.
func unifiedRoot(opts Options) (string, bool) {
	root := opts.RootOrDefault()
	if !fscommon.IsCgroup2(root) {
		return "", false
	}
	if opts.V2Root != "" {
		return opts.V2Root, true
	}
	return root, true
}
