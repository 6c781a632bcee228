package shim

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"time"

	taskv2 "github.com/containerd/containerd/api/runtime/task/v2"
	"github.com/containerd/ttrpc"

	"github.com/oci-run/oci-run/libcontainer"
)

// DefaultStateRoot holds the shim's container state, one directory per
// containerd namespace (<root>/<namespace>/<id>).
const DefaultStateRoot = "/run/containerd/ocirun"

// Service implements containerd's task API (containerd.task.v2.Task) for
// the containers of one shim, calling libcontainer in-process.
type Service struct {
	log       *slog.Logger
	namespace string
	stateRoot string // default root, before the namespace is appended
	reaper    *Reaper
	pub       *Publisher
	shutdown  func() // makes the daemon exit
	initPath  string // binary re-executed as container inits ("" = the shim)

	mu         sync.Mutex
	containers map[string]*container
}

var _ taskv2.TaskService = (*Service)(nil)

// container is one task: the library's Container, its init and execs.
type container struct {
	id      string
	bundle  string
	rootfs  string // where containerd's rootfs mounts are mounted ("" if none)
	lc      *libcontainer.Container
	init    *process
	ownPID  bool          // the container has its own pid namespace
	oomStop chan struct{} // stops the OOM watcher

	mu    sync.Mutex
	execs map[string]*process
}

// ServiceConfig is what a Service needs from the daemon.
type ServiceConfig struct {
	Log       *slog.Logger
	Namespace string
	// StateRoot is the default state root (DefaultStateRoot if empty); a
	// task's runtime options may name another one.
	StateRoot string
	Reaper    *Reaper
	Publisher *Publisher
	// Shutdown is called when containerd asks the shim to exit and no
	// task is left.
	Shutdown func()
	// InitPath is the binary the library re-executes as container inits
	// ("" = the shim's own binary; see findInitPath).
	InitPath string
}

// NewService returns a task service with no containers.
func NewService(cfg ServiceConfig) *Service {
	root := cfg.StateRoot
	if root == "" {
		root = DefaultStateRoot
	}
	return &Service{log: cfg.Log, namespace: cfg.Namespace, stateRoot: root, reaper: cfg.Reaper,
		pub: cfg.Publisher, shutdown: cfg.Shutdown, initPath: cfg.InitPath, containers: map[string]*container{}}
}

// Register adds the service to a ttrpc server.
func (s *Service) Register(srv *ttrpc.Server) {
	taskv2.RegisterTaskService(srv, s)
}

// Interceptor logs each call and maps errors to status codes.
func (s *Service) Interceptor() ttrpc.UnaryServerInterceptor {
	return func(ctx context.Context, unmarshal ttrpc.Unmarshaler, info *ttrpc.UnaryServerInfo, m ttrpc.Method) (any, error) {
		t0 := time.Now()
		resp, err := m(ctx, unmarshal)
		if err != nil {
			s.log.Debug("call failed", "method", info.FullMethod, "took", time.Since(t0), "err", err)
			return resp, toStatus(err)
		}
		s.log.Debug("call", "method", info.FullMethod, "took", time.Since(t0))
		return resp, nil
	}
}

// stateRootFor is the state root for this namespace under root.
func (s *Service) stateRootFor(root string) string {
	if root == "" {
		root = s.stateRoot
	}
	return filepath.Join(root, s.namespace)
}

func (s *Service) get(id string) (*container, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.containers[id]
	if !ok {
		return nil, fmt.Errorf("container %s: %w", id, errNotFound)
	}
	return c, nil
}

// getProcess finds the init (execID "") or an exec of a container.
func (s *Service) getProcess(id, execID string) (*container, *process, error) {
	c, err := s.get(id)
	if err != nil {
		return nil, nil, err
	}
	if execID == "" {
		return c, c.init, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.execs[execID]
	if !ok {
		return nil, nil, fmt.Errorf("exec %s in container %s: %w", execID, id, errNotFound)
	}
	return c, p, nil
}

// count is the number of tasks the shim holds.
func (s *Service) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.containers)
}
