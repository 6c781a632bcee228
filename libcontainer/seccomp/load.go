package seccomp

import (
	"errors"
	"fmt"
	"runtime"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Load installs the filter with one seccomp(2) call. Without
// SECCOMP_FILTER_FLAG_TSYNC the filter applies to the calling OS thread
// only: the caller must hold runtime.LockOSThread and execve from that
// thread. The thread needs no_new_privs or CAP_SYS_ADMIN.
//
// When the filter has SCMP_ACT_NOTIFY rules, Load returns the new notify
// fd (close-on-exec, owned by the caller: pass it on with SendNotify, then
// close it); otherwise it returns -1. Load may be called more than once
// (each call stacks another copy of the filter), never after Release.
func (f *Filter) Load() (notifyFD int, err error) {
	if f == nil || f.prog == nil {
		return -1, errors.New("seccomp: loading a released or empty filter")
	}
	prog := unix.SockFprog{Len: uint16(len(f.prog)), Filter: &f.prog[0]}
	r, _, errno := unix.Syscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, f.flags, uintptr(unsafe.Pointer(&prog)))
	runtime.KeepAlive(f.prog)
	if errno != 0 {
		return -1, loadError(errno, f.flags)
	}
	if f.flags&unix.SECCOMP_FILTER_FLAG_NEW_LISTENER != 0 {
		return int(r), nil
	}
	if r != 0 {
		// With TSYNC (and no TSYNC_ESRCH) the kernel reports a thread
		// it could not synchronize by returning its id; nothing was
		// installed.
		return -1, fmt.Errorf("seccomp: loading filter with %s: thread %d cannot be synchronized", FlagTsync, r)
	}
	return -1, nil
}

func loadError(errno unix.Errno, flags uintptr) error {
	switch {
	case errno == unix.EACCES:
		return fmt.Errorf("seccomp: loading filter: %w (the thread needs no_new_privs or CAP_SYS_ADMIN)", errno)
	case errno == unix.ESRCH && flags&unix.SECCOMP_FILTER_FLAG_TSYNC != 0:
		return fmt.Errorf("seccomp: loading filter with %s: %w (another thread cannot be synchronized)", FlagTsync, errno)
	case errno == unix.EBUSY && flags&unix.SECCOMP_FILTER_FLAG_NEW_LISTENER != 0:
		return fmt.Errorf("seccomp: loading filter: %w (the thread already has a filter with a notify listener)", errno)
	}
	return fmt.Errorf("seccomp: loading filter (flags %s): %w", describeFlags(flags), errno)
}

// Release drops the compiled program. The Filter holds only Go memory, so
// Release is optional; it makes a later Load fail instead of installing a
// filter the caller meant to discard.
func (f *Filter) Release() {
	if f != nil {
		f.prog = nil
	}
}
