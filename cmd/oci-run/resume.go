package main

import "github.com/oci-run/oci-run/libcontainer"

// cmdResume thaws a paused container.
func cmdResume(g *global, args []string) error {
	pos, err := parseArgs(newFlags("resume"), args, 1, 1, "ID")
	if err != nil {
		return err
	}
	c, err := libcontainer.Load(g.root, pos[0], g.options())
	if err != nil {
		return err
	}
	return c.Resume()
}
