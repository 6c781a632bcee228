package fscommon

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/oci-run/oci-run/internal/mountinfo"
)

// Mount is one cgroup hierarchy mount from /proc/self/mountinfo.
type Mount struct {
	// Mountpoint is where the hierarchy is mounted.
	Mountpoint string
	// Root is the cgroup the mount shows (not "/" inside a cgroup
	// namespace or for a bind mount).
	Root string
	// Version is 1 or 2.
	Version int
	// Subsystems are the v1 controllers of the hierarchy, with named
	// hierarchies as "name=systemd".
	Subsystems []string
}

// ReadMounts reads the cgroup mounts of the calling process.
func ReadMounts() ([]Mount, error) {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ParseMounts(f)
}

// ParseMounts parses mountinfo and keeps the cgroup and cgroup2 mounts.
func ParseMounts(r io.Reader) ([]Mount, error) {
	entries, err := mountinfo.Parse(r)
	if err != nil {
		return nil, fmt.Errorf("/proc/self/mountinfo: %w", err)
	}
	var out []Mount
	for _, e := range entries {
		m := Mount{Root: e.Root, Mountpoint: e.Mountpoint}
		switch e.FSType {
		case "cgroup2":
			m.Version = 2
		case "cgroup":
			m.Version = 1
			for opt := range strings.SplitSeq(e.SuperOpts, ",") {
				if knownSubsystem(opt) || strings.HasPrefix(opt, "name=") {
					m.Subsystems = append(m.Subsystems, opt)
				}
			}
		default:
			continue
		}
		out = append(out, m)
	}
	return out, nil
}

// V1Subsystems are the controllers a cgroup v1 hierarchy may carry.
var v1Subsystems = []string{
	"cpuset", "cpu", "cpuacct", "memory", "devices", "freezer", "blkio",
	"pids", "net_cls", "net_prio", "perf_event", "hugetlb", "rdma", "misc",
}

func knownSubsystem(s string) bool {
	for _, k := range v1Subsystems {
		if k == s {
			return true
		}
	}
	return false
}

// ReadOwnCgroups reads /proc/self/cgroup: controller (or "name=systemd", or
// "" for the v2 hierarchy) to cgroup path.
func ReadOwnCgroups() (map[string]string, error) {
	b, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		return nil, err
	}
	return ParseProcCgroup(string(b)), nil
}

// ParseProcCgroup parses /proc/PID/cgroup content.
func ParseProcCgroup(s string) map[string]string {
	out := make(map[string]string)
	for line := range strings.SplitSeq(s, "\n") {
		parts := strings.SplitN(line, ":", 3)
		if len(parts) != 3 {
			continue
		}
		if parts[0] == "0" && parts[1] == "" {
			out[""] = parts[2]
			continue
		}
		for c := range strings.SplitSeq(parts[1], ",") {
			out[c] = parts[2]
		}
	}
	return out
}

// IsCgroup2 reports whether path is the mount point of a cgroup2 fs.
func IsCgroup2(path string) bool {
	var st unix.Statfs_t
	if err := unix.Statfs(path, &st); err != nil {
		return false
	}
	return st.Type == unix.CGROUP2_SUPER_MAGIC
}

// CgroupDir resolves an OCI cgroupsPath for one hierarchy: an absolute
// path is below the hierarchy's mount; a relative one is below the caller's
// own cgroup (own, as /proc/self/cgroup shows it), seen through the mount's
// root.
func CgroupDir(mountpoint, mountRoot, own, path string) (Dir, error) {
	if filepath.IsAbs(path) {
		return NewDir(mountpoint, path)
	}
	rel := own
	if mountRoot != "/" && mountRoot != "" {
		switch {
		case own == mountRoot:
			rel = "/"
		case strings.HasPrefix(own, mountRoot+"/"):
			rel = own[len(mountRoot):]
		default:
			rel = "/"
		}
	}
	if _, err := RelPath(path); err != nil {
		return Dir{}, err
	}
	return NewDir(mountpoint, filepath.Join("/", rel, path))
}
