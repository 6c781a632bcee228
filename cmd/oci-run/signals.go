package main

import (
	"encoding/binary"
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/oci-run/oci-run/internal/fastpath"
)

// catchSignals returns the channel a foreground run or exec forwards
// signals from (forwardSignals).
//
// os/signal registers a signal with a round trip to a goroutine locked to
// its own thread: two thread handoffs, ~60 of them for every signal. So
// when the C half blocked the forwarded signals before Go started
// (internal/fastpath, sigblock.c), they wait as pending signals of the
// process and are read from a signalfd. Only the five the Go runtime
// unblocks in its threads (unblocked) go through os/signal. Otherwise
// every signal is registered with os/signal. Either way registering runs
// in a goroutine, so it overlaps the container's creation.
func catchSignals() <-chan os.Signal {
	sigs := make(chan os.Signal, 64)
	if blocked := fastpath.BlockedSignals(); blocked != 0 {
		if err := readSignalfd(blocked, sigs); err == nil {
			go signal.Notify(sigs, unblocked...)
			return sigs
		}
		// Without a signalfd the blocked signals would never be seen;
		// registering them makes Go's signal thread take them.
	}
	go signal.Notify(sigs)
	return sigs
}

// unblocked are the signals the Go runtime unblocks in every thread it
// starts (a Go program that does not catch them dies or dumps its
// goroutines), so blocking them before Go starts does not hold them.
var unblocked = []os.Signal{unix.SIGHUP, unix.SIGINT, unix.SIGQUIT, unix.SIGABRT, unix.SIGTERM}

// signalfdInfoSize is the size of struct signalfd_siginfo.
const signalfdInfoSize = 128

// readSignalfd opens a signalfd for the signals in mask (bit n-1 for
// signal n) and sends each one read to sigs.
func readSignalfd(mask uint64, sigs chan<- os.Signal) error {
	var set unix.Sigset_t
	set.Val[0] = mask
	fd, err := unix.Signalfd(-1, &set, unix.SFD_CLOEXEC|unix.SFD_NONBLOCK)
	if err != nil {
		return os.NewSyscallError("signalfd", err)
	}
	f := os.NewFile(uintptr(fd), "signalfd")
	go func() {
		defer f.Close()
		buf := make([]byte, 16*signalfdInfoSize)
		for {
			n, err := f.Read(buf)
			if err != nil {
				return
			}
			for off := 0; off+signalfdInfoSize <= n; off += signalfdInfoSize {
				sigs <- syscall.Signal(binary.NativeEndian.Uint32(buf[off:]))
			}
		}
	}()
	return nil
}
