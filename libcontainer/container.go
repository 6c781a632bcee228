package libcontainer

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"

	"golang.org/x/sys/unix"

	"github.com/oci-run/oci-run/cgroups"
	"github.com/oci-run/oci-run/internal/phase"
	"github.com/oci-run/oci-run/libcontainer/configs"
	"github.com/oci-run/oci-run/libcontainer/lsm"
)

// Container is one container, alive or not, and its state directory
// <root>/<id>. Its methods are safe for concurrent use; each mutating
// operation also takes the container's file lock, so other processes are
// serialised too.
type Container struct {
	id   string
	root string
	dir  string
	opts Options
	log  *slog.Logger

	mu     sync.Mutex
	config *configs.Config
	// rawConfig is the recorded config of a Loaded container, decoded
	// into config on first use (configLocked).
	rawConfig json.RawMessage
	state     *State // nil until Create has finished (or Load found one)
	cgroup    cgroups.Manager
	// cgroupPaths are a loaded container's recorded cgroup paths until
	// loadCgroup turns them into cgroup.
	cgroupPaths map[string]string
	// cgroupPrep is the background creation of a new container's cgroup
	// (create only); wait for it before joining or removing the cgroup.
	cgroupPrep *cgroupPrep
	// sealPrep is the sealed init binary being opened in the background
	// (create only); launch takes it.
	sealPrep *sealPrep
	// init is set when this Container value started the init itself: it
	// owns the process handle and can wait for its exit status.
	init *initProcess
	// lsmHost is what LSMs the host has, probed at create/exec.
	lsmHost lsm.Host
}

// New reserves id under root for a container made from cfg: it validates
// both and creates the state directory, atomically, so of two callers with
// one id exactly one succeeds (the other gets ErrExist). Nothing runs until
// Create.
func New(root, id string, cfg *configs.Config, opts Options) (*Container, error) {
	if err := ValidateID(id); err != nil {
		return nil, err
	}
	if cfg == nil {
		return nil, errors.New("nil container config")
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(root, 0o711); err != nil {
		return nil, fmt.Errorf("create state root %s: %w", root, err)
	}
	dir := filepath.Join(root, id)
	if err := os.Mkdir(dir, 0o711); err != nil {
		if errors.Is(err, os.ErrExist) {
			return nil, fmt.Errorf("container %s: %w", id, ErrExist)
		}
		return nil, fmt.Errorf("create state dir %s: %w", dir, err)
	}
	return &Container{id: id, root: root, dir: dir, opts: opts, log: opts.logger(), config: cfg}, nil
}

// Load opens an existing container's state from <root>/<id>.
func Load(root, id string, opts Options) (*Container, error) {
	if err := ValidateID(id); err != nil {
		return nil, err
	}
	dir := filepath.Join(root, id)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("container %s: %w", id, ErrNotExist)
	}
	c := &Container{id: id, root: root, dir: dir, opts: opts, log: opts.logger()}
	st, raw, err := readState(dir)
	switch {
	case err == nil:
		c.setLoaded(st, raw)
		c.cgroupPaths = st.CgroupPaths
	case errors.Is(err, os.ErrNotExist):
		// Being created by another process, or a create that died midway:
		// its cgroup, if it got that far, is in the cgroup record.
		if paths, err := readCgroupRecord(dir); err == nil && len(paths) > 0 {
			if m, err := cgroups.Load(paths, opts.Cgroups); err == nil {
				c.cgroup = m
			}
		}
	default:
		return nil, fmt.Errorf("container %s: %w", id, err)
	}
	phase.Mark("loaded")
	return c, nil
}

// loadCgroup rebuilds a loaded container's cgroup manager from its recorded
// paths, on first need. Load leaves it for later: finding the hierarchies
// reads the host's mount table, which `state`, `start` or `kill` of a
// created or stopped container never need (~0.25 ms of a `state`).
func (c *Container) loadCgroup() error {
	if c.cgroup != nil || len(c.cgroupPaths) == 0 {
		return nil
	}
	m, err := cgroups.Load(c.cgroupPaths, c.opts.Cgroups)
	if err != nil {
		return fmt.Errorf("container %s: load cgroup: %w", c.id, err)
	}
	c.cgroup, c.cgroupPaths = m, nil
	return nil
}

// ID returns the container's id.
func (c *Container) ID() string { return c.id }

// Config returns the container's configuration (nil for a container whose
// creation has not finished).
func (c *Container) Config() *configs.Config {
	c.mu.Lock()
	defer c.mu.Unlock()
	cfg, err := c.configLocked()
	if err != nil {
		c.log.Warn("decode recorded config", "id", c.id, "err", err)
	}
	return cfg
}

// State returns a copy of the recorded state, nil before Create finished.
func (c *Container) State() *State {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.state == nil {
		return nil
	}
	s := *c.state
	return &s
}

// Status derives the container's status from the kernel: the init's pid
// and start time, the exec fifo, and the cgroup freezer.
func (c *Container) Status() (Status, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.statusLocked()
}

func (c *Container) statusLocked() (Status, error) {
	if c.state == nil {
		// No state yet: if the creator still holds the lock it is being
		// created, otherwise the creation died and left a husk.
		if c.lockBusy() {
			return Creating, nil
		}
		return Stopped, nil
	}
	if !pidAlive(c.state.InitPid, c.state.InitStartTime) {
		return Stopped, nil
	}
	if _, err := os.Stat(filepath.Join(c.dir, fifoName)); err == nil {
		return Created, nil
	}
	if err := c.loadCgroup(); err != nil {
		return "", err
	}
	if c.cgroup != nil {
		if fs, err := c.cgroup.FreezerState(); err == nil && fs == configs.Frozen {
			return Paused, nil
		}
	}
	return Running, nil
}

// lockBusy reports whether another process holds the container's lock.
func (c *Container) lockBusy() bool {
	f, err := os.Open(filepath.Join(c.dir, lockFile))
	if err != nil {
		return false
	}
	defer f.Close()
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		return true
	}
	unix.Flock(int(f.Fd()), unix.LOCK_UN)
	return false
}
