package integration

import (
	"debug/elf"
	"fmt"
	"os"
	"path/filepath"
	"testing"

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
	os.Exit(m.Run())
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
