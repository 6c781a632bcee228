// Package clients drives oci-run with real container managers from
// Debian's packages, each with its own private paths (never a system
// instance): containerd through its runc shim (--runc-binary) and through
// oci-run's own shim (containerd-shim-ocirun-v2).
package clients

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

var runtimeBin string

// shimBin is oci-run's containerd shim (OCIRUN_SHIM_BIN, default
// bin/containerd-shim-ocirun-v2 in the repository).
var shimBin string

func TestMain(m *testing.M) {
	if os.Geteuid() != 0 {
		fmt.Fprintln(os.Stderr, "FAIL: the client tests start containers and must run as root")
		os.Exit(1)
	}
	runtimeBin = os.Getenv("OCIRUN_BIN")
	if runtimeBin == "" {
		wd, _ := os.Getwd()
		runtimeBin = filepath.Join(wd, "..", "..", "bin", "oci-run")
	}
	if _, err := os.Stat(runtimeBin); err != nil {
		fmt.Fprintf(os.Stderr, "FAIL: runtime binary %s: %v (run make build)\n", runtimeBin, err)
		os.Exit(1)
	}
	shimBin = os.Getenv("OCIRUN_SHIM_BIN")
	if shimBin == "" {
		shimBin = filepath.Join(filepath.Dir(runtimeBin), "containerd-shim-ocirun-v2")
	}
	if _, err := os.Stat(shimBin); err != nil {
		fmt.Fprintf(os.Stderr, "FAIL: shim binary %s: %v (run make build)\n", shimBin, err)
		os.Exit(1)
	}
	for _, bin := range []string{"containerd", "ctr", "containerd-shim-runc-v2"} {
		if _, err := exec.LookPath(bin); err != nil {
			fmt.Fprintf(os.Stderr, "FAIL: %s missing (apt-get install containerd)\n", bin)
			os.Exit(1)
		}
	}
	os.Exit(m.Run())
}
