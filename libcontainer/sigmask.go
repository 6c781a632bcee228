package libcontainer

import (
	"runtime"

	"golang.org/x/sys/unix"
)

// startUnblocked calls start, which starts a child process (a hook, an id
// mapping helper), so that the child begins with no signal blocked. A
// child inherits the mask of the thread that forks it, and the oci-run CLI
// blocks the signals it forwards in every thread (internal/fastpath,
// sigblock.c); a hook that started a daemon would otherwise leave it
// deaf to SIGTERM. The container's own processes are handled by the init,
// which empties its mask first thing (nsenter).
//
// When the calling thread blocks nothing it only calls start. Otherwise
// the goroutine is locked to its thread, whose mask is emptied for the
// fork and restored after it. A signal the process blocks that arrives in
// that window may be taken by this thread: Go handles it as in any Go
// program (delivered if registered with os/signal, else ignored or
// fatal by its default).
func startUnblocked(start func() error) error {
	var cur unix.Sigset_t
	if err := unix.PthreadSigmask(unix.SIG_SETMASK, nil, &cur); err != nil || cur == (unix.Sigset_t{}) {
		return start()
	}
	runtime.LockOSThread()
	var none unix.Sigset_t
	if err := unix.PthreadSigmask(unix.SIG_SETMASK, &none, &cur); err != nil {
		runtime.UnlockOSThread()
		return start()
	}
	err := start()
	if unix.PthreadSigmask(unix.SIG_SETMASK, &cur, nil) == nil {
		runtime.UnlockOSThread()
	}
	// If the mask could not be restored the goroutine stays locked, and
	// its thread ends with it instead of running other goroutines.
	return err
}
