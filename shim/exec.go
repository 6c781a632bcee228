package shim

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	taskv2 "github.com/containerd/containerd/api/runtime/task/v2"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/oci-run/oci-run/libcontainer"
	"github.com/oci-run/oci-run/specconv"
)

// Exec adds a process to run in the container; Start runs it.
func (s *Service) Exec(ctx context.Context, r *taskv2.ExecProcessRequest) (*emptypb.Empty, error) {
	c, err := s.get(r.ID)
	if err != nil {
		return nil, err
	}
	if r.ExecID == "" {
		return nil, fmt.Errorf("exec: empty exec id: %w", errInvalidRequest)
	}
	if c.init.hasExited() {
		return nil, fmt.Errorf("exec in container %s: its init has exited: %w", r.ID, errPrecondition)
	}
	spec, err := decodeProcessSpec(r.Spec)
	if err != nil {
		return nil, err
	}
	proc, err := specconv.ToProcess(spec, s.log)
	if err != nil {
		return nil, fmt.Errorf("exec %s: %w", r.ExecID, err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.execs[r.ExecID]; ok {
		return nil, fmt.Errorf("exec %s in container %s: %w", r.ExecID, r.ID, errExists)
	}
	paths := stdioPaths{Stdin: r.Stdin, Stdout: r.Stdout, Stderr: r.Stderr, Terminal: proc.Terminal}
	c.execs[r.ExecID] = newProcess(r.ID, r.ExecID, paths, proc)
	s.pub.Publish(evExecAdded(r.ID, r.ExecID))
	return &emptypb.Empty{}, nil
}

// decodeProcessSpec decodes the OCI process containerd sends as JSON in an
// Any ("types.containerd.io/opencontainers/runtime-spec/1/Process").
func decodeProcessSpec(a *anypb.Any) (*specs.Process, error) {
	if a == nil {
		return nil, fmt.Errorf("exec: no process spec: %w", errInvalidRequest)
	}
	if u := a.GetTypeUrl(); u != "" && !strings.HasSuffix(u, "/Process") {
		return nil, fmt.Errorf("exec: process spec of type %q, want an OCI Process: %w", u, errInvalidRequest)
	}
	var sp specs.Process
	if err := json.Unmarshal(a.GetValue(), &sp); err != nil {
		return nil, fmt.Errorf("exec: decode process spec: %w: %w", err, errInvalidRequest)
	}
	return &sp, nil
}

// startExec runs an added exec in the container.
func (s *Service) startExec(c *container, p *process) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.started {
		return 0, fmt.Errorf("exec %s already started: %w", p.execID, errPrecondition)
	}
	pio, err := newProcessIO(p.paths, s.log)
	if err != nil {
		return 0, err
	}
	lp := &libcontainer.Process{Spec: p.spec}
	pio.wire(lp)
	release := s.reaper.Hold()
	ep, err := c.lc.Exec(lp, false)
	if err == nil {
		s.reaper.Own(ep.Pid())
	}
	release()
	if err != nil {
		pio.closeAll()
		return 0, err
	}
	p.io, p.exec, p.pid, p.started = pio, ep, ep.Pid(), true
	ioErr := pio.started()
	go s.waitExec(c, p, ep)
	if ioErr != nil {
		ep.Signal(unix.SIGKILL)
		return 0, ioErr
	}
	s.pub.Publish(evExecStarted(c.id, p.execID, p.pid))
	return p.pid, nil
}

// waitExec waits for an exec to exit, records and publishes its status.
func (s *Service) waitExec(c *container, p *process, ep *libcontainer.ExecProcess) {
	ws, err := ep.Wait()
	at := time.Now()
	s.reaper.Disown(ep.Pid())
	status := uint32(255)
	if err != nil {
		s.log.Error("wait for exec", "id", c.id, "exec", p.execID, "err", err)
	} else {
		status = uint32(libcontainer.ExitCode(ws))
	}
	p.io.waitOutput(2 * time.Second)
	p.setExited(status, at)
	s.pub.Publish(evExit(c.id, p.execID, ep.Pid(), status, at))
}

// deleteExec forgets an exec that has exited or never started.
func (s *Service) deleteExec(c *container, p *process) (*taskv2.DeleteResponse, error) {
	pid, started, exited, status, at := p.snapshot()
	if started && !exited {
		return nil, fmt.Errorf("exec %s is running: %w", p.execID, errPrecondition)
	}
	c.mu.Lock()
	delete(c.execs, p.execID)
	c.mu.Unlock()
	if p.io != nil {
		p.io.closeAll()
	}
	if !started {
		at = time.Now()
	}
	return &taskv2.DeleteResponse{Pid: uint32(pid), ExitStatus: status, ExitedAt: ts(at)}, nil
}
