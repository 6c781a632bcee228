package shim

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// DefaultSocketDir is where shim sockets live, as containerd's own shims
// keep them (short paths: a unix socket path is limited to 107 bytes).
const DefaultSocketDir = "/run/containerd/s"

// addressFile is the file in the bundle that tells containerd (and a later
// "start" or "delete") where the shim serves.
const addressFile = "address"

// SocketAddress derives the shim's socket address from containerd's
// address, the namespace and the group (the container id, or a sandbox id
// shared by a group of containers). The same inputs always give the same
// address, so a second "start" for a group finds the running shim.
func SocketAddress(dir, containerdAddress, namespace, group string) string {
	sum := sha256.Sum256([]byte(filepath.Join(containerdAddress, namespace, group)))
	return "unix://" + filepath.Join(dir, hex.EncodeToString(sum[:]))
}

// socketPath strips the unix:// scheme from an address.
func socketPath(address string) (string, error) {
	p, ok := strings.CutPrefix(address, "unix://")
	if !ok || p == "" {
		return "", fmt.Errorf("shim address %q: not a unix:// address", address)
	}
	if len(p) > 107 {
		return "", fmt.Errorf("shim address %q: unix socket path longer than 107 bytes", address)
	}
	return p, nil
}

// listenOrReuse listens on address. When a live shim already serves there
// it returns reused=true and no listener; a stale socket file is removed
// first.
func listenOrReuse(address string) (l *net.UnixListener, reused bool, err error) {
	path, err := socketPath(address)
	if err != nil {
		return nil, false, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o711); err != nil {
		return nil, false, fmt.Errorf("create socket dir %s: %w", filepath.Dir(path), err)
	}
	for attempt := 0; attempt < 2; attempt++ {
		l, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
		if err == nil {
			return l, false, nil
		}
		if !errors.Is(err, os.ErrExist) && !strings.Contains(err.Error(), "address already in use") {
			return nil, false, fmt.Errorf("listen on %s: %w", path, err)
		}
		if serving(path) {
			return nil, true, nil
		}
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, false, fmt.Errorf("remove stale socket %s: %w", path, err)
		}
	}
	return nil, false, fmt.Errorf("listen on %s: socket keeps reappearing", path)
}

// serving reports whether something accepts connections on the socket.
func serving(path string) bool {
	c, err := net.DialTimeout("unix", path, time.Second)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

// writeAddress writes the address file in dir atomically.
func writeAddress(dir, address string) error {
	tmp := filepath.Join(dir, "."+addressFile+".tmp")
	if err := os.WriteFile(tmp, []byte(address), 0o644); err != nil {
		return fmt.Errorf("write address file: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, addressFile)); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write address file: %w", err)
	}
	return nil
}

// readAddress reads the address file in dir.
func readAddress(dir string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dir, addressFile))
	if err != nil {
		return "", fmt.Errorf("read address file: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}

// removeSocket removes the socket file behind address if nothing serves
// on it any more.
func removeSocket(address string) {
	path, err := socketPath(address)
	if err != nil {
		return
	}
	if !serving(path) {
		os.Remove(path)
	}
}
