// Package mountinfo parses /proc/PID/mountinfo (proc(5)), for the cgroup
// drivers (which hierarchies are mounted where) and the root filesystem
// setup (propagation of the mounts around the rootfs).
package mountinfo

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// Entry is one mountinfo line.
type Entry struct {
	ID         int
	Root       string // the root of the mount in its filesystem
	Mountpoint string
	Opts       string   // per-mount options: "rw,nosuid,relatime"
	Optional   []string // e.g. "shared:1", "master:2"
	FSType     string
	Source     string
	SuperOpts  string // per-superblock options
}

// Read parses the mountinfo file at path (e.g. /proc/self/mountinfo).
func Read(path string) ([]Entry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	entries, err := Parse(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return entries, nil
}

// Parse parses the mountinfo format; malformed lines are skipped.
func Parse(r io.Reader) ([]Entry, error) {
	var out []Entry
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
		out = append(out, Entry{
			ID:         id,
			Root:       Unescape(f[3]),
			Mountpoint: Unescape(f[4]),
			Opts:       f[5],
			Optional:   f[6:sep],
			FSType:     f[sep+1],
			Source:     Unescape(f[sep+2]),
			SuperOpts:  f[sep+3],
		})
	}
	return out, sc.Err()
}

// Unescape undoes the kernel's \NNN escaping of spaces, tabs, newlines and
// backslashes in mountinfo fields.
func Unescape(s string) string {
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

// IsShared reports whether the mount is in a shared peer group.
func (e *Entry) IsShared() bool {
	for _, o := range e.Optional {
		if strings.HasPrefix(o, "shared:") {
			return true
		}
	}
	return false
}
