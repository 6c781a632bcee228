package seccomp

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// Questions to the running kernel. None of them installs anything.

// kernelHasAction reports whether the kernel knows a SECCOMP_RET_* action
// (seccomp(SECCOMP_GET_ACTION_AVAIL), Linux 4.14+; older kernels fail the
// question, and know only the actions that predate it).
func kernelHasAction(ret uint32) bool {
	_, _, errno := unix.Syscall(unix.SYS_SECCOMP, unix.SECCOMP_GET_ACTION_AVAIL, 0, uintptr(unsafe.Pointer(&ret)))
	if errno == 0 {
		return true
	}
	switch ret {
	case unix.SECCOMP_RET_KILL_THREAD, unix.SECCOMP_RET_TRAP, unix.SECCOMP_RET_ERRNO,
		unix.SECCOMP_RET_TRACE, unix.SECCOMP_RET_ALLOW:
		// Only a kernel without SECCOMP_GET_ACTION_AVAIL (or without
		// seccomp filters at all, which kernelHasFlags(0) tells) fails here.
		return errno == unix.EINVAL
	}
	return false
}

// kernelHasFlags reports whether seccomp(SECCOMP_SET_MODE_FILTER) accepts
// this combination of SECCOMP_FILTER_FLAG_* bits. Given no program, the
// kernel checks the flags first (EINVAL for unknown flags or a combination
// it refuses) and only then fails to read the program (EFAULT), so nothing
// is installed. kernelHasFlags(0) tells whether seccomp filters work at all.
func kernelHasFlags(bits uintptr) bool {
	_, _, errno := unix.RawSyscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, bits, 0)
	return errno == unix.EFAULT
}
