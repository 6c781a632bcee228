package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/oci-run/oci-run/libcontainer"
	"github.com/oci-run/oci-run/libcontainer/configs"
	"github.com/oci-run/oci-run/specconv"
)

// listFlag collects a repeatable flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

type execOpts struct {
	processFile   string
	tty           bool
	detach        bool
	consoleSocket string
	pidFile       string
	cwd           string
	env           listFlag
	user          string
	groups        listFlag
	caps          listFlag
	noNewPrivs    bool
	apparmor      string
	processLabel  string
	preserveFDs   uint
	ignorePaused  bool
	cgroup        listFlag
}

func (o *execOpts) register(fs *flag.FlagSet) {
	fs.StringVar(&o.processFile, "process", "", "path to a process.json")
	fs.StringVar(&o.processFile, "p", "", "path to a process.json (short)")
	fs.BoolVar(&o.tty, "tty", false, "allocate a pseudo-TTY")
	fs.BoolVar(&o.tty, "t", false, "allocate a pseudo-TTY (short)")
	fs.BoolVar(&o.detach, "detach", false, "do not wait for the process")
	fs.BoolVar(&o.detach, "d", false, "do not wait for the process (short)")
	fs.StringVar(&o.consoleSocket, "console-socket", "", "unix socket that receives the pty master")
	fs.StringVar(&o.pidFile, "pid-file", "", "write the process's pid to this file")
	fs.StringVar(&o.cwd, "cwd", "", "working directory in the container")
	fs.Var(&o.env, "env", "set an environment variable (repeatable)")
	fs.Var(&o.env, "e", "set an environment variable (short)")
	fs.StringVar(&o.user, "user", "", "uid[:gid]")
	fs.StringVar(&o.user, "u", "", "uid[:gid] (short)")
	fs.Var(&o.groups, "additional-gids", "additional gid (repeatable)")
	fs.Var(&o.groups, "g", "additional gid (short)")
	fs.Var(&o.caps, "cap", "add a capability (repeatable)")
	fs.Var(&o.caps, "c", "add a capability (short)")
	fs.BoolVar(&o.noNewPrivs, "no-new-privs", false, "set no_new_privs")
	fs.StringVar(&o.apparmor, "apparmor", "", "AppArmor profile")
	fs.StringVar(&o.processLabel, "process-label", "", "SELinux process label")
	fs.UintVar(&o.preserveFDs, "preserve-fds", 0, "pass this many extra fds (from 3)")
	fs.BoolVar(&o.ignorePaused, "ignore-paused", false, "exec even if the container is paused")
	fs.Var(&o.cgroup, "cgroup", "run in an existing sub-cgroup: [controller[,controller]:]path (repeatable)")
}

func cmdExec(g *global, args []string) error {
	var o execOpts
	fs := newFlags("exec")
	o.register(fs)
	// Flags end at the container id: everything after it is the command.
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("exec: %w", err)
	}
	pos := fs.Args()
	if len(pos) < 1 || (len(pos) < 2 && o.processFile == "") {
		return fmt.Errorf("exec: usage: oci-run exec [options] ID COMMAND [ARGS...] (or --process FILE ID)")
	}
	sub, err := parseSubCgroups(o.cgroup)
	if err != nil {
		return err
	}
	id := pos[0]
	c, err := libcontainer.Load(g.root, id, g.options())
	if err != nil {
		return err
	}
	cfg := c.Config()
	if cfg == nil {
		return fmt.Errorf("container %s is not created yet", id)
	}
	spec, err := o.processSpec(g, cfg, pos[1:])
	if err != nil {
		return err
	}
	p := &libcontainer.Process{Spec: spec, Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, SubCgroup: sub}
	if o.pidFile != "" {
		if p.PidFile, err = filepath.Abs(o.pidFile); err != nil {
			return err
		}
	}
	for i := uint(0); i < o.preserveFDs; i++ {
		p.ExtraFiles = append(p.ExtraFiles, os.NewFile(uintptr(3+i), fmt.Sprintf("preserved-fd-%d", 3+i)))
	}
	var tty *ttyRelay
	if spec.Terminal {
		switch {
		case o.consoleSocket != "":
			f, err := dialConsoleSocket(o.consoleSocket)
			if err != nil {
				return err
			}
			defer f.Close()
			p.ConsoleSocket = f
		case o.detach:
			return fmt.Errorf("exec: --tty with --detach needs --console-socket")
		default:
			if tty, err = newTTYRelay(); err != nil {
				return err
			}
			defer tty.close()
			p.ConsoleSocket = tty.remote
		}
	} else if o.consoleSocket != "" {
		return fmt.Errorf("exec: --console-socket needs --tty")
	}
	// Forward every signal (signals.go).
	var sigs <-chan os.Signal
	if !o.detach {
		sigs = catchSignals()
	}
	proc, err := c.Exec(p, o.ignorePaused)
	if err != nil {
		return err
	}
	if o.detach {
		return nil
	}
	if tty != nil {
		if err := tty.attach(); err != nil {
			proc.Signal(unix.SIGKILL)
			proc.Wait()
			return err
		}
	}
	ws := forwardSignals(sigs, tty, func(sig unix.Signal) { proc.Signal(sig) },
		func() unix.WaitStatus { ws, _ := proc.Wait(); return ws })
	return &exitError{code: libcontainer.ExitCode(ws)}
}

