package main

import (
	"errors"

	"github.com/oci-run/oci-run/libcontainer"
)

func cmdDelete(g *global, args []string) error {
	var force bool
	fs := newFlags("delete")
	fs.BoolVar(&force, "force", false, "kill the container first if it is running")
	fs.BoolVar(&force, "f", false, "kill the container first if it is running (short)")
	pos, err := parseArgs(fs, args, 1, 1, "[--force] ID")
	if err != nil {
		return err
	}
	c, err := libcontainer.Load(g.root, pos[0], g.options())
	if err != nil {
		if force && errors.Is(err, libcontainer.ErrNotExist) {
			return nil // as runc: deleting nothing with --force succeeds
		}
		return err
	}
	return c.Destroy(force)
}
