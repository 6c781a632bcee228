package shim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	taskv2 "github.com/containerd/containerd/api/runtime/task/v2"
	runcopts "github.com/containerd/containerd/api/types/runc/options"
	taskapi "github.com/containerd/containerd/api/types/task"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/oci-run/oci-run/libcontainer/configs"
	"github.com/oci-run/oci-run/specconv"
)

// Pids lists the container's processes; an exec's entry carries its exec
// id (containerd.runc.v1.ProcessDetails, as the runc shim reports it).
func (s *Service) Pids(ctx context.Context, r *taskv2.PidsRequest) (*taskv2.PidsResponse, error) {
	c, err := s.get(r.ID)
	if err != nil {
		return nil, err
	}
	pids, err := c.lc.Processes()
	if err != nil {
		return nil, err
	}
	execOf := map[int]string{}
	c.mu.Lock()
	for id, e := range c.execs {
		if pid, started, exited, _, _ := e.snapshot(); started && !exited {
			execOf[pid] = id
		}
	}
	c.mu.Unlock()
	resp := &taskv2.PidsResponse{}
	for _, pid := range pids {
		pi := &taskapi.ProcessInfo{Pid: uint32(pid)}
		if id, ok := execOf[pid]; ok {
			if b, err := proto.Marshal(&runcopts.ProcessDetails{ExecID: id}); err == nil {
				pi.Info = &anypb.Any{TypeUrl: string(proto.MessageName(&runcopts.ProcessDetails{})), Value: b}
			}
		}
		resp.Processes = append(resp.Processes, pi)
	}
	return resp, nil
}

// Pause freezes the container.
func (s *Service) Pause(ctx context.Context, r *taskv2.PauseRequest) (*emptypb.Empty, error) {
	c, err := s.get(r.ID)
	if err != nil {
		return nil, err
	}
	if err := c.lc.Pause(); err != nil {
		return nil, err
	}
	s.pub.Publish(evPaused(r.ID))
	return &emptypb.Empty{}, nil
}

// Resume thaws the container.
func (s *Service) Resume(ctx context.Context, r *taskv2.ResumeRequest) (*emptypb.Empty, error) {
	c, err := s.get(r.ID)
	if err != nil {
		return nil, err
	}
	if err := c.lc.Resume(); err != nil {
		return nil, err
	}
	s.pub.Publish(evResumed(r.ID))
	return &emptypb.Empty{}, nil
}

// Update changes the container's resources from the OCI LinuxResources
// containerd sends as JSON in an Any. Device rules are not changed.
func (s *Service) Update(ctx context.Context, r *taskv2.UpdateTaskRequest) (*emptypb.Empty, error) {
	c, err := s.get(r.ID)
	if err != nil {
		return nil, err
	}
	res, err := decodeResources(r.ID, r.Resources, s)
	if err != nil {
		return nil, err
	}
	if err := c.lc.Update(res); err != nil {
		return nil, err
	}
	return &emptypb.Empty{}, nil
}

// decodeResources turns the request's LinuxResources into the library's,
// with specconv's converter (through ToConfig on a spec holding only
// them).
func decodeResources(id string, a *anypb.Any, s *Service) (*configs.Resources, error) {
	if a == nil {
		return nil, fmt.Errorf("update: no resources: %w", errInvalidRequest)
	}
	if u := a.GetTypeUrl(); u != "" && !strings.HasSuffix(u, "/LinuxResources") {
		return nil, fmt.Errorf("update: resources of type %q, want OCI LinuxResources: %w", u, errInvalidRequest)
	}
	var lr specs.LinuxResources
	if err := json.Unmarshal(a.GetValue(), &lr); err != nil {
		return nil, fmt.Errorf("update: decode resources: %w: %w", err, errInvalidRequest)
	}
	if len(lr.Devices) > 0 {
		s.log.Warn("update: device rules cannot be changed and are ignored", "id", id)
		lr.Devices = nil
	}
	spec := &specs.Spec{Version: specs.Version, Root: &specs.Root{Path: "/"}, Linux: &specs.Linux{Resources: &lr}}
	cfg, err := specconv.ToConfig(spec, specconv.Options{ID: id, BundleDir: "/", Logger: s.log})
	if err != nil {
		return nil, fmt.Errorf("update: %w", err)
	}
	if cfg.Cgroups == nil || cfg.Cgroups.Resources == nil {
		return nil, errors.New("update: resources did not convert")
	}
	res := cfg.Cgroups.Resources
	res.Devices = nil // keep the container's device rules
	return res, nil
}

// CloseIO closes a process's stdin (the process reads EOF).
func (s *Service) CloseIO(ctx context.Context, r *taskv2.CloseIORequest) (*emptypb.Empty, error) {
	_, p, err := s.getProcess(r.ID, r.ExecID)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	pio := p.io
	p.mu.Unlock()
	if r.Stdin && pio != nil {
		pio.closeStdin()
	}
	return &emptypb.Empty{}, nil
}

// ResizePty sets the window size of a process's terminal.
func (s *Service) ResizePty(ctx context.Context, r *taskv2.ResizePtyRequest) (*emptypb.Empty, error) {
	_, p, err := s.getProcess(r.ID, r.ExecID)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	pio := p.io
	if pio == nil && p.spec != nil && p.spec.Terminal {
		// An exec not started yet (ctr resizes before it starts): its pty
		// is made with this size, before the process runs.
		p.spec.ConsoleWidth, p.spec.ConsoleHeight = uint16(r.Width), uint16(r.Height)
		p.mu.Unlock()
		return &emptypb.Empty{}, nil
	}
	p.mu.Unlock()
	if pio == nil {
		return nil, fmt.Errorf("resize: process not started: %w", errPrecondition)
	}
	if err := pio.resize(r.Width, r.Height); err != nil {
		return nil, fmt.Errorf("resize: %w: %w", err, errPrecondition)
	}
	return &emptypb.Empty{}, nil
}

// Connect reports the shim's and the task's pids.
func (s *Service) Connect(ctx context.Context, r *taskv2.ConnectRequest) (*taskv2.ConnectResponse, error) {
	resp := &taskv2.ConnectResponse{ShimPid: uint32(os.Getpid()), Version: Version}
	if c, err := s.get(r.ID); err == nil {
		pid, _, _, _, _ := c.init.snapshot()
		resp.TaskPid = uint32(pid)
	}
	return resp, nil
}

// Shutdown makes the daemon exit once it holds no task; with tasks left
// (a shim shared by a group) it does nothing.
func (s *Service) Shutdown(ctx context.Context, r *taskv2.ShutdownRequest) (*emptypb.Empty, error) {
	if n := s.count(); n > 0 {
		s.log.Debug("shutdown: tasks left, staying", "tasks", n)
		return &emptypb.Empty{}, nil
	}
	s.log.Info("shutdown requested, no task left")
	s.shutdown()
	return &emptypb.Empty{}, nil
}

// Checkpoint is not supported.
func (s *Service) Checkpoint(ctx context.Context, r *taskv2.CheckpointTaskRequest) (*emptypb.Empty, error) {
	return nil, fmt.Errorf("checkpoint: %w", errUnimplemented)
}
