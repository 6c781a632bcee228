package shim

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	taskv2 "github.com/containerd/containerd/api/runtime/task/v2"
	"golang.org/x/sys/unix"

	"github.com/oci-run/oci-run/libcontainer"
	"github.com/oci-run/oci-run/libcontainer/configs"
	"github.com/oci-run/oci-run/specconv"
)

// Create mounts the rootfs containerd gives, creates the container from
// the bundle with libcontainer (the init waits to be started) and
// connects its stdio.
func (s *Service) Create(ctx context.Context, r *taskv2.CreateTaskRequest) (_ *taskv2.CreateTaskResponse, retErr error) {
	if r.Checkpoint != "" || r.ParentCheckpoint != "" {
		return nil, fmt.Errorf("create from checkpoint: %w", errUnimplemented)
	}
	opts, err := parseOptions(r.Options)
	if err != nil {
		return nil, err
	}
	// One create at a time: creates are rare and this keeps the id
	// reservation simple.
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.containers[r.ID]; ok {
		return nil, fmt.Errorf("container %s: %w", r.ID, errExists)
	}
	bundle, err := filepath.Abs(r.Bundle)
	if err != nil {
		return nil, fmt.Errorf("bundle %s: %w", r.Bundle, err)
	}
	c := &container{id: r.ID, bundle: bundle, execs: map[string]*process{}, oomStop: make(chan struct{})}
	if len(r.Rootfs) > 0 {
		c.rootfs = filepath.Join(bundle, "rootfs")
		if err := mountRootfs(r.Rootfs, c.rootfs); err != nil {
			return nil, err
		}
		defer func() {
			if retErr != nil {
				if err := unmountRootfs(c.rootfs); err != nil {
					s.log.Warn("create failed: unmount rootfs", "id", r.ID, "err", err)
				}
			}
		}()
	}
	spec, err := specconv.LoadSpec(bundle)
	if err != nil {
		return nil, err
	}
	cfg, err := specconv.ToConfig(spec, specconv.Options{ID: r.ID, BundleDir: bundle,
		NoPivotRoot: opts.NoPivotRoot, NoNewKeyring: opts.NoNewKeyring, Systemd: opts.SystemdCgroup, Logger: s.log})
	if err != nil {
		return nil, err
	}
	if cfg.Process == nil {
		return nil, fmt.Errorf("bundle %s: no process to run: %w", bundle, errInvalidRequest)
	}
	c.ownPID = cfg.Namespaces.Contains(configs.NEWPID)
	root := s.stateRootFor(opts.Root)
	if err := writeStateRoot(bundle, root); err != nil {
		return nil, err
	}
	lc, err := libcontainer.New(root, r.ID, cfg, libcontainer.Options{Logger: s.log, InitPath: s.initPath})
	if err != nil {
		return nil, err
	}
	c.lc = lc
	paths := stdioPaths{Stdin: r.Stdin, Stdout: r.Stdout, Stderr: r.Stderr, Terminal: cfg.Process.Terminal}
	pio, err := newProcessIO(paths, s.log)
	if err != nil {
		lc.Destroy(true)
		return nil, err
	}
	lp := &libcontainer.Process{}
	pio.wire(lp)
	release := s.reaper.Hold()
	err = lc.Create(lp)
	var pid int
	if err == nil {
		pid = lc.State().InitPid
		s.reaper.Own(pid)
	}
	release()
	if err != nil {
		pio.closeAll()
		return nil, err // Create left nothing behind
	}
	c.init = newProcess(r.ID, "", paths, nil)
	c.init.io, c.init.pid = pio, pid
	// The init waits on its exec fifo: it cannot exit before started
	// returns unless it is killed.
	err = pio.started()
	go s.waitInit(c)
	if err != nil {
		s.destroyAfterFailure(c)
		return nil, err
	}
	s.watchOOM(c)
	s.containers[r.ID] = c
	s.pub.Publish(evCreate(r.ID, bundle, r.Rootfs, paths, pid))
	s.log.Info("task created", "id", r.ID, "pid", pid)
	return &taskv2.CreateTaskResponse{Pid: uint32(pid)}, nil
}

// destroyAfterFailure kills and destroys a container whose create failed
// after the library had made it.
func (s *Service) destroyAfterFailure(c *container) {
	c.lc.Signal(unix.SIGKILL, false)
	select {
	case <-c.init.exited:
	case <-time.After(10 * time.Second):
	}
	release := s.reaper.Hold()
	if err := c.lc.Destroy(true); err != nil {
		s.log.Warn("destroy after failed create", "id", c.id, "err", err)
	}
	release()
	c.init.io.closeAll()
}

// waitInit waits for the init to exit, records and publishes its status.
// Without its own pid namespace the container's other processes would
// outlive the init: they are killed, as containerd's runc shim does.
func (s *Service) waitInit(c *container) {
	p := c.init
	ws, err := c.lc.Wait()
	at := time.Now()
	s.reaper.Disown(p.pid)
	status := uint32(255)
	if err != nil {
		s.log.Error("wait for init", "id", c.id, "err", err)
	} else {
		status = uint32(libcontainer.ExitCode(ws))
	}
	if !c.ownPID {
		c.lc.Signal(unix.SIGKILL, true)
	}
	if !p.io.waitOutput(2 * time.Second) {
		s.log.Warn("output still open after the init exited", "id", c.id)
	}
	p.setExited(status, at)
	close(c.oomStop)
	s.log.Info("init exited", "id", c.id, "pid", p.pid, "status", status)
	s.pub.Publish(evExit(c.id, c.id, p.pid, status, at))
}

// watchOOM publishes an OOM event for each OOM kill in the container's
// cgroup, until the init exits.
func (s *Service) watchOOM(c *container) {
	ch, err := c.lc.OOMEvents(c.oomStop)
	if err != nil {
		s.log.Debug("no OOM events", "id", c.id, "err", err)
		return
	}
	go func() {
		for range ch {
			s.log.Info("OOM kill", "id", c.id)
			s.pub.Publish(evOOM(c.id))
		}
	}()
}
