package systemd

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/oci-run/oci-run/cgroups/fscommon"
)

// v1Subsystems are the v1 hierarchies the scope's cgroup is placed in:
// every controller hierarchy plus systemd's own named one.
var v1Subsystems = []string{
	"cpuset", "cpu", "cpuacct", "memory", "devices", "freezer", "blkio",
	"pids", "net_cls", "net_prio", "perf_event", "hugetlb", "rdma", "misc",
	"name=systemd",
}

// layout is where a unit's cgroup lives.
type layout struct {
	unified bool
	// v2Root is the cgroup2 mount (unified only).
	v2Root string
	// paths maps v1 subsystems, or "" for v2, to the cgroup directory.
	paths map[string]string
}

// unitLayout computes the unit's cgroup directories without touching
// them: <hierarchy mount>/<systemd's root cgroup>/<slice path>/<unit>.
// systemd's root cgroup is PID 1's cgroup without "/init.scope" (it is
// "/" on a host; a systemd running in a container sits lower), as runc
// computes it. A cgroup2 file system at opts.Root selects the unified
// layout (opts.V2Root overrides the mount used), otherwise the v1
// hierarchies mounted below opts.Root are used.
func unitLayout(slicePath, unit string, opts fscommon.Options) (*layout, error) {
	rel := strings.TrimPrefix(filepath.Join(slicePath, unit), "/")
	pid1 := map[string]string{}
	if b, err := os.ReadFile("/proc/1/cgroup"); err == nil {
		pid1 = fscommon.ParseProcCgroup(string(b))
	}
	base := func(key string) string {
		p := strings.TrimSuffix(pid1[key], "/init.scope")
		if p == "" {
			return "/"
		}
		return p
	}
	mounts, err := fscommon.ReadMounts()
	if err != nil {
		return nil, err
	}
	root := filepath.Clean(opts.RootOrDefault())
	if fscommon.IsCgroup2(root) {
		v2root := root
		if opts.V2Root != "" {
			v2root = filepath.Clean(opts.V2Root)
		}
		mountRoot := "/"
		for _, m := range mounts {
			if m.Version == 2 && filepath.Clean(m.Mountpoint) == v2root {
				mountRoot = m.Root
			}
		}
		d, err := fscommon.CgroupDir(v2root, mountRoot, base(""), rel)
		if err != nil {
			return nil, err
		}
		return &layout{unified: true, v2Root: v2root, paths: map[string]string{"": d.Path()}}, nil
	}
	paths := map[string]string{}
	for _, m := range mounts {
		if m.Version != 1 || !strings.HasPrefix(m.Mountpoint, root+"/") {
			continue
		}
		for _, sub := range m.Subsystems {
			if _, dup := paths[sub]; dup || !slices.Contains(v1Subsystems, sub) {
				continue
			}
			d, err := fscommon.CgroupDir(m.Mountpoint, m.Root, base(sub), rel)
			if err != nil {
				return nil, err
			}
			paths[sub] = d.Path()
		}
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("systemd unit %s: no cgroup v1 hierarchy mounted below %s: %w", unit, root, fscommon.ErrNotSupported)
	}
	return &layout{paths: paths}, nil
}
