package fastpath

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// FileName is the summary's name in a container's state directory.
const FileName = "fast"

// EnvOff names the environment variable that turns the fast path off.
const EnvOff = "OCIRUN_NO_FAST"

const magic = "ocirun-fast-1"

// Freezer kinds: which file says whether the container is paused.
const (
	FreezerNone = ""   // no freezer: never paused
	FreezerV1   = "v1" // <dir>/freezer.state: THAWED, FREEZING, FROZEN
	FreezerV2   = "v2" // <dir>/cgroup.freeze: 0 or 1
)

// Summary is what the C half needs to serve a container.
type Summary struct {
	Pid       int
	StartTime uint64 // clock ticks, /proc/PID/stat field 22
	// FastStart: `start` may be served (there are no poststart hooks).
	FastStart bool
	// FastDelete: `delete` of a stopped container may be served (no
	// poststop hooks; a cgroupfs v1 driver, whose removal is one rmdir per
	// directory).
	FastDelete bool
	// FreezerKind and FreezerFile tell a paused container from a running one.
	FreezerKind string
	FreezerFile string
	// CgroupDirs are removed, in this order, by a fast delete.
	CgroupDirs []string
	// StatePrefix and StateSuffix are `state`'s output before the pid
	// and after the status line (see RenderState).
	StatePrefix, StateSuffix []byte
}

// Encode returns the summary file's content: netstrings, in the order the
// C half reads them.
func (s *Summary) Encode() []byte {
	var b []byte
	put := func(v []byte) {
		b = strconv.AppendInt(b, int64(len(v)), 10)
		b = append(b, ':')
		b = append(b, v...)
		b = append(b, ',')
	}
	flags := ""
	if s.FastStart {
		flags += "S"
	}
	if s.FastDelete {
		flags += "D"
	}
	put([]byte(magic))
	put(strconv.AppendInt(nil, int64(s.Pid), 10))
	put(strconv.AppendUint(nil, s.StartTime, 10))
	put([]byte(flags))
	put([]byte(s.FreezerKind))
	put([]byte(s.FreezerFile))
	put(strconv.AppendInt(nil, int64(len(s.CgroupDirs)), 10))
	for _, d := range s.CgroupDirs {
		put([]byte(d))
	}
	put(s.StatePrefix)
	put(s.StateSuffix)
	return b
}

// Write stores the summary in the state directory dir, atomically (a
// temporary file renamed), so the C half reads all of it or nothing.
func Write(dir string, s *Summary) error {
	tmp, err := os.CreateTemp(dir, "."+FileName+"-*")
	if err != nil {
		return fmt.Errorf("write fast-path summary: %w", err)
	}
	_, err = tmp.Write(s.Encode())
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), filepath.Join(dir, FileName))
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write fast-path summary: %w", err)
	}
	return nil
}

// RenderState assembles `state`'s output from the summary's parts, the
// pid and the status, exactly as the C half does.
func RenderState(prefix []byte, pid int, status string, suffix []byte) []byte {
	b := make([]byte, 0, len(prefix)+len(suffix)+48)
	b = append(b, prefix...)
	b = strconv.AppendInt(b, int64(pid), 10)
	b = append(b, ",\n  \"status\": \""...)
	b = append(b, status...)
	b = append(b, "\",\n"...)
	return append(b, suffix...)
}
