// Package v1 is the cgroup v1 driver: one directory per controller
// hierarchy (/sys/fs/cgroup/<controller>/<path>), as runc's fs driver.
package v1

import (
	"fmt"
	"log/slog"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"github.com/oci-run/oci-run/cgroups/fscommon"
	"github.com/oci-run/oci-run/libcontainer/configs"
)

// Subsystems the driver places a container in, in the order Apply joins
// them (cpuset first: its cpus/mems must be set before a task can join).
var subsystemOrder = []string{
	"cpuset", "cpu", "cpuacct", "memory", "devices", "freezer", "blkio",
	"pids", "net_cls", "net_prio", "perf_event", "hugetlb", "rdma", "misc",
	"name=systemd", UnifiedKey,
}

// UnifiedKey names the cgroup2 hierarchy of a hybrid host (cgroup2 mounted
// below the v1 root, e.g. /sys/fs/cgroup/unified). The container joins a
// cgroup there too, as runc does: otherwise its cgroup namespace's root in
// that hierarchy would be the host's, and a cgroup2 mount in the container
// would show the host's whole tree.
const UnifiedKey = "unified"

// Manager is a container's v1 cgroup. It is not safe for concurrent use.
type Manager struct {
	cfg  *configs.Cgroup
	dirs map[string]fscommon.Dir // subsystem -> cgroup directory
	log  *slog.Logger
	// fresh: made by New for a new container, so Apply refuses a
	// pre-existing cgroup that has processes or is frozen. Load clears it
	// (exec joins a running container's cgroup).
	fresh bool
	// made: Precreate created every directory; Apply only joins.
	made bool
}

// New computes the container's cgroup directories in every mounted v1
// hierarchy below opts.Root. Nothing is created until Apply.
func New(c *configs.Cgroup, opts fscommon.Options) (*Manager, error) {
	path, err := CgroupPath(c)
	if err != nil {
		return nil, err
	}
	mounts, err := fscommon.ReadMounts()
	if err != nil {
		return nil, err
	}
	own, err := fscommon.ReadOwnCgroups()
	if err != nil {
		return nil, err
	}
	root := filepath.Clean(opts.RootOrDefault())
	dirs := make(map[string]fscommon.Dir)
	for _, m := range mounts {
		if m.Version != 1 || !strings.HasPrefix(m.Mountpoint, root+"/") {
			continue
		}
		for _, sub := range m.Subsystems {
			if !slices.Contains(subsystemOrder, sub) {
				continue
			}
			if _, dup := dirs[sub]; dup {
				continue
			}
			d, err := fscommon.CgroupDir(m.Mountpoint, m.Root, own[sub], path)
			if err != nil {
				return nil, err
			}
			dirs[sub] = d
		}
	}
	if len(dirs) == 0 {
		return nil, fmt.Errorf("no cgroup v1 hierarchy mounted below %s: %w", root, fscommon.ErrNotSupported)
	}
	if m, ok := hybridUnified(mounts, root); ok {
		d, err := fscommon.CgroupDir(m.Mountpoint, m.Root, own[""], path)
		if err != nil {
			return nil, err
		}
		dirs[UnifiedKey] = d
	}
	return NewWithDirs(c, dirs, opts), nil
}

// NewWithDirs makes a manager for given directories (subsystem to cgroup
// directory). Tests use it to point the driver at a temporary tree.
func NewWithDirs(c *configs.Cgroup, dirs map[string]fscommon.Dir, opts fscommon.Options) *Manager {
	if c == nil {
		c = &configs.Cgroup{}
	}
	return &Manager{cfg: c, dirs: maps.Clone(dirs), log: opts.Log(), fresh: true}
}

// Load rebuilds a manager from the Paths recorded in a container's state.
// Each path must be below the mount point of its hierarchy.
func Load(paths map[string]string, opts fscommon.Options) (*Manager, error) {
	mounts, err := fscommon.ReadMounts()
	if err != nil {
		return nil, err
	}
	dirs := make(map[string]fscommon.Dir)
	for sub, p := range paths {
		if sub == UnifiedKey {
			m, ok := hybridUnified(mounts, filepath.Clean(opts.RootOrDefault()))
			if !ok {
				return nil, fmt.Errorf("cgroup path %s: no cgroup2 hierarchy is mounted below the v1 root: %w", p, fscommon.ErrNotSupported)
			}
			d, err := fscommon.DirFromPath(m.Mountpoint, p)
			if err != nil {
				return nil, err
			}
			dirs[sub] = d
			continue
		}
		var found bool
		for _, m := range mounts {
			if m.Version != 1 || !slices.Contains(m.Subsystems, sub) {
				continue
			}
			d, err := fscommon.DirFromPath(m.Mountpoint, p)
			if err != nil {
				continue
			}
			dirs[sub], found = d, true
			break
		}
		if !found {
			return nil, fmt.Errorf("cgroup %s path %s: no mounted v1 hierarchy holds it: %w", sub, p, fscommon.ErrNotSupported)
		}
	}
	m := NewWithDirs(nil, dirs, opts)
	m.fresh = false
	return m, nil
}

// CgroupPath is the OCI cgroupsPath for the fs drivers: c.Path, or
// "/<Parent>/<Name>" when Path is empty.
func CgroupPath(c *configs.Cgroup) (string, error) {
	if c == nil {
		return "", fmt.Errorf("no cgroup configuration: %w", fscommon.ErrInvalid)
	}
	if c.Path != "" {
		return c.Path, nil
	}
	if c.Name == "" {
		return "", fmt.Errorf("cgroup configuration has neither a path nor a name: %w", fscommon.ErrInvalid)
	}
	return filepath.Join("/", c.Parent, c.Name), nil
}

// Paths maps each subsystem to its cgroup directory.
func (m *Manager) Paths() map[string]string {
	out := make(map[string]string, len(m.dirs))
	for k, d := range m.dirs {
		out[k] = d.Path()
	}
	return out
}

// Path returns one subsystem's directory ("" if not mounted).
func (m *Manager) Path(subsystem string) string {
	if d, ok := m.dirs[subsystem]; ok {
		return d.Path()
	}
	return ""
}

// Exists reports whether any of the cgroup's directories exists.
func (m *Manager) Exists() bool {
	for _, d := range m.dirs {
		if d.Exists() {
			return true
		}
	}
	return false
}

// uniqueDirs returns the subsystems in join order, skipping a directory
// already listed (co-mounted controllers such as cpu,cpuacct share one).
func (m *Manager) uniqueDirs() []string {
	seen := map[string]bool{}
	var out []string
	for _, sub := range subsystemOrder {
		d, ok := m.dirs[sub]
		if !ok || seen[d.Path()] {
			continue
		}
		seen[d.Path()] = true
		out = append(out, sub)
	}
	return out
}

// dir returns a subsystem's directory or an error naming the missing
// controller, for settings that need it.
func (m *Manager) dir(sub, what string) (fscommon.Dir, error) {
	d, ok := m.dirs[sub]
	if !ok {
		return d, fmt.Errorf("%s needs the %s cgroup controller, which is not mounted: %w", what, sub, fscommon.ErrNotSupported)
	}
	return d, nil
}

// hybridUnified finds the cgroup2 mount of a hybrid layout: below the v1
// root, not the root itself.
func hybridUnified(mounts []fscommon.Mount, root string) (fscommon.Mount, bool) {
	for _, m := range mounts {
		if m.Version == 2 && strings.HasPrefix(m.Mountpoint, root+"/") {
			return m, true
		}
	}
	return fscommon.Mount{}, false
}
