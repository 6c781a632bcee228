// Package fscommon holds what every cgroup driver shares: safe access to
// files under a hierarchy's mount point, parsing of cgroup files, the
// statistics types and the typed errors. The cgroups package re-exports the
// public names; drivers import this package directly so that the cgroups
// package can import the drivers without a cycle.
package fscommon

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors, for errors.Is. Drivers wrap them with the path and value
// concerned.
var (
	// ErrNotExist: the cgroup directory does not exist.
	ErrNotExist = errors.New("cgroup does not exist")
	// ErrNotSupported: the configuration asks for something this kernel or
	// hierarchy does not provide (a missing file or controller).
	ErrNotSupported = errors.New("not supported by this kernel or cgroup hierarchy")
	// ErrHasProcesses: the cgroup still has processes (Destroy), or a new
	// container was asked to use a cgroup that is already in use (Apply).
	ErrHasProcesses = errors.New("cgroup has processes")
	// ErrFrozen: a new container was asked to use a frozen cgroup.
	ErrFrozen = errors.New("cgroup is frozen")
	// ErrFrozenOrBusy matches both ErrHasProcesses and ErrFrozen.
	ErrFrozenOrBusy = errors.New("cgroup is frozen or busy")
	// ErrInvalid: a value or name in the configuration is not acceptable.
	ErrInvalid = errors.New("invalid cgroup configuration")
	// ErrTimeout: the kernel did not reach the wanted state in time.
	ErrTimeout = errors.New("timed out waiting for the cgroup")
	// ErrSystemdUnsupported: the systemd cgroup driver is not available.
	ErrSystemdUnsupported = errors.New("systemd cgroup driver is not supported")
)

// BusyError reports a cgroup that cannot be used or removed because of its
// state. It matches ErrFrozenOrBusy and Reason (ErrHasProcesses or ErrFrozen).
type BusyError struct {
	Path   string
	Reason error
	Pids   []int
}

func (e *BusyError) Error() string {
	if len(e.Pids) > 0 {
		return fmt.Sprintf("%s: %v (pids %v)", e.Path, e.Reason, e.Pids)
	}
	return fmt.Sprintf("%s: %v", e.Path, e.Reason)
}

// Is matches ErrFrozenOrBusy as well as the reason.
func (e *BusyError) Is(target error) bool {
	return target == ErrFrozenOrBusy || target == e.Reason
}

// FileError is a failed read or write of one cgroup file. Its message names
// the file and the value: "/sys/fs/cgroup/memory/c1/memory.limit_in_bytes:
// write 4096: device or resource busy". It unwraps to the errno, so
// errors.Is(err, unix.EBUSY) and errors.Is(err, fs.ErrNotExist) work.
type FileError struct {
	Op    string // "open", "read", "write", "mkdir", "remove"
	Path  string
	Value string // written value, for Op "write"
	Err   error
}

func (e *FileError) Error() string {
	if e.Op == "write" {
		v := e.Value
		if v == "" || strings.ContainsAny(v, " \t\n") {
			v = fmt.Sprintf("%q", v)
		}
		return fmt.Sprintf("%s: write %s: %v", e.Path, v, e.Err)
	}
	return fmt.Sprintf("%s: %s: %v", e.Path, e.Op, e.Err)
}

// Unwrap returns the underlying error (usually a unix.Errno).
func (e *FileError) Unwrap() error { return e.Err }

// Unsupported returns an error matching ErrNotSupported that names the
// file the configuration needs and what asked for it.
func Unsupported(path, what string) error {
	return fmt.Errorf("%s: %s: %w", path, what, ErrNotSupported)
}
