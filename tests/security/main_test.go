package security

import (
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/oci-run/oci-run/tests/internal/testbundle"
)

// busyboxPath is the static busybox copied into every test rootfs.
const busyboxPath = "/bin/busybox"

// runtimeBin is the binary under test (OCIRUN_BIN, default <repo>/bin/oci-run)
// and runtimeHash its sha256 when the suite started: every case checks that
// no container managed to write to it.
var (
	runtimeBin  string
	runtimeHash string
	// cliPids holds the pids of processes started with exec.Cmd that
	// the reaper must leave to Cmd.Wait.
	// startMu is held from exec.Cmd.Start to cliPids.Store, so that
	// the reaper never takes a CLI that exited at once.
	cliPids sync.Map
	startMu sync.Mutex
)

func TestMain(m *testing.M) {
	if msg := preflight(); msg != "" {
		fmt.Fprintf(os.Stderr, "FAIL: security tests cannot run: %s\n", msg)
		os.Exit(1)
	}
	// Detached containers are orphaned when the CLI exits, and so is an
	// init whose `create` was killed: as a child subreaper this process
	// adopts them and must reap them (see reapOrphans).
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		fmt.Fprintf(os.Stderr, "FAIL: PR_SET_CHILD_SUBREAPER: %v\n", err)
		os.Exit(1)
	}
	go reapOrphans()
	code := m.Run()
	if h, err := fileHash(runtimeBin); err != nil || h != runtimeHash {
		fmt.Fprintf(os.Stderr, "FAIL: the runtime binary %s changed during the suite (sha256 %s -> %s, %v)\n",
			runtimeBin, runtimeHash, h, err)
		code = 1
	}
	os.Exit(code)
}

// reapOrphans reaps every adopted zombie. A killed PID namespace init cannot
// finish dying until all processes of its namespace are reaped, so a
// subreaper that does not reap makes `delete -f` hang. The runtime CLI
// processes this binary started itself are left to exec.Cmd.Wait
// (registered in cliPids while they run).
func reapOrphans() {
	testbundle.ReapOrphans(func(pid int) bool {
		startMu.Lock()
		defer startMu.Unlock()
		_, ours := cliPids.Load(pid)
		return ours
	})
}

// preflight returns what is missing, or "". Missing prerequisites are
// failures, never skips.
func preflight() string {
	if os.Geteuid() != 0 {
		return fmt.Sprintf("they must run as root (euid is %d)", os.Geteuid())
	}
	bin := os.Getenv("OCIRUN_BIN")
	if bin == "" {
		bin = filepath.Join("..", "..", "bin", "oci-run")
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
	if runtimeHash, err = fileHash(abs); err != nil {
		return err.Error()
	}
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

// fileHash returns the hex sha256 of a file's content.
func fileHash(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
