package libcontainer

import (
	"os"

	"github.com/oci-run/oci-run/libcontainer/configs"
)

// Process is a process to run in a container, with its runtime wiring.
type Process struct {
	// Spec is what to run and how (args, env, cwd, user, caps, rlimits...).
	// For Create, nil means the container config's Process.
	Spec *configs.Process

	// Stdin, Stdout and Stderr are the process's stdio when it has no
	// terminal (nil: /dev/null).
	Stdin, Stdout, Stderr *os.File
	// ExtraFiles are passed as fds 3, 4, ... (oci-run --preserve-fds).
	ExtraFiles []*os.File
	// ConsoleSocket receives the pty master over SCM_RIGHTS when the
	// process has a terminal (runc's --console-socket protocol).
	ConsoleSocket *os.File
	// PidFile, if set, gets the process's host pid written atomically.
	PidFile string
	// SubCgroup (Exec only) puts the process in an existing sub-cgroup of
	// the container's: controller name (v1) or "" (every controller, and
	// v2) to a path relative to the container's cgroup.
	SubCgroup map[string]string
}

func (p *Process) spec(cfg *configs.Config) *configs.Process {
	if p != nil && p.Spec != nil {
		return p.Spec
	}
	return cfg.Process
}
