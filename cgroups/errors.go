package cgroups

import "github.com/oci-run/oci-run/cgroups/fscommon"

// Errors, for errors.Is; see fscommon for what each means. Drivers wrap
// them with the file and value concerned.
var (
	ErrNotExist           = fscommon.ErrNotExist
	ErrNotSupported       = fscommon.ErrNotSupported
	ErrHasProcesses       = fscommon.ErrHasProcesses
	ErrFrozen             = fscommon.ErrFrozen
	ErrFrozenOrBusy       = fscommon.ErrFrozenOrBusy
	ErrInvalid            = fscommon.ErrInvalid
	ErrTimeout            = fscommon.ErrTimeout
	ErrSystemdUnsupported = fscommon.ErrSystemdUnsupported
)

type (
	// FileError is a failed read or write of one cgroup file, naming the
	// file and value; it unwraps to the errno.
	FileError = fscommon.FileError
	// BusyError is a cgroup in use (processes, frozen); it matches
	// ErrFrozenOrBusy and its Reason.
	BusyError = fscommon.BusyError
)
