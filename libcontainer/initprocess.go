package libcontainer

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"syscall"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/oci-run/oci-run/internal/phase"
	"github.com/oci-run/oci-run/libcontainer/configs"
	"github.com/oci-run/oci-run/nsenter"
)

// initProcess is the parent's handle on a container init it started.
type initProcess struct {
	id        string
	child     int  // our direct child: the init, or the C stage's intermediate
	direct    bool // the init itself is our child (no C-stage fork)
	pid       int
	pidfd     int
	startTime uint64
	created   time.Time
	sock      *os.File // parent end of the sync socket
	specSent  bool     // launch already sent the C init's MsgExecSpec
	cgDone    bool     // launch already sent msgCgroupDone...
	cgDoneErr error    // ...or tried to, and the write failed
	waited    bool
	status    unix.WaitStatus
}

// spawnInit re-execs the runtime binary (from a sealed handle) as the
// container init, runs the C stage's part of the sync protocol and returns
// once the init's pid is known.
//
// inC selects the C init: the C stage reads a MsgExecSpec frame with an
// init plan (cInitSpec) instead of starting the Go init.
func spawnInit(c *Container, p *Process, spec *configs.Process, fifo *os.File, trees []idmappedTree, inC bool, cInit []byte, early func(pid int) error) (*initProcess, error) {
	cfg := c.config
	// Keep in step with sendConfig, which tells the init these fd numbers.
	var tail []*os.File
	if fifo != nil {
		tail = append(tail, fifo)
	}
	if spec.Terminal && p.ConsoleSocket != nil {
		tail = append(tail, p.ConsoleSocket)
	}
	for _, t := range trees {
		tail = append(tail, t.file)
	}
	boot, fast := bootstrapFor(cfg)
	boot.Exec = inC
	attr := &syscall.SysProcAttr{}
	if fast {
		attr.Cloneflags = cfg.Namespaces.CloneFlags() &^ unix.CLONE_NEWCGROUP
		if attr.Cloneflags&unix.CLONE_NEWUSER != 0 {
			attr.UidMappings = sysIDMaps(cfg.UIDMappings)
			attr.GidMappings = sysIDMaps(cfg.GIDMappings)
			// An unprivileged caller may write a gid map only after
			// setgroups is denied in the new namespace (user_namespaces(7)).
			rootless := os.Geteuid() != 0
			attr.GidMappingsEnableSetgroups = !rootless
			// Become root of the new user namespace before execve, or the
			// init (still the unmapped host uid) loses every capability
			// at exec. The C path does the same with setresuid(0).
			if _, ok := cfg.HostUID(0); ok {
				if _, ok := cfg.HostGID(0); ok {
					attr.Credential = &syscall.Credential{Uid: 0, Gid: 0, NoSetGroups: rootless}
				}
			}
		}
	}
	return c.launch(p, spec, boot, tail, attr, cInit, early)
}

