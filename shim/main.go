package shim

import (
	"fmt"
	"io"
	"os"
)

// Version is the shim's version, reported by -v and Connect.
const Version = "0.1.0-dev"

// Main runs the shim with args (without argv[0]) and returns the process's
// exit code. The binary's main must have handled the container init
// re-exec (libcontainer.IsInit) before calling it.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	f, err := ParseFlags(args, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "containerd-shim-ocirun-v2:", err)
		return 1
	}
	if f.Version {
		fmt.Fprintf(stdout, "containerd-shim-ocirun-v2:\n  Version: %s\n", Version)
		return 0
	}
	switch f.Action {
	case "start":
		err = Start(f, stdout)
	case "delete":
		err = Delete(f, stdout)
	default:
		err = RunDaemon(f)
	}
	if err != nil {
		fmt.Fprintf(stderr, "containerd-shim-ocirun-v2 %s: %v\n", actionName(f.Action), err)
		return 1
	}
	return 0
}

func actionName(a string) string {
	if a == "" {
		return "daemon"
	}
	return a
}

// exePath is the binary to re-exec as the daemon.
func exePath() (string, error) {
	p, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("find own binary: %w", err)
	}
	return p, nil
}
