package shim

import (
	"context"
	"errors"
	"fmt"
	"time"

	taskv2 "github.com/containerd/containerd/api/runtime/task/v2"
	"golang.org/x/sys/unix"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/oci-run/oci-run/libcontainer"
)

// Start starts the init (execID "") or an exec added by Exec.
func (s *Service) Start(ctx context.Context, r *taskv2.StartRequest) (*taskv2.StartResponse, error) {
	c, p, err := s.getProcess(r.ID, r.ExecID)
	if err != nil {
		return nil, err
	}
	if r.ExecID != "" {
		pid, err := s.startExec(c, p)
		if err != nil {
			return nil, err
		}
		return &taskv2.StartResponse{Pid: uint32(pid)}, nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.started {
		return nil, fmt.Errorf("container %s already started: %w", r.ID, errPrecondition)
	}
	release := s.reaper.Hold() // poststart hooks run as children
	err = c.lc.Start()
	release()
	if err != nil {
		return nil, err
	}
	p.started = true
	s.pub.Publish(evStart(c.id, p.pid))
	s.log.Info("task started", "id", c.id, "pid", p.pid)
	return &taskv2.StartResponse{Pid: uint32(p.pid)}, nil
}

// State reports a process's status, pid, stdio and exit.
func (s *Service) State(ctx context.Context, r *taskv2.StateRequest) (*taskv2.StateResponse, error) {
	c, p, err := s.getProcess(r.ID, r.ExecID)
	if err != nil {
		return nil, err
	}
	var live func() libcontainer.Status
	if r.ExecID == "" {
		live = func() libcontainer.Status {
			st, err := c.lc.Status()
			if err != nil {
				return libcontainer.Running
			}
			return st
		}
	}
	st := p.taskStatus(live)
	pid, _, exited, status, at := p.snapshot()
	resp := &taskv2.StateResponse{ID: p.name(), Bundle: c.bundle, Pid: uint32(pid), Status: st,
		Stdin: p.paths.Stdin, Stdout: p.paths.Stdout, Stderr: p.paths.Stderr, Terminal: p.paths.Terminal,
		ExecID: r.ExecID}
	if exited {
		resp.ExitStatus, resp.ExitedAt = status, ts(at)
	}
	return resp, nil
}

// Wait blocks until the process exits (or the call is cancelled).
func (s *Service) Wait(ctx context.Context, r *taskv2.WaitRequest) (*taskv2.WaitResponse, error) {
	_, p, err := s.getProcess(r.ID, r.ExecID)
	if err != nil {
		return nil, err
	}
	select {
	case <-p.exited:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	_, _, _, status, at := p.snapshot()
	return &taskv2.WaitResponse{ExitStatus: status, ExitedAt: ts(at)}, nil
}

// Kill signals the init (or with All every process of the container) or
// an exec.
func (s *Service) Kill(ctx context.Context, r *taskv2.KillRequest) (*emptypb.Empty, error) {
	c, p, err := s.getProcess(r.ID, r.ExecID)
	if err != nil {
		return nil, err
	}
	sig := unix.Signal(r.Signal)
	if r.ExecID != "" {
		p.mu.Lock()
		ep, exited := p.exec, p.hasExited()
		p.mu.Unlock()
		if ep == nil {
			return nil, fmt.Errorf("exec %s not started: %w", r.ExecID, errPrecondition)
		}
		if exited {
			return nil, processFinished(r.ExecID)
		}
		if err := ep.Signal(sig); err != nil {
			if errors.Is(err, unix.ESRCH) {
				return nil, processFinished(r.ExecID)
			}
			return nil, fmt.Errorf("signal exec %s: %w", r.ExecID, err)
		}
		return &emptypb.Empty{}, nil
	}
	if p.hasExited() && !r.All {
		return nil, processFinished(r.ID)
	}
	if err := c.lc.Signal(sig, r.All); err != nil {
		if errors.Is(err, libcontainer.ErrNotRunning) {
			return nil, processFinished(r.ID)
		}
		return nil, err
	}
	return &emptypb.Empty{}, nil
}

// Delete deletes an exited exec, or the task: the container (cgroup,
// state directory) and the rootfs mounts. A created task that never
// started is killed first; a running one must be killed by the caller.
func (s *Service) Delete(ctx context.Context, r *taskv2.DeleteRequest) (*taskv2.DeleteResponse, error) {
	c, p, err := s.getProcess(r.ID, r.ExecID)
	if err != nil {
		return nil, err
	}
	if r.ExecID != "" {
		return s.deleteExec(c, p)
	}
	pid, started, exited, _, _ := p.snapshot()
	if !exited {
		if started {
			if st, err := c.lc.Status(); err == nil && st != libcontainer.Stopped {
				return nil, fmt.Errorf("task %s is %s: kill it first: %w", r.ID, st, errPrecondition)
			}
		}
		c.lc.Signal(unix.SIGKILL, false)
		select {
		case <-p.exited:
		case <-time.After(10 * time.Second):
			return nil, fmt.Errorf("task %s: init %d did not exit after SIGKILL", r.ID, pid)
		}
	}
	// Execs die with the init's pid namespace (or were killed with it).
	c.mu.Lock()
	execs := make([]*process, 0, len(c.execs))
	for _, e := range c.execs {
		execs = append(execs, e)
	}
	c.mu.Unlock()
	for _, e := range execs {
		if e.exec != nil {
			select {
			case <-e.exited:
			case <-time.After(2 * time.Second):
				s.log.Warn("exec still running at task delete", "id", r.ID, "exec", e.execID)
			}
		}
	}
	release := s.reaper.Hold() // poststop hooks run as children
	err = c.lc.Destroy(true)
	release()
	if err != nil {
		return nil, err
	}
	if c.rootfs != "" {
		if err := unmountRootfs(c.rootfs); err != nil {
			return nil, err
		}
	}
	p.io.closeAll()
	for _, e := range execs {
		if e.io != nil {
			e.io.closeAll()
		}
	}
	s.mu.Lock()
	delete(s.containers, r.ID)
	s.mu.Unlock()
	_, _, _, status, at := p.snapshot()
	s.pub.Publish(evDelete(c.id, pid, status, at))
	s.log.Info("task deleted", "id", r.ID)
	return &taskv2.DeleteResponse{Pid: uint32(pid), ExitStatus: status, ExitedAt: ts(at)}, nil
}
