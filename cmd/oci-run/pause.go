package main

import "github.com/oci-run/oci-run/libcontainer"

// cmdPause freezes every process of a running container.
func cmdPause(g *global, args []string) error {
	pos, err := parseArgs(newFlags("pause"), args, 1, 1, "ID")
	if err != nil {
		return err
	}
	c, err := libcontainer.Load(g.root, pos[0], g.options())
	if err != nil {
		return err
	}
	return c.Pause()
}