// processSpec builds the process: from --process, or from the container's
// own process with the command line's changes (as runc exec does).
func (o *execOpts) processSpec(g *global, cfg *configs.Config, argv []string) (*configs.Process, error) {
	if o.processFile != "" {
		b, err := os.ReadFile(o.processFile)
		if err != nil {
			return nil, fmt.Errorf("exec: --process: %w", err)
		}
		var sp specs.Process
		if err := json.Unmarshal(b, &sp); err != nil {
			return nil, fmt.Errorf("exec: --process %s: %w", o.processFile, err)
		}
		return specconv.ToProcess(&sp, g.log)
	}
	base := configs.Process{Cwd: "/"}
	if cfg.Process != nil {
		base = *cfg.Process
	}
	p := base
	p.Args = argv
	p.Terminal = o.tty
	p.Env = append(append([]string{}, base.Env...), o.env...)
	if o.cwd != "" {
		p.Cwd = o.cwd
	}
	if o.user != "" {
		uid, gid, err := parseUser(o.user)
		if err != nil {
			return nil, err
		}
		p.User = configs.User{UID: uid, GID: gid, Umask: base.User.Umask}
	}
	for _, s := range o.groups {
		n, err := strconv.ParseUint(s, 10, 32)
		if err != nil {
			return nil, fmt.Errorf("exec: --additional-gids %q: not a number", s)
		}
		p.User.AdditionalGids = append(p.User.AdditionalGids, uint32(n))
	}
	if len(o.caps) > 0 {
		var caps configs.Capabilities
		if base.Capabilities != nil {
			caps = *base.Capabilities
		}
		for _, name := range o.caps {
			name = strings.ToUpper(name)
			if !strings.HasPrefix(name, "CAP_") {
				name = "CAP_" + name
			}
			if _, ok := configs.CapabilityValue(name); !ok {
				return nil, fmt.Errorf("exec: --cap %q: unknown capability", name)
			}
			// Never inheritable or ambient from --cap (CVE-2022-29162).
			caps.Bounding = append(append([]string{}, caps.Bounding...), name)
			caps.Effective = append(append([]string{}, caps.Effective...), name)
			caps.Permitted = append(append([]string{}, caps.Permitted...), name)
		}
		p.Capabilities = &caps
	}
	if o.noNewPrivs {
		p.NoNewPrivileges = true
	}
	if o.apparmor != "" {
		p.AppArmorProfile = o.apparmor
	}
	if o.processLabel != "" {
		p.SelinuxLabel = o.processLabel
	}
	return &p, nil
}

func parseUser(s string) (uint32, uint32, error) {
	us, gs, hasGID := strings.Cut(s, ":")
	uid, err := strconv.ParseUint(us, 10, 32)
	if err != nil {
		return 0, 0, fmt.Errorf("exec: --user %q: uid must be a number", s)
	}
	gid := uint64(0)
	if hasGID {
		if gid, err = strconv.ParseUint(gs, 10, 32); err != nil {
			return 0, 0, fmt.Errorf("exec: --user %q: gid must be a number", s)
		}
	}
	return uint32(uid), uint32(gid), nil
}

// parseSubCgroups reads runc's --cgroup values: "path" for every
// controller, or "ctrl[,ctrl]:path".
func parseSubCgroups(vals []string) (map[string]string, error) {
	if len(vals) == 0 {
		return nil, nil
	}
	out := map[string]string{}
	for _, v := range vals {
		ctrls, path, ok := strings.Cut(v, ":")
		if !ok {
			ctrls, path = "", v
		}
		if path == "" {
			return nil, fmt.Errorf("exec: --cgroup %q: empty path", v)
		}
		for _, c := range strings.Split(ctrls, ",") {
			if _, dup := out[c]; dup {
				return nil, fmt.Errorf("exec: --cgroup %q: controller %q given twice", v, c)
			}
			out[c] = path
		}
	}
	return out, nil
}
