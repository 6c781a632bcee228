package main

import (
	"github.com/oci-run/oci-run/internal/fastpath"
	"github.com/oci-run/oci-run/libcontainer"
)

func cmdCreate(g *global, args []string) error {
	var o createOpts
	fs := newFlags("create")
	o.register(fs)
	pos, err := parseArgs(fs, args, 1, 1, "[--bundle DIR] [--pid-file FILE] [--console-socket SOCK] ID")
	if err != nil {
		return err
	}
	id := pos[0]
	cfg, err := o.loadConfig(g, id)
	if err != nil {
		return err
	}
	p, cleanup, err := o.process(cfg)
	if err != nil {
		return err
	}
	defer cleanup()
	c, err := libcontainer.New(g.root, id, cfg, g.createOptions())
	if err != nil {
		return err
	}
	return c.Create(p)
}

func cmdStart(g *global, args []string) error {
	pos, err := parseArgs(newFlags("start"), args, 1, 1, "ID")
	if err != nil {
		return err
	}
	if o, ok := fastpath.Taken(); ok {
		return fastOutcomeError(pos[0], o)
	}
	c, err := libcontainer.Load(g.root, pos[0], g.options())
	if err != nil {
		return err
	}
	return c.Start()
}
