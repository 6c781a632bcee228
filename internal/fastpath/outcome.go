//go:build cgo

package fastpath

/*
#include "fastpath.h"
*/
import "C"

import (
	"syscall"
	"unsafe"
)

// Outcome is what a fast `start` (or `state`) left for Go to report.
type Outcome struct {
	Kind Kind
	Err  syscall.Errno // for OpenFifo, ReadFifo, RemoveFifo, WriteStdout
	Path string        // the exec fifo
	Msg  []byte        // for InitError: what the init wrote on the fifo
}

// Kind says what happened.
type Kind int

// Outcome kinds (fastpath.h).
const (
	OpenFifo    Kind = C.OCIRUN_FAST_OPEN_FIFO
	ReadFifo    Kind = C.OCIRUN_FAST_READ_FIFO
	Exited      Kind = C.OCIRUN_FAST_EXITED
	InitError   Kind = C.OCIRUN_FAST_INIT_ERROR
	RemoveFifo  Kind = C.OCIRUN_FAST_REMOVE_FIFO
	WriteStdout Kind = C.OCIRUN_FAST_WRITE_STDOUT
)

// Taken reports whether the C half already did the command, up to an
// outcome that Go must report.
func Taken() (Outcome, bool) {
	o := &C.ocirun_fast_outcome
	if o.kind == C.OCIRUN_FAST_NONE {
		return Outcome{}, false
	}
	n := int(o.len)
	return Outcome{
		Kind: Kind(o.kind),
		Err:  syscall.Errno(o.err),
		Path: C.GoString(&o.path[0]),
		Msg:  C.GoBytes(unsafe.Pointer(&o.msg[0]), C.int(n)),
	}, true
}