// launch starts the runtime binary, opened through a sealed read-only
// handle, as a child with the sync socket at fd 3+len(p.ExtraFiles) and
// tail right after it, and runs the C stage's half of the protocol.
//
// early, if set, runs right after the child started when the child itself
// will be the init (no C-stage fork), overlapping the child's exec and
// runtime start: create joins it to its cgroup there.
//
// cInit, if set, is the C init's MsgExecSpec. It is written right after
// the bootstrap, before early, so the C init has its plan and sets up the
// root filesystem while the parent moves it into its cgroup (it waits for
// MsgCgroupDone before anything that depends on the cgroup). Not with a
// user namespace made by the C stage: that stage waits for the parent's
// id maps before reading on, and a large spec could then fill the socket
// with nobody reading; create sends it after the bootstrap then.
func (c *Container) launch(p *Process, spec *configs.Process, boot *nsenter.Bootstrap, tail []*os.File, attr *syscall.SysProcAttr, cInit []byte, early func(pid int) error) (*initProcess, error) {
	bootBytes, err := boot.Encode()
	if err != nil {
		return nil, fmt.Errorf("container %s: bootstrap: %w", c.id, err)
	}
	exe, err := c.sealedInit(c.initExePath())
	if err != nil {
		return nil, fmt.Errorf("container %s: %w", c.id, err)
	}
	defer exe.Close()
	phase.Mark("exe sealed")
	// Keep the exe handle above every fd the child gets, so the dup2s that
	// place ExtraFiles can never land on it before execve resolves it.
	hi, err := unix.FcntlInt(exe.Fd(), unix.F_DUPFD_CLOEXEC, 100+len(p.ExtraFiles)+len(tail))
	if err != nil {
		return nil, fmt.Errorf("container %s: dup sealed exe: %w", c.id, err)
	}
	exeHi := os.NewFile(uintptr(hi), "oci-run-sealed")
	defer exeHi.Close()

	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("container %s: sync socketpair: %w", c.id, err)
	}
	parentSock := os.NewFile(uintptr(fds[0]), "sync-parent")
	childSock := os.NewFile(uintptr(fds[1]), "sync-child")
	defer childSock.Close()

	args := c.opts.InitArgs
	if len(args) == 0 {
		args = []string{os.Args[0], "init"}
	}
	extra := append([]*os.File{}, p.ExtraFiles...)
	syncFD := 3 + len(extra)
	extra = append(append(extra, childSock), tail...)
	// The init is short-lived, single-threaded work: one P and no GC make
	// its runtime start and run faster (measured ~1 ms).
	env := []string{nsenter.EnvInit + "=1", nsenter.EnvSyncFD + "=" + strconv.Itoa(syncFD),
		"GOMAXPROCS=1", "GOGC=off"}
	var stdio [3]*os.File
	if !spec.Terminal {
		stdio = [3]*os.File{p.Stdin, p.Stdout, p.Stderr}
	}
	child, err := startChild("/proc/self/fd/"+strconv.Itoa(hi), args, env, stdio, extra, attr)
	if err != nil {
		parentSock.Close()
		return nil, fmt.Errorf("container %s: start init: %w", c.id, err)
	}
	childSock.Close()
	phase.Mark("init exec'd")
	ip := &initProcess{id: c.id, child: child, sock: parentSock, pidfd: -1, created: time.Now().UTC()}
	if err := nsenter.WriteFrame(ip.sock, nsenter.MsgBootstrap, bootBytes); err != nil {
		ip.kill()
		return nil, ip.died(fmt.Errorf("send bootstrap: %w", err))
	}
	if cInit != nil && boot.CloneFlags&unix.CLONE_NEWUSER == 0 {
		if err := nsenter.WriteFrame(ip.sock, nsenter.MsgExecSpec, cInit); err != nil {
			ip.kill()
			return nil, ip.died(fmt.Errorf("send init spec: %w", err))
		}
		ip.specSent = true
	}
	if early != nil && !boot.NeedsFork() {
		if err := early(child); err != nil {
			ip.kill()
			return nil, err
		}
		// The C init has its spec and waits for nothing else from us
		// before msgCgroupDone: send it now rather than after reading
		// its pid back, so that it goes on with the cgroup-dependent
		// part of its set-up (devices, the cgroup mount, pivot_root)
		// while we read the pid and open a pidfd (~0.6 ms).
		//
		// A failed write means the init has exited, and its MsgError
		// comes after MsgChildPid in the socket: create reports the
		// failure once it has read the pid, as it did when it wrote
		// this frame itself.
		if ip.specSent {
			ip.cgDoneErr = nsenter.WriteFrame(ip.sock, msgCgroupDone, nil)
			ip.cgDone = true
		}
	}
	phase.Mark("bootstrap sent")
	if err := ip.bootstrap(c.config); err != nil {
		ip.kill()
		return nil, err
	}
	return ip, nil
}

func sysIDMaps(m []configs.IDMap) []syscall.SysProcIDMap {
	out := make([]syscall.SysProcIDMap, len(m))
	for i, e := range m {
		out[i] = syscall.SysProcIDMap{ContainerID: int(e.ContainerID), HostID: int(e.HostID), Size: int(e.Size)}
	}
	return out
}

// bootstrap runs the rest of the C stage's half of the protocol (the
// bootstrap is sent): answer a uid/gid map request, learn the init's pid.
func (ip *initProcess) bootstrap(cfg *configs.Config) error {
	for {
		typ, payload, err := nsenter.ReadFrame(ip.sock, nsenter.MaxFrame)
		if err != nil {
			return ip.died(fmt.Errorf("read from init: %w", err))
		}
		switch typ {
		case nsenter.MsgUsermapReq:
			if len(payload) != 4 {
				return fmt.Errorf("container %s: bad usermap request", ip.id)
			}
			pid := int(binary.LittleEndian.Uint32(payload))
			if err := writeIDMaps(pid, cfg); err != nil {
				nsenter.WriteFrame(ip.sock, nsenter.MsgError, []byte(err.Error()))
				return fmt.Errorf("container %s: %w", ip.id, err)
			}
			if err := nsenter.WriteFrame(ip.sock, nsenter.MsgUsermapAck, nil); err != nil {
				return ip.died(err)
			}
		case nsenter.MsgChildPid:
			if len(payload) != 4 {
				return fmt.Errorf("container %s: bad child pid message", ip.id)
			}
			ip.pid = int(binary.LittleEndian.Uint32(payload))
			return ip.adoptPid()
		case nsenter.MsgError:
			return &InitError{ID: ip.id, Msg: string(payload)}
		default:
			return fmt.Errorf("container %s: unexpected sync frame %d from init", ip.id, typ)
		}
	}
}

