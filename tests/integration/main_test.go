package integration

import (
	"debug/elf"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/oci-run/oci-run/tests/internal/testbundle"
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

// reapOrphans reaps the orphans this subreaper adopts, leaving alone the
// children this test binary waits for itself (exec.Cmd.Wait collects their
// status): runtime CLI processes, by command name, and what startOwn
// started.
func reapOrphans() {
	cli := filepath.Base(runtimeBin)
	testbundle.ReapOrphans(func(pid int) bool {
		ownMu.Lock()
		_, own := ownPids.Load(pid)
		ownMu.Unlock()
		if own {
			return true
		}
		comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
		return err == nil && strings.HasPrefix(cli, strings.TrimSpace(string(comm)))
	})
}

// ownMu and ownPids: see startOwn.
var (
	ownMu   sync.Mutex
	ownPids sync.Map
)

// startOwn starts cmd and marks it as one the test waits for, so the
// reaper leaves it (the lock closes the window between start and mark).
func startOwn(cmd *exec.Cmd) error {
	ownMu.Lock()
	defer ownMu.Unlock()
	if err := cmd.Start(); err != nil {
		return err
	}
	ownPids.Store(cmd.Process.Pid, true)
	return nil
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
