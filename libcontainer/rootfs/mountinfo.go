package rootfs

import (
	"io"
	"strings"

	"github.com/oci-run/oci-run/internal/mountinfo"
)

// mountInfo is one line of /proc/PID/mountinfo.
type mountInfo = mountinfo.Entry

// readMountinfo reads the calling thread's mount table.
func readMountinfo() ([]mountInfo, error) {
	return mountinfo.Read("/proc/thread-self/mountinfo")
}

// parseMountinfo parses the mountinfo format.
func parseMountinfo(r io.Reader) ([]mountInfo, error) {
	return mountinfo.Parse(r)
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
