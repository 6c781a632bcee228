package libcontainer

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/oci-run/oci-run/cgroups"
	"github.com/oci-run/oci-run/libcontainer/configs"
	"github.com/oci-run/oci-run/nsenter"
)

// ExecProcess is a process started in a running container by Exec.
type ExecProcess struct {
	ip *initProcess
}

// Pid returns the process's host pid.
func (e *ExecProcess) Pid() int { return e.ip.pid }

// Wait waits for the process to exit and returns its wait status.
func (e *ExecProcess) Wait() (unix.WaitStatus, error) {
	if err := e.ip.wait(); err != nil {
		return 0, err
	}
	e.ip.release()
	return e.ip.status, nil
}

// Signal sends sig to the process.
func (e *ExecProcess) Signal(sig unix.Signal) error {
	if e.ip.pidfd < 0 {
		return ErrNotRunning
	}
	return unix.PidfdSendSignal(e.ip.pidfd, sig, nil, 0)
}

// Exec runs p.Spec inside the container: the C stage joins every namespace
// of the container's init before the Go runtime starts, the parent adds the
// process to the container's cgroup, and the Go side applies the process's
// user, capabilities, rlimits and no_new_privs and execs it. Exec returns
// once execve has succeeded (or with the error that stopped it). The
// container must be created or running (paused only with ignorePaused).
func (c *Container) Exec(p *Process, ignorePaused bool) (*ExecProcess, error) {
	if p == nil || p.Spec == nil || len(p.Spec.Args) == 0 {
		return nil, fmt.Errorf("container %s: exec: no process to run", c.id)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	// The sealed binary's mounts overlap the status, cgroup and config
	// loading below (see sealPrep).
	c.sealPrep = startSeal(c.initExePath())
	defer c.dropSeal()
	st, err := c.statusLocked()
	if err != nil {
		return nil, err
	}
	switch {
	case st == Running || st == Created:
	case st == Paused && ignorePaused:
	default:
		return nil, &StateError{ID: c.id, Op: "exec in", Status: st}
	}
	if err := c.loadCgroup(); err != nil {
		return nil, err
	}
	pidfd, err := openPidfd(c.state.InitPid, c.state.InitStartTime)
	if err != nil {
		return nil, &StateError{ID: c.id, Op: "exec in", Status: Stopped}
	}
	defer unix.Close(pidfd)
	if _, err := c.configLocked(); err != nil {
		return nil, err
	}
	c.lsmHost = probeLSM(c.config, p.Spec)
	if err := checkLSM(c.id, c.config, p.Spec, c.lsmHost); err != nil {
		return nil, err
	}
	ip, err := c.spawnExec(p)
	if err != nil {
		return nil, err
	}
	if p.PidFile != "" {
		if err := writePidFile(p.PidFile, ip.pid); err != nil {
			ip.kill()
			return nil, err
		}
	}
	return &ExecProcess{ip: ip}, nil
}

func (c *Container) spawnExec(p *Process) (*initProcess, error) {
	cfg, spec := c.config, p.Spec
	boot := &nsenter.Bootstrap{}
	for _, t := range configs.AllNamespaceTypes {
		if cfg.Namespaces.Contains(t) {
			boot.Joins = append(boot.Joins, nsenter.Join{Type: t.CloneFlag(),
				Path: "/proc/" + strconv.Itoa(c.state.InitPid) + "/ns/" + t.ProcName()})
		}
	}
	cx, _, inC, err := c.cExecSpec(spec)
	if err != nil {
		return nil, err
	}
	var cxBytes []byte
	if inC {
		if cxBytes, err = cx.Encode(); err != nil {
			return nil, fmt.Errorf("container %s: exec: %w", c.id, err)
		}
		boot.Exec = true
	}
	var tail []*os.File
	consoleFD := -1
	if spec.Terminal {
		if p.ConsoleSocket == nil {
			return nil, fmt.Errorf("container %s: exec: terminal requested but no console socket was given", c.id)
		}
		consoleFD = 3 + len(p.ExtraFiles) + 1
		tail = append(tail, p.ConsoleSocket)
	}
	ip, err := c.launch(p, spec, boot, tail, &syscall.SysProcAttr{}, nil, nil)
	if err != nil {
		return nil, err
	}
	if c.cgroup != nil {
		m, err := c.execCgroup(p.SubCgroup)
		if err == nil {
			err = m.Apply(ip.pid)
		}
		if err != nil {
			ip.kill()
			return nil, fmt.Errorf("container %s: exec: join cgroup: %w", c.id, err)
		}
	} else if len(p.SubCgroup) > 0 {
		ip.kill()
		return nil, fmt.Errorf("container %s: exec: a sub-cgroup was given but the container has no cgroup", c.id)
	}
	if inC {
		err = nsenter.WriteFrame(ip.sock, nsenter.MsgExecSpec, cxBytes)
	} else {
		// The exec init only applies the process's settings, the seccomp
		// filter and the OOM score: send just those (decoding the whole
		// config cost it ~1 ms).
		execCfg := &configs.Config{Seccomp: cfg.Seccomp, OOMScoreAdj: cfg.OOMScoreAdj}
		ic := &initConfig{ID: c.id, Config: execCfg, Process: spec, Bundle: bundleOf(cfg),
			FifoFD: -1, ConsoleFD: consoleFD, Exec: true, LSM: c.lsmHost}
		err = writeJSONFrame(ip.sock, msgInitConfig, ic)
	}
	if err != nil {
		ip.kill()
		return nil, ip.died(err)
	}
	// The sync socket is close-on-exec: EOF means execve succeeded.
	typ, payload, err := nsenter.ReadFrame(ip.sock, nsenter.MaxFrame)
	for err == nil && typ == msgSeccompFd {
		if err = c.handleSeccompFd(ip, payload, Running); err != nil {
			nsenter.WriteFrame(ip.sock, nsenter.MsgError, []byte(err.Error()))
			ip.closeSock()
			ip.kill()
			return nil, err
		}
		typ, payload, err = nsenter.ReadFrame(ip.sock, nsenter.MaxFrame)
	}
	ip.closeSock()
	switch {
	case errors.Is(err, io.EOF):
		return ip, nil
	case err != nil:
		ip.kill()
		return nil, fmt.Errorf("container %s: exec: %w", c.id, err)
	case typ == nsenter.MsgError:
		ip.kill()
		return nil, &InitError{ID: c.id, Msg: string(payload)}
	default:
		ip.kill()
		return nil, fmt.Errorf("container %s: exec: unexpected sync frame %d", c.id, typ)
	}
}

// execCgroup is the cgroup an exec'd process joins: the container's, or an
// existing sub-cgroup of it.
func (c *Container) execCgroup(sub map[string]string) (cgroups.Manager, error) {
	if len(sub) == 0 {
		return c.cgroup, nil
	}
	paths := map[string]string{}
	used := map[string]bool{}
	for ctrl, dir := range c.cgroup.Paths() {
		rel, ok := sub[ctrl]
		if ok {
			used[ctrl] = true
		} else {
			rel, ok = sub[""]
		}
		if !ok || strings.Contains(ctrl, ":") {
			paths[ctrl] = dir
			continue
		}
		clean := filepath.Clean(rel)
		if clean == "." || filepath.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, "../") {
			return nil, fmt.Errorf("sub-cgroup %q: must be a relative path below the container's cgroup", rel)
		}
		full := filepath.Join(dir, clean)
		if fi, err := os.Stat(full); err != nil || !fi.IsDir() {
			return nil, fmt.Errorf("sub-cgroup %s does not exist", full)
		}
		paths[ctrl] = full
	}
	for ctrl := range sub {
		if ctrl != "" && !used[ctrl] {
			return nil, fmt.Errorf("sub-cgroup for controller %q: the container has no such controller", ctrl)
		}
	}
	return cgroups.Load(paths, c.opts.Cgroups)
}
