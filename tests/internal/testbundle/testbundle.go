// Package testbundle holds what the root test suites (tests/integration,
// tests/security, ...) share: a busybox rootfs builder and the reaper a
// subreaper test binary needs.
package testbundle

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Busybox is Debian busybox-static's binary, copied into every rootfs.
const Busybox = "/bin/busybox"

// MakeRootfs creates a busybox rootfs at dir: bin/busybox with a link per
// applet, the usual mount points (tmp sticky and world-writable) and any
// extra directories.
func MakeRootfs(dir string, applets []string, extraDirs ...string) error {
	for _, d := range append([]string{"bin", "proc", "sys", "dev", "tmp", "etc", "out"}, extraDirs...) {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			return err
		}
	}
	if err := os.Chmod(filepath.Join(dir, "tmp"), 0o1777); err != nil {
		return err
	}
	if err := CopyFile(Busybox, filepath.Join(dir, "bin", "busybox"), 0o755); err != nil {
		return fmt.Errorf("copy %s: %w", Busybox, err)
	}
	for _, a := range applets {
		if err := os.Symlink("busybox", filepath.Join(dir, "bin", a)); err != nil {
			return err
		}
	}
	return nil
}

// CopyFile copies src to a new file dst with mode.
func CopyFile(src, dst string, mode os.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// ReapOrphans is what a child subreaper owes the processes it adopts
// (containerd's shim and conmon do the same): it reaps every zombie child
// for which ours returns false, forever. It must: a PID namespace's init
// that is killed cannot finish dying until every process of its namespace
// has been reaped. ours marks the children the caller waits for itself
// (exec.Cmd.Wait must get their status). Run it in a goroutine.
func ReapOrphans(ours func(pid int) bool) {
	for {
		var info unix.Siginfo
		err := unix.Waitid(unix.P_ALL, 0, &info, unix.WEXITED|unix.WNOWAIT, nil)
		if err == unix.EINTR {
			continue
		}
		if err != nil { // ECHILD: nothing to wait for yet
			time.Sleep(20 * time.Millisecond)
			continue
		}
		// For SIGCHLD the union after the 16-byte header starts with si_pid.
		pid := int(*(*int32)(unsafe.Pointer(uintptr(unsafe.Pointer(&info)) + 16)))
		if pid <= 0 || ours(pid) {
			time.Sleep(5 * time.Millisecond)
			continue
		}
		var ws unix.WaitStatus
		unix.Wait4(pid, &ws, unix.WNOHANG, nil)
	}
}
