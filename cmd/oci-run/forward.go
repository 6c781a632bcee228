package main

import (
	"os"

	"golang.org/x/sys/unix"
)

// forwardSignals relays the signals oci-run receives to a foreground
// container process (as runc does) until wait returns its status; a
// terminal's size follows SIGWINCH. It ignores the signals that concern
// oci-run itself (child exits, Go's preemption, broken pipes).
func forwardSignals(sigs <-chan os.Signal, tty *ttyRelay, send func(unix.Signal), wait func() unix.WaitStatus) unix.WaitStatus {
	done := make(chan unix.WaitStatus, 1)
	go func() { done <- wait() }()
	for {
		select {
		case ws := <-done:
			if tty != nil {
				tty.drain()
			}
			return ws
		case s := <-sigs:
			sig := s.(unix.Signal)
			switch sig {
			case unix.SIGCHLD, unix.SIGURG, unix.SIGPIPE:
			case unix.SIGWINCH:
				if tty != nil {
					tty.resize()
				}
			default:
				send(sig)
			}
		}
	}
}
