package specconv

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
)

// Options are the caller's choices that are not part of the spec.
type Options struct {
	// ID is the container id; it names the default cgroup. Required.
	ID string
	// BundleDir is the bundle directory; relative paths in the spec (rootfs,
	// bind mount sources) are resolved against it. Empty means the current
	// directory, as with runc.
	BundleDir string
	// NoPivotRoot and NoNewKeyring are copied to the Config
	// (--no-pivot, --no-new-keyring).
	NoPivotRoot  bool
	NoNewKeyring bool
	// Systemd selects the systemd cgroup driver: cgroupsPath is then read
	// as "slice:prefix:name".
	Systemd bool
	// Rootless says the runtime runs without root on the host. Its only
	// effect on the conversion is the default systemd slice ("user.slice"
	// instead of "system.slice").
	Rootless bool
	// Logger receives warnings about ignored settings; nil discards them.
	Logger *slog.Logger
}

// logger returns the configured logger or one that discards everything.
func (o *Options) logger() *slog.Logger {
	if o.Logger != nil {
		return o.Logger
	}
	return slog.New(slog.DiscardHandler)
}

// bundle returns the absolute, clean bundle directory.
func (o *Options) bundle() (string, error) {
	dir := o.BundleDir
	if dir == "" {
		wd, err := os.Getwd()
		if err != nil {
			return "", fmt.Errorf("specconv: bundle directory not given and the current one is unknown: %w", err)
		}
		dir = wd
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("specconv: bundle directory %q: %w", dir, err)
	}
	return abs, nil
}
