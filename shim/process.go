package shim

import (
	"sync"
	"time"

	taskapi "github.com/containerd/containerd/api/types/task"

	"github.com/oci-run/oci-run/libcontainer"
	"github.com/oci-run/oci-run/libcontainer/configs"
)

// process is a task's init or one of its exec'd processes, as containerd
// sees it: created, started (with a pid), exited (with a status).
type process struct {
	containerID string
	execID      string // "" for the init
	paths       stdioPaths
	spec        *configs.Process // exec only: what to run

	mu      sync.Mutex
	io      *processIO
	pid     int
	started bool
	exec    *libcontainer.ExecProcess

	exited     chan struct{} // closed once the exit status is known
	exitStatus uint32
	exitedAt   time.Time
}

func newProcess(containerID, execID string, paths stdioPaths, spec *configs.Process) *process {
	return &process{containerID: containerID, execID: execID, paths: paths, spec: spec, exited: make(chan struct{})}
}

// name is the process's id in containerd's events: the exec id, or the
// container id for the init.
func (p *process) name() string {
	if p.execID == "" {
		return p.containerID
	}
	return p.execID
}

// hasExited reports whether the exit status is known.
func (p *process) hasExited() bool {
	select {
	case <-p.exited:
		return true
	default:
		return false
	}
}

// setExited records the exit; only the first call counts.
func (p *process) setExited(status uint32, at time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.hasExited() {
		return
	}
	p.exitStatus, p.exitedAt = status, at
	close(p.exited)
}

// snapshot returns the fields State and Wait report.
func (p *process) snapshot() (pid int, started, exited bool, status uint32, at time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.pid, p.started, p.hasExited(), p.exitStatus, p.exitedAt
}

// taskStatus is the process's status for containerd. The init's running
// or paused status comes from the container (the cgroup freezer).
func (p *process) taskStatus(container func() libcontainer.Status) taskapi.Status {
	_, started, exited, _, _ := p.snapshot()
	switch {
	case exited:
		return taskapi.Status_STOPPED
	case !started:
		return taskapi.Status_CREATED
	case container == nil:
		return taskapi.Status_RUNNING
	}
	// A container the kernel shows stopped whose exit is not recorded yet
	// is reported running until waitInit has its status, so STOPPED
	// always comes with the exit status.
	if container() == libcontainer.Paused {
		return taskapi.Status_PAUSED
	}
	return taskapi.Status_RUNNING
}