// adoptPid finishes learning the init's pid: reaps the C stage's
// intermediate if there was one, and pins the init with a pidfd.
func (ip *initProcess) adoptPid() error {
	ip.direct = ip.pid == ip.child
	if !ip.direct {
		if err := reapChild(ip.child); err != nil {
			return fmt.Errorf("container %s: init intermediate: %w", ip.id, err)
		}
	}
	fd, err := unix.PidfdOpen(ip.pid, 0)
	if err != nil {
		return fmt.Errorf("container %s: pidfd_open %d: %w", ip.id, ip.pid, err)
	}
	ip.pidfd = fd
	st, err := readProcStat(ip.pid)
	if err != nil {
		return fmt.Errorf("container %s: init %d: %w", ip.id, ip.pid, err)
	}
	ip.startTime = st.StartTime
	return nil
}

// initConfigFor builds the init's configuration. Everything in it is known
// before the init starts, so create encodes it while the init starts.
func (c *Container) initConfigFor(p *Process, spec *configs.Process, fifo *os.File, trees []idmappedTree) (*initConfig, error) {
	cfg := c.config
	// The init never touches the cgroup settings (the parent applies
	// them): leave them out of what it has to decode.
	initCfg := *cfg
	initCfg.Cgroups = nil
	ic := &initConfig{
		ID:             c.id,
		Config:         &initCfg,
		Process:        spec,
		Bundle:         bundleOf(cfg),
		FifoFD:         -1,
		ConsoleFD:      -1,
		HasParentHooks: len(cfg.Hooks[configs.Prestart])+len(cfg.Hooks[configs.CreateRuntime]) > 0,
		LSM:            c.lsmHost,
	}
	// The fd numbers follow spawnInit's order: sync socket, fifo,
	// console socket, idmapped trees.
	next := 3 + len(p.ExtraFiles) + 1
	if fifo != nil {
		ic.FifoFD = next
		next++
	}
	if spec.Terminal {
		if p.ConsoleSocket == nil {
			return nil, fmt.Errorf("container %s: process.terminal is set but no console socket was given", c.id)
		}
		ic.ConsoleFD = next
		next++
	}
	for _, t := range trees {
		if ic.IDMappedTrees == nil {
			ic.IDMappedTrees = map[int]int{}
		}
		ic.IDMappedTrees[t.index] = next
		next++
	}
	if c.cgroup != nil {
		ic.CgroupPaths = c.cgroup.Paths()
	}
	return ic, nil
}

// encoded is an init configuration encoded in the background.
type encoded struct {
	b   []byte
	err error
}

func encodeAsync(ic *initConfig) <-chan encoded {
	ch := make(chan encoded, 1)
	go func() {
		b, err := marshalFrame(ic)
		ch <- encoded{b, err}
	}()
	return ch
}

// sendConfig sends the init its encoded configuration.
func (ip *initProcess) sendConfig(b []byte) error {
	if err := nsenter.WriteFrame(ip.sock, msgInitConfig, b); err != nil {
		return ip.died(fmt.Errorf("send config: %w", err))
	}
	return nil
}

// serve answers the init's requests until it reports ready.
func (ip *initProcess) serve(c *Container) error {
	cfg := c.config
	for {
		typ, payload, err := nsenter.ReadFrame(ip.sock, nsenter.MaxFrame)
		if err != nil {
			return ip.died(fmt.Errorf("read from init: %w", err))
		}
		switch typ {
		case msgHooksReq:
			st := c.ociState(Creating, ip.pid)
			err := runHooks(cfg.Hooks, configs.Prestart, st)
			if err == nil {
				err = runHooks(cfg.Hooks, configs.CreateRuntime, st)
			}
			if err != nil {
				nsenter.WriteFrame(ip.sock, nsenter.MsgError, []byte(err.Error()))
				return fmt.Errorf("container %s: %w", c.id, err)
			}
			if err := nsenter.WriteFrame(ip.sock, msgHooksDone, nil); err != nil {
				return ip.died(err)
			}
		case msgSeccompFd:
			if err := c.handleSeccompFd(ip, payload, Creating); err != nil {
				nsenter.WriteFrame(ip.sock, nsenter.MsgError, []byte(err.Error()))
				return err
			}
		case msgReady:
			var warnings []string
			if json.Unmarshal(payload, &warnings) == nil {
				for _, w := range warnings {
					c.log.Warn("seccomp: unknown syscall ignored", "id", c.id, "syscall", w)
				}
			}
			return nil
		case nsenter.MsgError:
			return &InitError{ID: c.id, Msg: string(payload)}
		default:
			return fmt.Errorf("container %s: unexpected sync frame %d from init", c.id, typ)
		}
	}
}

