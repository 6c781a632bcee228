package integration

import (
	"debug/elf"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// busyboxPath is the static busybox copied into every test rootfs.
const busyboxPath = "/bin/busybox"

// runtimeBin is the binary under test, resolved once by TestMain.
var runtimeBin string

func TestMain(m *testing.M) {
	if msg := preflight(); msg != "" {
		fmt.Fprintf(os.Stderr, "FAIL: integration tests cannot run: %s\n", msg)
		os.Exit(1)
	}
	// Containers started with create/run -d are orphaned when the CLI exits.
	// As a child subreaper this process inherits them and reaps them in the
	// leak checker instead of leaving zombies under a PID 1 that may not reap.
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		fmt.Fprintf(os.Stderr, "FAIL: PR_SET_CHILD_SUBREAPER: %v\n", err)
		os.Exit(1)
	}
	go reapOrphans()
	os.Exit(m.Run())
}

// reapOrphans is what a subreaper owes its adopted children (containerd's
// shim and conmon do the same): it reaps every orphaned zombie, such as a
// detached container's processes. It must: a PID namespace's init that is
// killed cannot finish dying until every process of its namespace has been
// reaped. It leaves alone the runtime CLI processes this test binary
// started itself, whose exit status exec.Cmd.Wait collects.
func reapOrphans() {
	cli := filepath.Base(runtimeBin)
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
		// For SIGCHLD the union after the first 16 bytes starts with si_pid.
		pid := int(*(*int32)(unsafe.Pointer(uintptr(unsafe.Pointer(&info)) + 16)))
		if pid <= 0 {
			time.Sleep(20 * time.Millisecond)
			continue
		}
		if comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid)); err == nil &&
			strings.HasPrefix(cli, strings.TrimSpace(string(comm))) {
			// One of ours: exec.Cmd.Wait will reap it.
			time.Sleep(5 * time.Millisecond)
			continue
		}
		var ws unix.WaitStatus
		unix.Wait4(pid, &ws, unix.WNOHANG, nil)
	}
}

// preflight returns a description of what is missing, or "" when the suite
// can run. Missing prerequisites are failures, never skips.
func preflight() string {
	if os.Geteuid() != 0 {
		return fmt.Sprintf("they must run as root (euid is %d): run `sudo make integration`", os.Geteuid())
	}
	bin := os.Getenv("OCIRUN_BIN")
	if bin == "" {
		p, err := filepath.Abs(filepath.Join("..", "..", "bin", "oci-run"))
		if err != nil {
			return err.Error()
		}
		bin = p
	}
	abs, err := filepath.Abs(bin)
	if err != nil {
		return err.Error()
	}
	st, err := os.Stat(abs)
	if err != nil {
		return fmt.Sprintf("runtime binary %s (OCIRUN_BIN) not usable: %v; run `make build` or set OCIRUN_BIN", abs, err)
	}
	if st.IsDir() || st.Mode().Perm()&0o111 == 0 {
		return fmt.Sprintf("runtime binary %s (OCIRUN_BIN) is not an executable file", abs)
	}
	runtimeBin = abs

	f, err := elf.Open(busyboxPath)
	if err != nil {
		return fmt.Sprintf("%s: %v (install Debian's busybox-static)", busyboxPath, err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return fmt.Sprintf("%s is dynamically linked; install Debian's busybox-static", busyboxPath)
		}
	}
	return ""
}
