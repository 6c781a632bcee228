package libcontainer

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sys/unix"

	"github.com/oci-run/oci-run/cgroups"
	"github.com/oci-run/oci-run/internal/phase"
	"github.com/oci-run/oci-run/libcontainer/configs"
	"github.com/oci-run/oci-run/nsenter"
)

// Create starts the container's init and sets everything up (namespaces,
// cgroup, root filesystem, hooks up to createContainer). It returns once
// the init waits to be started (status Created) with state.json written.
// On failure nothing is left: no process, cgroup, fifo or state directory,
// and the Container cannot be used again.
func (c *Container) Create(p *Process) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.state != nil || c.config == nil {
		// A Loaded container (c.config nil) exists already, or is being
		// created by another process: never create it again here, nor
		// remove its directory.
		st, _ := c.statusLocked()
		return &StateError{ID: c.id, Op: "create", Status: st}
	}
	lock, err := lockDir(c.dir)
	if err != nil {
		os.RemoveAll(c.dir)
		return fmt.Errorf("container %s: %w", c.id, err)
	}
	defer lock.unlock()
	if err := c.create(p, true); err != nil {
		os.RemoveAll(c.dir)
		return err
	}
	return nil
}

// Run creates the container and starts its process at once, without the
// exec fifo round trip. The caller waits with Wait.
func (c *Container) Run(p *Process) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.state != nil || c.config == nil {
		// A Loaded container (c.config nil) exists already, or is being
		// created by another process: never create it again here, nor
		// remove its directory.
		st, _ := c.statusLocked()
		return &StateError{ID: c.id, Op: "run", Status: st}
	}
	lock, err := lockDir(c.dir)
	if err != nil {
		os.RemoveAll(c.dir)
		return fmt.Errorf("container %s: %w", c.id, err)
	}
	defer lock.unlock()
	if err := c.create(p, false); err != nil {
		os.RemoveAll(c.dir)
		return err
	}
	if err := c.init.start(); err != nil {
		c.teardownLocked()
		os.RemoveAll(c.dir)
		return fmt.Errorf("container %s: start: %w", c.id, err)
	}
	c.runPoststart()
	return nil
}

