package main

import (
	"os"
	"time"

	"golang.org/x/sys/unix"

	"github.com/oci-run/oci-run/internal/phase"
	"github.com/oci-run/oci-run/libcontainer"
)

func cmdRun(g *global, args []string) error {
	var o createOpts
	var detach, keep bool
	fs := newFlags("run")
	o.register(fs)
	fs.BoolVar(&detach, "detach", false, "do not wait for the container")
	fs.BoolVar(&detach, "d", false, "do not wait for the container (short)")
	fs.BoolVar(&keep, "keep", false, "keep the container's state after it exits")
	pos, err := parseArgs(fs, args, 1, 1, "[--bundle DIR] [--detach] [--keep] ID")
	if err != nil {
		return err
	}
	id := pos[0]
	cfg, err := o.loadConfig(g, id)
	if err != nil {
		return err
	}
	var tty *ttyRelay
	if !detach && cfg.Process != nil && cfg.Process.Terminal && o.consoleSocket == "" {
		// Foreground with a terminal: oci-run itself holds the pty master
		// and relays it to its own stdio.
		if tty, err = newTTYRelay(); err != nil {
			return err
		}
		defer tty.close()
		o.console = tty.remote
	}
	p, cleanup, err := o.process(cfg)
	if err != nil {
		return err
	}
	defer cleanup()
	if !detach {
		// The init may be our grandchild (when the C stage forks); as a
		// subreaper we can still wait for it.
		if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
			return err
		}
	}
	c, err := libcontainer.New(g.root, id, cfg, g.createOptions())
	if err != nil {
		return err
	}
	// Forward every signal (signals.go); no Stop: the process exits
	// right after.
	var sigs <-chan os.Signal
	if !detach {
		sigs = catchSignals()
	}
	t0 := time.Now()
	if err := c.Run(p); err != nil {
		return err
	}
	phase.Mark("started")
	g.log.Debug("container running", "id", id, "took", time.Since(t0))
	if detach {
		return nil
	}
	if tty != nil {
		if err := tty.attach(); err != nil {
			c.Destroy(true)
			return err
		}
	}
	ws := forwardSignals(sigs, tty, func(sig unix.Signal) {
		if err := c.Signal(sig, false); err != nil {
			g.log.Debug("forward signal", "signal", sig, "err", err)
		}
	}, func() unix.WaitStatus {
		ws, err := c.Wait()
		if err != nil {
			g.log.Warn("wait for container", "id", id, "err", err)
		}
		return ws
	})
	phase.Mark("container exited")
	g.log.Debug("container exited", "id", id, "after", time.Since(t0))
	if !keep {
		t1 := time.Now()
		if err := c.Destroy(true); err != nil {
			g.log.Warn("delete container", "id", id, "err", err)
		}
		g.log.Debug("container deleted", "id", id, "took", time.Since(t1))
	}
	return &exitError{code: libcontainer.ExitCode(ws)}
}
