package fscommon

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
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
	var out []Mount
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := sc.Text()
		pre, post, ok := strings.Cut(line, " - ")
		if !ok {
			continue
		}
		pf := strings.Fields(pre)
		sf := strings.Fields(post)
		if len(pf) < 5 || len(sf) < 3 {
			continue
		}
		m := Mount{Root: unescape(pf[3]), Mountpoint: unescape(pf[4])}
		switch sf[0] {
		case "cgroup2":
			m.Version = 2
		case "cgroup":
			m.Version = 1
			for opt := range strings.SplitSeq(sf[2], ",") {
				if knownSubsystem(opt) || strings.HasPrefix(opt, "name=") {
					m.Subsystems = append(m.Subsystems, opt)
				}
			}
		default:
			continue
		}
		out = append(out, m)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("/proc/self/mountinfo: %w", err)
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

// unescape decodes mountinfo's octal escapes ("\040" for a space).
func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s)+0 && i+3 <= len(s)-1+1 {
			if v, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(v))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
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
