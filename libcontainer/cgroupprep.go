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
//
// It first runs record, which writes down where the cgroup will be, so
// that the record still precedes the creation; its error is kept apart
// (recordError), as it is not the cgroup's.
type cgroupPrep struct {
	done      chan error
	err       error
	recordErr error // written before done is sent on, read after wait
}

// startCgroupPrep starts recording and then creating m's cgroup if its
// driver can create one before it has a process (cgroups.Precreator);
// otherwise it returns nil, having run nothing: the caller records, and
// Apply creates the cgroup when it joins the first pid.
func startCgroupPrep(m cgroups.Manager, record func() error) *cgroupPrep {
	pc, ok := m.(cgroups.Precreator)
	if !ok {
		return nil
	}
	p := &cgroupPrep{done: make(chan error, 1)}
	go func() {
		if p.recordErr = record(); p.recordErr != nil {
			p.done <- nil
			return
		}
		err := pc.Precreate()
		phase.Mark("cgroup precreated")
		p.done <- err
	}()
	return p
}

// recordError is record's error, once wait has returned (nil p: none).
func (p *cgroupPrep) recordError() error {
	if p == nil {
		return nil
	}
	return p.recordErr
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