// start tells an init created without a fifo to exec the process, and
// waits for the exec to succeed (the sync socket closes on exec).
func (ip *initProcess) start() error {
	defer ip.closeSock()
	if err := nsenter.WriteFrame(ip.sock, msgStart, nil); err != nil {
		return ip.died(err)
	}
	typ, payload, err := nsenter.ReadFrame(ip.sock, nsenter.MaxFrame)
	if errors.Is(err, io.EOF) {
		return nil
	}
	if err != nil {
		return err
	}
	if typ == nsenter.MsgError {
		return &InitError{ID: ip.id, Msg: string(payload)}
	}
	return fmt.Errorf("unexpected sync frame %d from init", typ)
}

func (ip *initProcess) closeSock() {
	if ip.sock != nil {
		ip.sock.Close()
		ip.sock = nil
	}
}

// died turns a failed exchange with the init into an error, with the
// init's exit status when it died on its own. An init that is still alive
// (the failure was ours) is killed rather than waited for.
func (ip *initProcess) died(err error) error {
	// A write that found the socket closed: the init may have said why
	// before it exited (it reads nothing while it fails), so read that.
	if ip.sock != nil && (errors.Is(err, unix.EPIPE) || errors.Is(err, unix.ECONNRESET)) {
		if typ, payload, rerr := nsenter.ReadFrame(ip.sock, nsenter.MaxFrame); rerr == nil && typ == nsenter.MsgError {
			return &InitError{ID: ip.id, Msg: string(payload)}
		}
	}
	if ip.direct || ip.pid == 0 {
		pid := ip.pid
		if pid == 0 {
			pid = ip.child
		}
		if fd, e := unix.PidfdOpen(pid, 0); e == nil {
			exited := waitPidfdExit(fd, 2*time.Second)
			if !exited {
				unix.PidfdSendSignal(fd, unix.SIGKILL, nil, 0)
			}
			unix.Close(fd)
			if exited && ip.wait() == nil {
				return fmt.Errorf("container %s: init exited (%s) during setup: %w", ip.id, describeStatus(ip.status), err)
			}
		}
	}
	return fmt.Errorf("container %s: %w", ip.id, err)
}

// kill SIGKILLs the init (and the intermediate), and reaps what is ours.
func (ip *initProcess) kill() {
	if ip.pidfd >= 0 {
		unix.PidfdSendSignal(ip.pidfd, unix.SIGKILL, nil, 0)
	} else if ip.child > 0 {
		unix.Kill(ip.child, unix.SIGKILL)
	}
	if ip.direct || ip.pid == 0 {
		ip.wait()
	} else if ip.pidfd >= 0 {
		waitPidfdExit(ip.pidfd, 5*time.Second)
		unix.Wait4(ip.pid, nil, unix.WNOHANG, nil) // reap if we are its subreaper
	}
	ip.closeSock()
	ip.release()
}

func (ip *initProcess) release() {
	if ip.pidfd >= 0 {
		unix.Close(ip.pidfd)
		ip.pidfd = -1
	}
}

// wait waits for the init (or, before its pid is known, our child) to exit
// and records its status. The init must be our child or, after the C
// stage forked, we must be its subreaper.
func (ip *initProcess) wait() error {
	if ip.waited {
		return nil
	}
	pid := ip.pid
	if pid == 0 {
		pid = ip.child
	}
	ws, err := waitPid(pid)
	if err != nil {
		return fmt.Errorf("wait for init %d: %w", pid, err)
	}
	ip.waited, ip.status = true, ws
	return nil
}

func describeStatus(ws unix.WaitStatus) string {
	if ws.Signaled() {
		return "killed by " + ws.Signal().String()
	}
	return "exit status " + strconv.Itoa(ws.ExitStatus())
}

// ociState is the OCI state handed to hooks.
func (c *Container) ociState(status Status, pid int) *specs.State {
	st := &specs.State{
		Version: specs.Version,
		ID:      c.id,
		Status:  specs.ContainerState(status),
		Pid:     pid,
	}
	switch {
	case c.config != nil:
		st.Bundle, st.Annotations = bundleOf(c.config), c.config.Annotations
	case c.state != nil:
		st.Bundle, st.Annotations = c.state.Bundle, c.state.Annotations
	}
	return st
}
