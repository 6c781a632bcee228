package main

import (
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/oci-run/oci-run/libcontainer"
)

func cmdKill(g *global, args []string) error {
	var all bool
	fs := newFlags("kill")
	fs.BoolVar(&all, "all", false, "send the signal to every process in the container")
	fs.BoolVar(&all, "a", false, "send the signal to every process in the container (short)")
	pos, err := parseArgs(fs, args, 1, 2, "[--all] ID [SIGNAL]")
	if err != nil {
		return err
	}
	sig := unix.SIGTERM
	if len(pos) == 2 {
		if sig, err = parseSignal(pos[1]); err != nil {
			return err
		}
	}
	c, err := libcontainer.Load(g.root, pos[0], g.options())
	if err != nil {
		return err
	}
	return c.Signal(sig, all)
}

// parseSignal takes "KILL", "SIGKILL", "kill" or "9".
func parseSignal(s string) (unix.Signal, error) {
	if n, err := strconv.Atoi(s); err == nil {
		if n <= 0 || n > 64 {
			return 0, fmt.Errorf("invalid signal %q", s)
		}
		return unix.Signal(n), nil
	}
	name := strings.ToUpper(s)
	if !strings.HasPrefix(name, "SIG") {
		name = "SIG" + name
	}
	if sig := unix.SignalNum(name); sig != 0 {
		return sig, nil
	}
	return 0, fmt.Errorf("unknown signal %q", s)
}