// create does the work of Create and Run; useFifo selects Create's
// behaviour (the init blocks on exec.fifo until Start).
func (c *Container) create(p *Process, useFifo bool) (retErr error) {
	cfg := c.config
	spec := p.spec(cfg)
	if spec == nil {
		return fmt.Errorf("container %s: no process to run", c.id)
	}
	if p == nil {
		p = &Process{}
	}
	phase.Mark("create")
	c.sealPrep = startSeal(c.initExePath())
	defer c.dropSeal()
	c.lsmHost = probeLSM(cfg, spec)
	if err := checkLSM(c.id, cfg, spec, c.lsmHost); err != nil {
		return err
	}
	var fifo *os.File
	if useFifo {
		f, err := c.makeFifo()
		if err != nil {
			return err
		}
		fifo = f
		defer fifo.Close()
	}
	trees, err := makeIDMappedTrees(cfg)
	if err != nil {
		return fmt.Errorf("container %s: %w", c.id, err)
	}
	defer closeTrees(trees)
	if cfg.Cgroups != nil {
		m, err := cgroups.New(cfg.Cgroups, c.opts.Cgroups)
		if err != nil {
			return fmt.Errorf("container %s: cgroup: %w", c.id, err)
		}
		c.cgroup = m
		// Record where it will be before creating it, so that a create
		// killed midway leaves something delete can find and remove:
		// in the background, right before the creation, when the driver
		// creates it early (cgroupPrep); else now.
		paths := m.Paths()
		record := func() error { return writeCgroupRecord(c.dir, paths) }
		if c.cgroupPrep = startCgroupPrep(m, record); c.cgroupPrep == nil {
			if err := record(); err != nil {
				return fmt.Errorf("container %s: %w", c.id, err)
			}
		}
		phase.Mark("cgroup paths recorded")
	}
	// Join the cgroup as early as the init's pid is known: right after the
	// start when the child is the init itself (while it execs and its
	// runtime starts), else once the C stage reports it (then while the
	// init sets up its mounts). The init waits for msgCgroupDone before
	// anything that depends on its cgroup.
	joined := false
	join := func(pid int) error {
		joined = true
		return c.joinCgroup(pid)
	}
	ic, err := c.initConfigFor(p, spec, fifo, trees)
	if err != nil {
		c.dropCgroup()
		return err
	}
	cInit, inC, err := c.cInitSpec(spec, ic)
	if err != nil {
		c.dropCgroup()
		return err
	}
	var enc <-chan encoded
	if !inC {
		enc = encodeAsync(ic)
	}
	phase.Mark("init spec built")
	t0 := time.Now()
	ip, err := spawnInit(c, p, spec, fifo, trees, inC, cInit, join)
	if err != nil {
		c.dropCgroup()
		return err
	}
	phase.Mark("init spawned")
	c.log.Debug("init spawned", "id", c.id, "pid", ip.pid, "took", time.Since(t0))
	t0 = time.Now()
	c.init = ip
	defer func() {
		if retErr != nil {
			c.teardownLocked()
		}
	}()
	switch {
	case inC && ip.specSent:
		// launch sent it right after the bootstrap.
	case inC:
		if err := nsenter.WriteFrame(ip.sock, nsenter.MsgExecSpec, cInit); err != nil {
			return ip.died(fmt.Errorf("send init spec: %w", err))
		}
	default:
		config := <-enc
		if config.err == nil && c.cgroup == nil && ic.CgroupPaths != nil {
			// A rootless create went on without its cgroup: say so.
			ic.CgroupPaths = nil
			config.b, config.err = marshalFrame(ic)
		}
		if config.err != nil {
			return fmt.Errorf("container %s: %w", c.id, config.err)
		}
		if err := ip.sendConfig(config.b); err != nil {
			return err
		}
	}
	if !joined {
		if err := join(ip.pid); err != nil {
			return err
		}
	}
	cgErr := ip.cgDoneErr
	if !ip.cgDone {
		cgErr = nsenter.WriteFrame(ip.sock, msgCgroupDone, nil)
	}
	if cgErr != nil {
		return ip.died(fmt.Errorf("send cgroup done: %w", cgErr))
	}
	phase.Mark("cgroup joined")
	c.log.Debug("cgroup set up", "id", c.id, "took", time.Since(t0))
	t0 = time.Now()
	// Everything state.json records is known now: encode it while the
	// init sets up, before waiting for it. The generated encoder takes
	// about 0.1 ms in a fresh process, less than a goroutine to run it
	// would cost; its error is reported where it was when the encoding
	// overlapped the wait.
	st := c.initialState(ip)
	stateBytes, stateErr := marshalState(st)
	if err := ip.serve(c); err != nil {
		return err
	}
	phase.Mark("init ready")
	c.log.Debug("init ready", "id", c.id, "took", time.Since(t0))
	if p.PidFile != "" {
		if err := writePidFile(p.PidFile, ip.pid); err != nil {
			return err
		}
	}
	err = stateErr
	if err == nil {
		err = writeStateBytes(c.dir, stateBytes)
	}
	if err != nil {
		if p.PidFile != "" {
			os.Remove(p.PidFile)
		}
		return fmt.Errorf("container %s: %w", c.id, err)
	}
	c.state = st
	phase.Mark("state written")
	if c.opts.OnCreated != nil {
		c.opts.OnCreated(c.dir, st)
	}
	return nil
}

// initialState is the State of a container whose init was just created.
func (c *Container) initialState(ip *initProcess) *State {
	cfg := c.config
	st := &State{
		ID:             c.id,
		InitPid:        ip.pid,
		InitStartTime:  ip.startTime,
		Created:        ip.created,
		Bundle:         bundleOf(cfg),
		Rootfs:         cfg.Rootfs,
		Annotations:    cfg.Annotations,
		Config:         cfg,
		NamespacePaths: namespacePaths(ip.pid, cfg),
	}
	if c.cgroup != nil {
		st.CgroupPaths = c.cgroup.Paths()
	}
	return st
}

