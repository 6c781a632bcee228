//go:build !cgo

package fastpath

import "syscall"

// Without cgo there is no C half: nothing is ever taken.

// Outcome is what a fast command left for Go to report.
type Outcome struct {
	Kind Kind
	Err  syscall.Errno
	Path string
	Msg  []byte
}

// Kind says what happened.
type Kind int

// Outcome kinds.
const (
	OpenFifo Kind = iota + 1
	ReadFifo
	Exited
	InitError
	RemoveFifo
	WriteStdout
)

// Taken reports false: there is no fast path without cgo.
func Taken() (Outcome, bool) { return Outcome{}, false }

// BlockedSignals reports 0: without cgo nothing is blocked before Go
// starts.
func BlockedSignals() uint64 { return 0 }
