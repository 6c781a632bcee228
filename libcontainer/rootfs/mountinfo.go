package rootfs

import (
	"bufio"
	"io"
	"os"
	"strconv"
	"strings"
)

// mountInfo is one line of /proc/PID/mountinfo, reduced to what this package
// uses.
type mountInfo struct {
	ID         int
	Root       string
	Mountpoint string
	Opts       string   // per-mount options: "rw,nosuid,relatime"
	Optional   []string // e.g. "shared:1", "master:2"
	FSType     string
	Source     string
	SuperOpts  string
}

// readMountinfo reads the calling thread's mount table.
func readMountinfo() ([]mountInfo, error) {
	f, err := os.Open("/proc/thread-self/mountinfo")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return parseMountinfo(f)
}

// parseMountinfo parses the mountinfo format (proc(5)); malformed lines are
// skipped.
func parseMountinfo(r io.Reader) ([]mountInfo, error) {
	var out []mountInfo
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		sep := -1
		for i := 6; i < len(f); i++ {
			if f[i] == "-" {
				sep = i
				break
			}
		}
		if len(f) < 6 || sep < 0 || len(f) < sep+4 {
			continue
		}
		id, _ := strconv.Atoi(f[0])
		out = append(out, mountInfo{
			ID:         id,
			Root:       unescapeOctal(f[3]),
			Mountpoint: unescapeOctal(f[4]),
			Opts:       f[5],
			Optional:   f[6:sep],
			FSType:     f[sep+1],
			Source:     unescapeOctal(f[sep+2]),
			SuperOpts:  f[sep+3],
		})
	}
	return out, sc.Err()
}

// unescapeOctal undoes the kernel's \NNN escaping of spaces, tabs, newlines
// and backslashes in mountinfo fields.
func unescapeOctal(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
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

// isShared reports whether the mount is in a shared peer group.
func (m *mountInfo) isShared() bool {
	for _, o := range m.Optional {
		if strings.HasPrefix(o, "shared:") {
			return true
		}
	}
	return false
}

// mountOf returns the mount that contains path: the last-mounted entry whose
// mountpoint is the longest prefix of path.
func mountOf(mounts []mountInfo, path string) *mountInfo {
	var best *mountInfo
	for i := range mounts {
		m := &mounts[i]
		if !isUnder(path, m.Mountpoint) {
			continue
		}
		if best == nil || len(m.Mountpoint) >= len(best.Mountpoint) {
			best = m
		}
	}
	return best
}

// isUnder reports whether path is dir or below it (both clean and absolute).
func isUnder(path, dir string) bool {
	if dir == "/" {
		return strings.HasPrefix(path, "/")
	}
	return path == dir || strings.HasPrefix(path, dir+"/")
}
