package shim

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
)

// groupAnnotation puts containers with the same value in one shim, as
// containerd's runc shim does for a Kubernetes pod.
const groupAnnotation = "io.kubernetes.cri.sandbox-id"

// pidFile is the daemon's pid, in the bundle.
const pidFile = "shim.pid"

// Start is the "start" action: containerd runs it with the bundle as the
// working directory. It derives the socket address, reuses a shim already
// serving there or spawns the daemon (detached in its own session, with
// the listening socket as fd 3), writes the address file and prints the
// address on stdout.
func Start(f *Flags, stdout io.Writer) error {
	group, err := groupOf(f.Bundle, f.ID)
	if err != nil {
		return err
	}
	address := SocketAddress(DefaultSocketDir, f.Address, f.Namespace, group)
	l, reused, err := listenOrReuse(address)
	if err != nil {
		return err
	}
	if !reused {
		l.SetUnlinkOnClose(false) // the daemon owns the socket file now
		defer l.Close()
		pid, err := spawnDaemon(f, l)
		if err != nil {
			if p, e := socketPath(address); e == nil {
				os.Remove(p)
			}
			return err
		}
		if err := os.WriteFile(filepath.Join(f.Bundle, pidFile), []byte(strconv.Itoa(pid)), 0o644); err != nil {
			return fmt.Errorf("write %s: %w", pidFile, err)
		}
	}
	if err := writeAddress(f.Bundle, address); err != nil {
		return err
	}
	if _, err := io.WriteString(stdout, address); err != nil {
		return fmt.Errorf("print address: %w", err)
	}
	return nil
}

// groupOf reads the bundle's config.json for the group annotation; the
// container id is its own group otherwise.
func groupOf(bundle, id string) (string, error) {
	b, err := os.ReadFile(filepath.Join(bundle, "config.json"))
	if err != nil {
		return "", fmt.Errorf("read bundle config: %w", err)
	}
	var spec struct {
		Annotations map[string]string `json:"annotations"`
	}
	if err := json.Unmarshal(b, &spec); err != nil {
		return "", fmt.Errorf("parse bundle config: %w", err)
	}
	if g := spec.Annotations[groupAnnotation]; g != "" {
		return g, nil
	}
	return id, nil
}

type filer interface{ File() (*os.File, error) }

// spawnDaemon starts the daemon in its own session with the listener as
// fd 3 and no stdio (containerd reads start's stdout until EOF).
func spawnDaemon(f *Flags, l filer) (int, error) {
	lf, err := l.File()
	if err != nil {
		return 0, fmt.Errorf("listener fd: %w", err)
	}
	defer lf.Close()
	exe, err := exePath()
	if err != nil {
		return 0, err
	}
	cmd := exec.Command(exe, f.daemonArgs()...)
	cmd.Dir = f.Bundle
	cmd.ExtraFiles = []*os.File{lf}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return 0, fmt.Errorf("spawn shim daemon: %w", err)
	}
	pid := cmd.Process.Pid
	// Not waited for: this process exits at once and the daemon is
	// reparented to containerd's subreaper or init.
	cmd.Process.Release()
	return pid, nil
}
