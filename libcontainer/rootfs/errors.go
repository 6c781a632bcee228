package rootfs

import (
	"errors"
	"fmt"
)

// MountError is the error of one mount-related step. It names the mount's
// source, destination and filesystem type, and wraps the cause, so that
// errors.Is(err, unix.EPERM) and errors.As(err, &*MountError) both work.
type MountError struct {
	// Op is the step that failed: "mount", "bind", "mask", "readonly",
	// "remount", "device", "symlink", "pivot_root", ...
	Op     string
	Source string
	Dest   string
	Type   string
	Err    error
}

func (e *MountError) Error() string {
	s := e.Op
	if e.Source != "" {
		s += " " + e.Source
	}
	if e.Dest != "" {
		if e.Source != "" {
			s += " on"
		}
		s += " " + e.Dest
	}
	if e.Type != "" {
		s += " (" + e.Type + ")"
	}
	return s + ": " + e.Err.Error()
}

func (e *MountError) Unwrap() error { return e.Err }

// Sentinel causes wrapped by MountError, usable with errors.Is.
var (
	// ErrSymlinkDest: procfs and sysfs must be mounted on a real directory
	// (CVE-2019-16884, CVE-2019-19921).
	ErrSymlinkDest = errors.New("destination must be a real directory, not a symlink")
	// ErrProcDest: only a few lxcfs-style files may be mounted under /proc.
	ErrProcDest = errors.New("mounting under /proc is not allowed")
	// ErrNotProc: a bind mount onto /proc must come from a procfs.
	ErrNotProc = errors.New("source is not a procfs")
	// ErrNotDevNull: the file used to mask paths is not the null device
	// (CVE-2025-31133).
	ErrNotDevNull = errors.New("not the null device (char 1:3)")
	// ErrDevSymlink: the container's /dev is a symlink.
	ErrDevSymlink = errors.New("/dev must be a real directory, not a symlink")
	// ErrNotProcfs: a procfs handle failed verification (CVE-2025-52881).
	ErrNotProcfs = errors.New("not a procfs")
	// ErrIDMapUnsupported: the kernel or configuration cannot do an
	// idmapped mount.
	ErrIDMapUnsupported = errors.New("idmapped mounts are not supported")
)

// mountErr builds a MountError, with an optional context for the cause.
func mountErr(op, src, dest, typ string, err error, context string) error {
	if context != "" {
		err = fmt.Errorf("%s: %w", context, err)
	}
	return &MountError{Op: op, Source: src, Dest: dest, Type: typ, Err: err}
}
