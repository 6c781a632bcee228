package seccomp

import (
	"fmt"
	"strings"

	"golang.org/x/sys/unix"
)

// loadFlags turns the profile's flags into the seccomp(2) flags Load uses,
// and checks that the running kernel accepts each of them and their
// combination.
//
//   - SECCOMP_FILTER_FLAG_TSYNC synchronizes every thread of the process
//     to the filter; with notify rules it needs TSYNC_ESRCH (Linux 5.7+),
//     since TSYNC and NEW_LISTENER report through the same return value.
//   - SECCOMP_FILTER_FLAG_LOG and SPEC_ALLOW are passed as they are.
//   - SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV only changes how notifications
//     wait, and the kernel refuses it without a listener: it is checked,
//     and passed only when the filter has notify rules.
//   - NEW_LISTENER is added when the filter has notify rules.
func loadFlags(names []string, notify bool) (uintptr, error) {
	var bits uintptr
	for _, name := range names {
		bit, err := parseFlag(name)
		if err != nil {
			return 0, fmt.Errorf("seccomp: %w", err)
		}
		probe := bit
		if bit == unix.SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV {
			probe |= unix.SECCOMP_FILTER_FLAG_NEW_LISTENER
		}
		if !kernelHasFlags(probe) {
			return 0, fmt.Errorf("seccomp: flag %s is not supported by this kernel", name)
		}
		bits |= bit
	}
	if notify {
		bits |= unix.SECCOMP_FILTER_FLAG_NEW_LISTENER
		if bits&unix.SECCOMP_FILTER_FLAG_TSYNC != 0 {
			bits |= unix.SECCOMP_FILTER_FLAG_TSYNC_ESRCH
		}
	} else {
		bits &^= unix.SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
	}
	if !kernelHasFlags(bits) {
		return 0, fmt.Errorf("seccomp: this kernel refuses the flags %s together", describeFlags(bits))
	}
	return bits, nil
}

// describeFlags names the seccomp(2) flag bits, for errors.
func describeFlags(bits uintptr) string {
	var names []string
	for _, f := range flags() {
		if bits&f.bit != 0 {
			names = append(names, f.name)
		}
	}
	if bits&unix.SECCOMP_FILTER_FLAG_NEW_LISTENER != 0 {
		names = append(names, "SECCOMP_FILTER_FLAG_NEW_LISTENER (for SCMP_ACT_NOTIFY)")
	}
	if bits&unix.SECCOMP_FILTER_FLAG_TSYNC_ESRCH != 0 {
		names = append(names, "SECCOMP_FILTER_FLAG_TSYNC_ESRCH (for TSYNC with SCMP_ACT_NOTIFY)")
	}
	return strings.Join(names, ", ")
}
