package shim

import (
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// InitBinary is the runtime binary the shim re-executes as container inits
// when it is installed next to the shim.
const InitBinary = "oci-run"

// findInitPath returns the oci-run binary beside the shim's own executable,
// or "" (the library then re-executes the shim itself). Every process start
// runs the initialisers of every package the binary links, and the shim
// links ttrpc, protobuf and containerd's API types: ~90 initialisers against
// oci-run's ~40, several milliseconds per container. Both binaries come from
// one build (`make install` puts them side by side), so they speak the same
// sync protocol; the library opens the binary through a sealed read-only
// handle either way.
func findInitPath() string {
	self, err := os.Executable()
	if err != nil {
		return ""
	}
	return initPathBeside(self)
}

// initPathBeside is findInitPath for an executable at self.
func initPathBeside(self string) string {
	p := filepath.Join(filepath.Dir(self), InitBinary)
	fi, err := os.Stat(p)
	if err != nil || !fi.Mode().IsRegular() || unix.Access(p, unix.X_OK) != nil {
		return ""
	}
	return p
}