// makeFifo creates <dir>/exec.fifo and returns an O_PATH handle on it for
// the init to reopen for writing.
func (c *Container) makeFifo() (*os.File, error) {
	path := filepath.Join(c.dir, fifoName)
	old := unix.Umask(0)
	err := unix.Mkfifo(path, 0o622)
	unix.Umask(old)
	if err != nil {
		return nil, fmt.Errorf("container %s: create exec fifo: %w", c.id, err)
	}
	if uid, ok := c.config.HostUID(0); ok && uid != 0 {
		gid, _ := c.config.HostGID(0)
		if err := os.Chown(path, int(uid), int(gid)); err != nil {
			return nil, fmt.Errorf("container %s: chown exec fifo: %w", c.id, err)
		}
	}
	fd, err := unix.Open(path, unix.O_PATH|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("container %s: open exec fifo: %w", c.id, err)
	}
	return os.NewFile(uintptr(fd), path), nil
}

// teardownLocked undoes a partial create: kills the init, removes the
// cgroup and the fifo. The caller removes the state directory.
func (c *Container) teardownLocked() {
	if c.init != nil {
		c.init.kill()
		c.init = nil
	}
	if c.cgroup != nil {
		c.cgroupPrep.wait()
		c.cgroupPrep = nil
		if err := destroyCgroup(c.cgroup); err != nil {
			c.log.Warn("remove cgroup after failed create", "id", c.id, "err", err)
		}
		c.cgroup = nil
	}
	os.Remove(filepath.Join(c.dir, fifoName))
}

// dropCgroup removes the cgroup of a create that failed before its init
// joined it (after the background creation, if any, has finished).
func (c *Container) dropCgroup() {
	if c.cgroup == nil {
		return
	}
	c.cgroupPrep.wait()
	c.cgroupPrep = nil
	destroyCgroup(c.cgroup)
	c.cgroup = nil
}

func bundleOf(cfg *configs.Config) string {
	for _, l := range cfg.Labels {
		if len(l) > 7 && l[:7] == "bundle=" {
			return l[7:]
		}
	}
	return ""
}

func namespacePaths(pid int, cfg *configs.Config) map[configs.NamespaceType]string {
	m := make(map[configs.NamespaceType]string, len(cfg.Namespaces))
	for _, ns := range cfg.Namespaces {
		m[ns.Type] = fmt.Sprintf("/proc/%d/ns/%s", pid, ns.Type.ProcName())
	}
	return m
}

func writePidFile(path string, pid int) error {
	dir, name := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp := filepath.Join(dir, "."+name+".tmp")
	if err := os.WriteFile(tmp, []byte(fmt.Sprint(pid)), 0o644); err != nil {
		return fmt.Errorf("write pid file %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write pid file %s: %w", path, err)
	}
	return nil
}

// destroyCgroup kills whatever is left in the cgroup and removes it.
func destroyCgroup(m cgroups.Manager) error {
	// Processes left behind (no pid namespace, or a forced delete) are
	// killed first. A missing cgroup has nothing to list: Destroy then
	// finds nothing to remove.
	if pids, err := m.GetAllPids(); len(pids) > 0 || (err != nil && m.Exists()) {
		signalCgroup(m, unix.SIGKILL)
	}
	var err error
	for i := 0; i < 50; i++ {
		if err = m.Destroy(); err == nil {
			return nil
		}
		if !errors.Is(err, unix.EBUSY) {
			sleepBackoff(i)
			continue
		}
		sleepBackoff(i)
	}
	return err
}

// joinCgroup puts pid in the container's cgroup and sets its resources.
func (c *Container) joinCgroup(pid int) error {
	if c.cgroup == nil {
		return nil
	}
	cfg := c.config
	prep := c.cgroupPrep
	err := prep.wait()
	c.cgroupPrep = nil
	if rerr := prep.recordError(); rerr != nil {
		return fmt.Errorf("container %s: %w", c.id, rerr)
	}
	if err == nil {
		err = c.cgroup.Apply(pid)
	}
	if err != nil {
		if !rootlessWithoutCgroup(err, cfg.Cgroups.Resources) {
			return fmt.Errorf("container %s: join cgroup: %w", c.id, err)
		}
		// As runc on cgroup v1: an unprivileged caller without a
		// delegated cgroup runs the container without one.
		c.log.Warn("rootless: running without a cgroup", "id", c.id, "err", err)
		destroyCgroup(c.cgroup)
		c.cgroup = nil
		return nil
	}
	if cfg.Cgroups.Resources != nil {
		if err := c.cgroup.Set(cfg.Cgroups.Resources); err != nil {
			return fmt.Errorf("container %s: set cgroup resources: %w", c.id, err)
		}
	}
	return nil
}
