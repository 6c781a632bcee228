package libcontainer

import (
	"errors"
	"fmt"
	"time"

	"golang.org/x/sys/unix"
)

// openPidfd opens a pidfd for pid and checks it is still the process that
// started at startTime (so a recycled pid is never signalled).
func openPidfd(pid int, startTime uint64) (int, error) {
	fd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		if errors.Is(err, unix.ESRCH) {
			return -1, ErrNotRunning
		}
		return -1, fmt.Errorf("pidfd_open %d: %w", pid, err)
	}
	// The pidfd pins the process: if /proc still shows the right start
	// time now, the fd refers to the init.
	if !pidAlive(pid, startTime) {
		unix.Close(fd)
		return -1, ErrNotRunning
	}
	return fd, nil
}

// waitPidfdExit waits until the process behind the pidfd exits (a zombie
// counts as exited) or the timeout passes (a negative timeout: no limit);
// it reports whether it exited.
func waitPidfdExit(fd int, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for {
		ms := -1
		if timeout >= 0 {
			ms = max(int(time.Until(deadline)/time.Millisecond), 0)
		}
		fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
		n, err := unix.Poll(fds, ms)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return false
		}
		return n > 0
	}
}
