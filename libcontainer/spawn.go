package libcontainer

import (
	"fmt"
	"os"
	"runtime"
	"syscall"

	"golang.org/x/sys/unix"
)

// startChild starts path with args and env: stdio (nil entries get
// /dev/null) as fds 0-2, extra as fds 3, 4, ...; attr for namespaces and
// credentials. It returns the child's pid once execve has succeeded.
//
// It calls syscall.ForkExec directly rather than os/exec: the first
// os.StartProcess of a process forks and reaps a throwaway child to probe
// for pidfd support, ~0.5 ms here on every create and exec, and the
// library opens its own pidfd anyway.
func startChild(path string, args, env []string, stdio [3]*os.File, extra []*os.File, attr *syscall.SysProcAttr) (int, error) {
	files := make([]uintptr, 0, 3+len(extra))
	var devNull *os.File
	for _, f := range stdio {
		if f == nil {
			if devNull == nil {
				var err error
				if devNull, err = os.OpenFile(os.DevNull, os.O_RDWR, 0); err != nil {
					return 0, fmt.Errorf("open %s: %w", os.DevNull, err)
				}
				defer devNull.Close()
			}
			f = devNull
		}
		files = append(files, f.Fd())
	}
	for _, f := range extra {
		files = append(files, f.Fd())
	}
	pid, err := syscall.ForkExec(path, args, &syscall.ProcAttr{Env: env, Files: files, Sys: attr})
	runtime.KeepAlive(stdio)
	runtime.KeepAlive(extra)
	if err != nil {
		return 0, err
	}
	return pid, nil
}

// waitPid waits for the child (or, as its subreaper, the descendant) pid
// to exit and returns its status.
func waitPid(pid int) (unix.WaitStatus, error) {
	var ws unix.WaitStatus
	for {
		_, err := unix.Wait4(pid, &ws, 0, nil)
		if err != unix.EINTR {
			return ws, err
		}
	}
}

// reapChild waits for our child pid and fails unless it exited 0.
func reapChild(pid int) error {
	ws, err := waitPid(pid)
	if err != nil {
		return fmt.Errorf("wait for %d: %w", pid, err)
	}
	if !ws.Exited() || ws.ExitStatus() != 0 {
		return fmt.Errorf("%s", describeStatus(ws))
	}
	return nil
}
