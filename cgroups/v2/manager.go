// Package v2 is the cgroup v2 driver: one directory in the unified
// hierarchy, controllers enabled through the parents' cgroup.subtree_control,
// device rules as a BPF_CGROUP_DEVICE program.
package v2

import (
	"fmt"
	"log/slog"
	"path/filepath"

	"github.com/oci-run/oci-run/cgroups/fscommon"
	"github.com/oci-run/oci-run/libcontainer/configs"
)

// Manager is a container's v2 cgroup. It is not safe for concurrent use.
type Manager struct {
	cfg *configs.Cgroup
	dir fscommon.Dir
	log *slog.Logger
	// fresh: made by New, so Apply refuses a pre-existing cgroup that has
	// processes or is frozen. Load clears it.
	fresh bool
}

// New computes the container's cgroup below the cgroup2 mount at root.
// An absolute cgroupsPath is below the mount; a relative one is below the
// caller's own cgroup. Nothing is created until Apply.
func New(c *configs.Cgroup, root string, opts fscommon.Options) (*Manager, error) {
	if c == nil {
		return nil, fmt.Errorf("no cgroup configuration: %w", fscommon.ErrInvalid)
	}
	path := c.Path
	if path == "" {
		if c.Name == "" {
			return nil, fmt.Errorf("cgroup configuration has neither a path nor a name: %w", fscommon.ErrInvalid)
		}
		path = filepath.Join("/", c.Parent, c.Name)
	}
	var d fscommon.Dir
	var err error
	if filepath.IsAbs(path) {
		d, err = fscommon.NewDir(root, path)
	} else {
		d, err = relativeDir(root, path)
	}
	if err != nil {
		return nil, err
	}
	return &Manager{cfg: c, dir: d, log: opts.Log(), fresh: true}, nil
}

// relativeDir resolves a relative path below the caller's own v2 cgroup,
// seen through the mount at root (whose mountinfo root may not be "/").
func relativeDir(root, path string) (fscommon.Dir, error) {
	own, err := fscommon.ReadOwnCgroups()
	if err != nil {
		return fscommon.Dir{}, err
	}
	mountRoot := "/"
	if mounts, err := fscommon.ReadMounts(); err == nil {
		for _, m := range mounts {
			if m.Version == 2 && filepath.Clean(m.Mountpoint) == filepath.Clean(root) {
				mountRoot = m.Root
			}
		}
	}
	return fscommon.CgroupDir(root, mountRoot, own[""], path)
}

// Load rebuilds a manager for the cgroup directory path below root.
func Load(path, root string, opts fscommon.Options) (*Manager, error) {
	d, err := fscommon.DirFromPath(root, path)
	if err != nil {
		return nil, err
	}
	return &Manager{cfg: &configs.Cgroup{}, dir: d, log: opts.Log()}, nil
}

// Paths is {"": dir}.
func (m *Manager) Paths() map[string]string { return map[string]string{"": m.dir.Path()} }

// Path returns the cgroup directory for "" (and for any v1 controller
// name, since every controller lives in the one directory).
func (m *Manager) Path(string) string { return m.dir.Path() }

// Exists reports whether the cgroup directory exists.
func (m *Manager) Exists() bool { return m.dir.Exists() }

// GetPids lists the processes in the cgroup itself.
func (m *Manager) GetPids() ([]int, error) { return m.dir.Pids() }

// GetAllPids lists the processes in the cgroup and its sub-cgroups.
func (m *Manager) GetAllPids() ([]int, error) { return m.dir.AllPids() }
