package libcontainer

import (
	"io"
	"log/slog"

	"github.com/oci-run/oci-run/cgroups"
)

// DefaultRoot is where oci-run keeps container state by default.
const DefaultRoot = "/run/oci-run"

// Options tune a Container. The zero value works: the init is the running
// binary re-executed as "<argv0> init", logs are discarded.
type Options struct {
	// InitPath is the binary to re-exec as the container init (default
	// /proc/self/exe). It is always run from a sealed, read-only handle.
	InitPath string
	// InitArgs are its arguments (default: [os.Args[0], "init"]).
	InitArgs []string
	// Logger receives the library's logs (default: discarded).
	Logger *slog.Logger
	// Cgroups are passed to the cgroup driver (mount points, logger).
	Cgroups cgroups.Options
	// OnCreated, if set, is called once Create or Run has recorded the
	// container's state, with the container's lock held, its state
	// directory and that state (not to be modified). It must be quick and
	// must not call back into the Container. The oci-run CLI uses it to
	// leave a summary for its fast path (internal/fastpath).
	OnCreated func(dir string, st *State)
}

func (o *Options) logger() *slog.Logger {
	if o.Logger != nil {
		return o.Logger
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}
