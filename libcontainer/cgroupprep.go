package libcontainer

import (
	"fmt"

	"github.com/oci-run/oci-run/cgroups"
	"github.com/oci-run/oci-run/internal/phase"
)

// cgroupPrep creates a new container's cgroup in the background while the
// init starts. Making a cgroup directory can block for milliseconds in the
// kernel holding cgroup_mutex (the first cpuset directory after a quiet
// spell waits for an RCU grace period), and every Go program, the init
// included, reads /proc/self/cgroup (which takes that mutex) as its
// runtime starts: creating the cgroup first, from the CLI's start, keeps
// the two apart. Joining the init's pid waits for it.
type cgroupPrep struct {
	done chan error
	err  error
}

// startCgroupPrep starts creating m's cgroup if its driver can create one
// before it has a process (cgroups.Precreator); otherwise it returns nil
// and Apply creates the cgroup when it joins the first pid.
func startCgroupPrep(m cgroups.Manager) *cgroupPrep {
	pc, ok := m.(cgroups.Precreator)
	if !ok {
		return nil
	}
	p := &cgroupPrep{done: make(chan error, 1)}
	go func() {
		err := pc.Precreate()
		phase.Mark("cgroup precreated")
		p.done <- err
	}()
	return p
}

// wait returns once the creation has finished, with its error; it may be
// called any number of times (nil p: nothing was started).
func (p *cgroupPrep) wait() error {
	if p == nil {
		return nil
	}
	if p.done != nil {
		p.err = <-p.done
		p.done = nil
	}
	if p.err != nil {
		return fmt.Errorf("create cgroup: %w", p.err)
	}
	return nil
}
