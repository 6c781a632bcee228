package main

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/oci-run/oci-run/internal/phase"
	"github.com/oci-run/oci-run/libcontainer"
	"github.com/oci-run/oci-run/libcontainer/configs"
	"github.com/oci-run/oci-run/specconv"
)

// createOpts are the flags create and run share.
type createOpts struct {
	bundle        string
	pidFile       string
	consoleSocket string
	noPivot       bool
	noNewKeyring  bool
	preserveFDs   uint
	// console, when set, is used as the console socket instead of dialing
	// consoleSocket (run's own pty relay).
	console *os.File
}

func (o *createOpts) register(fs interface {
	StringVar(*string, string, string, string)
	BoolVar(*bool, string, bool, string)
	UintVar(*uint, string, uint, string)
}) {
	fs.StringVar(&o.bundle, "bundle", "", "bundle directory (default: current directory)")
	fs.StringVar(&o.bundle, "b", "", "bundle directory (short)")
	fs.StringVar(&o.pidFile, "pid-file", "", "write the init's pid to this file")
	fs.StringVar(&o.consoleSocket, "console-socket", "", "unix socket that receives the pty master")
	fs.BoolVar(&o.noPivot, "no-pivot", false, "use chroot instead of pivot_root")
	fs.BoolVar(&o.noNewKeyring, "no-new-keyring", false, "keep the caller's session keyring")
	fs.UintVar(&o.preserveFDs, "preserve-fds", 0, "pass this many extra fds (from 3) to the container")
}

// loadConfig checks the id, reads the bundle's config.json and converts it.
func (o *createOpts) loadConfig(g *global, id string) (*configs.Config, error) {
	if err := libcontainer.ValidateID(id); err != nil {
		return nil, err
	}
	bundle := o.bundle
	if bundle == "" {
		bundle = "."
	}
	abs, err := filepath.Abs(bundle)
	if err != nil {
		return nil, fmt.Errorf("bundle %s: %w", bundle, err)
	}
	spec, err := specconv.LoadSpec(abs)
	if err != nil {
		return nil, err
	}
	phase.Mark("spec decoded")
	cfg, err := specconv.ToConfig(spec, specconv.Options{
		ID:           id,
		BundleDir:    abs,
		NoPivotRoot:  o.noPivot,
		NoNewKeyring: o.noNewKeyring,
		Systemd:      g.systemdCgroup,
		Logger:       g.log,
	})
	if err != nil {
		return nil, err
	}
	phase.Mark("config converted")
	g.log.Debug("config loaded", "id", id, "since start", time.Since(startTime))
	if o.pidFile != "" {
		if o.pidFile, err = filepath.Abs(o.pidFile); err != nil {
			return nil, err
		}
	}
	return cfg, nil
}

// process builds the library Process with the caller's stdio.
func (o *createOpts) process(cfg *configs.Config) (*libcontainer.Process, func(), error) {
	p := &libcontainer.Process{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, PidFile: o.pidFile}
	cleanup := func() {}
	for i := uint(0); i < o.preserveFDs; i++ {
		fd := uintptr(3 + i)
		p.ExtraFiles = append(p.ExtraFiles, os.NewFile(fd, fmt.Sprintf("preserved-fd-%d", fd)))
	}
	if cfg.Process != nil && cfg.Process.Terminal && o.console != nil {
		p.ConsoleSocket = o.console
	} else if cfg.Process != nil && cfg.Process.Terminal {
		if o.consoleSocket == "" {
			return nil, nil, fmt.Errorf("process.terminal is true: --console-socket is required (or set terminal to false)")
		}
		f, err := dialConsoleSocket(o.consoleSocket)
		if err != nil {
			return nil, nil, err
		}
		p.ConsoleSocket = f
		cleanup = func() { f.Close() }
	} else if o.consoleSocket != "" {
		return nil, nil, fmt.Errorf("--console-socket given but process.terminal is false")
	}
	return p, cleanup, nil
}

func dialConsoleSocket(path string) (*os.File, error) {
	conn, err := net.Dial("unix", path)
	if err != nil {
		return nil, fmt.Errorf("console socket %s: %w", path, err)
	}
	defer conn.Close()
	f, err := conn.(*net.UnixConn).File()
	if err != nil {
		return nil, fmt.Errorf("console socket %s: %w", path, err)
	}
	return f, nil
}
