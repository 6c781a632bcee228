package libcontainer

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
)

// procStat is what oci-run needs from /proc/PID/stat.
type procStat struct {
	State     byte   // R, S, D, Z, T, ...
	StartTime uint64 // clock ticks after boot
}

// readProcStat parses /proc/PID/stat. The comm field may hold spaces and
// parentheses, so fields are counted from the last ')'.
func readProcStat(pid int) (procStat, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return procStat{}, err
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 || i+2 >= len(b) {
		return procStat{}, fmt.Errorf("parse /proc/%d/stat: no comm field", pid)
	}
	fields := bytes.Fields(b[i+2:])
	// fields[0] is field 3 (state); starttime is field 22 -> fields[19].
	if len(fields) < 20 {
		return procStat{}, fmt.Errorf("parse /proc/%d/stat: %d fields", pid, len(fields)+2)
	}
	st, err := strconv.ParseUint(string(fields[19]), 10, 64)
	if err != nil {
		return procStat{}, fmt.Errorf("parse /proc/%d/stat starttime: %w", pid, err)
	}
	return procStat{State: fields[0][0], StartTime: st}, nil
}

// pidAlive reports whether pid is the same live (not zombie) process that
// started at startTime.
func pidAlive(pid int, startTime uint64) bool {
	if pid <= 0 {
		return false
	}
	st, err := readProcStat(pid)
	if err != nil {
		return false
	}
	return st.StartTime == startTime && st.State != 'Z' && st.State != 'X'
}
