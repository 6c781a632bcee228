// Package mountinfo parses /proc/PID/mountinfo (proc(5)), for the cgroup
// drivers (which hierarchies are mounted where) and the root filesystem
// setup (propagation of the mounts around the rootfs).
package mountinfo

import (
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
//
// It reads everything first, into a buffer that starts at a few pages and
// doubles: a 64 KiB bufio.Scanner buffer per call was most of what a
// `run` allocated. The fields are substrings of one string holding the
// whole text.
func Parse(r io.Reader) ([]Entry, error) {
	text, err := readAll(r)
	if err != nil {
		return nil, err
	}
	out := make([]Entry, 0, strings.Count(text, "\n")+1)
	for len(text) > 0 {
		var line string
		line, text, _ = strings.Cut(text, "\n")
		line = strings.TrimSuffix(line, "\r")
		if e, ok := parseLine(line); ok {
			out = append(out, e)
		}
	}
	return out, nil
}

// parseLine parses one line, or reports false for a malformed one.
func parseLine(line string) (Entry, bool) {
	f := strings.Fields(line)
	sep := -1
	for i := 6; i < len(f); i++ {
		if f[i] == "-" {
			sep = i
			break
		}
	}
	if len(f) < 6 || sep < 0 || len(f) < sep+4 {
		return Entry{}, false
	}
	id, _ := strconv.Atoi(f[0])
	return Entry{
		ID:         id,
		Root:       Unescape(f[3]),
		Mountpoint: Unescape(f[4]),
		Opts:       f[5],
		Optional:   f[6:sep],
		FSType:     f[sep+1],
		Source:     Unescape(f[sep+2]),
		SuperOpts:  f[sep+3],
	}, true
}

// readAll reads r to the end. A mount table of a few dozen lines is a few
// KiB; one with thousands of mounts grows the buffer a few times.
func readAll(r io.Reader) (string, error) {
	buf := make([]byte, 0, 8*1024)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return string(buf), nil
		}
		if err != nil {
			return "", err
		}
	}
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
