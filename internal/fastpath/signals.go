//go:build cgo

package fastpath

/*
#include "fastpath.h"
*/
import "C"

// BlockedSignals returns the signals the C half blocked before the Go
// runtime started (sigblock.c), bit n-1 for signal n: a foreground `run`
// or `exec` must then read them from a signalfd and must not use
// os/signal for them. 0 when none were blocked.
func BlockedSignals() uint64 { return uint64(C.ocirun_blocked_signals) }
