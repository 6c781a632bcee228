package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/oci-run/oci-run/internal/fastpath"
	"github.com/oci-run/oci-run/libcontainer"
	"github.com/oci-run/oci-run/libcontainer/configs"
)

// createOptions are the library options for create and run: they also
// leave the fast path's summary in the new container's state directory.
func (g *global) createOptions() libcontainer.Options {
	o := g.options()
	o.OnCreated = func(dir string, st *libcontainer.State) {
		s, err := fastSummary(st)
		if err == nil {
			err = fastpath.Write(dir, s)
		}
		if err != nil {
			// Without a summary these commands take the Go path.
			g.log.Warn("fast path", "id", st.ID, "err", err)
		}
	}
	return o
}

// fastSummary is what internal/fastpath's C half needs about a container
// to serve start, state, kill and delete as the Go path would.
func fastSummary(st *libcontainer.State) (*fastpath.Summary, error) {
	prefix, suffix, err := stateParts(st.ID, st)
	if err != nil {
		return nil, err
	}
	s := &fastpath.Summary{
		Pid: st.InitPid, StartTime: st.InitStartTime,
		StatePrefix: prefix, StateSuffix: suffix,
	}
	cfg := st.Config
	if cfg == nil {
		return nil, errors.New("no recorded config")
	}
	s.FastStart = len(cfg.Hooks[configs.Poststart]) == 0
	v1 := false
	seen := map[string]bool{}
	for k, d := range st.CgroupPaths {
		if k != "" {
			v1 = true
		}
		if !seen[d] {
			seen[d] = true
			s.CgroupDirs = append(s.CgroupDirs, d)
		}
	}
	sort.Strings(s.CgroupDirs)
	switch {
	case st.CgroupPaths["freezer"] != "":
		s.FreezerKind, s.FreezerFile = fastpath.FreezerV1, st.CgroupPaths["freezer"]+"/freezer.state"
	case !v1 && st.CgroupPaths[""] != "":
		s.FreezerKind, s.FreezerFile = fastpath.FreezerV2, st.CgroupPaths[""]+"/cgroup.freeze"
	}
	systemd := cfg.Cgroups != nil && cfg.Cgroups.Systemd
	s.FastDelete = len(cfg.Hooks[configs.Poststop]) == 0 && !systemd &&
		(v1 || len(st.CgroupPaths) == 0)
	return s, nil
}

// fastOutcomeError is the error the Go path reports for what a fast start
// (or state) ran into after it could no longer hand the command back.
func fastOutcomeError(id string, o fastpath.Outcome) error {
	// The Go path names the fifo by filepath.Join(root, id, ...).
	o.Path = filepath.Clean(o.Path)
	switch o.Kind {
	case fastpath.OpenFifo:
		return fmt.Errorf("container %s: open exec fifo: %w", id, &os.PathError{Op: "open", Path: o.Path, Err: o.Err})
	case fastpath.ReadFifo:
		return fmt.Errorf("container %s: open exec fifo: %w", id, &os.PathError{Op: "read", Path: o.Path, Err: o.Err})
	case fastpath.Exited:
		return libcontainer.StartFailure(id, nil)
	case fastpath.InitError:
		return libcontainer.StartFailure(id, o.Msg)
	case fastpath.RemoveFifo:
		return fmt.Errorf("container %s: remove exec fifo: %w", id, &os.PathError{Op: "remove", Path: o.Path, Err: o.Err})
	case fastpath.WriteStdout:
		return &os.PathError{Op: "write", Path: "/dev/stdout", Err: o.Err}
	}
	return fmt.Errorf("container %s: fast path outcome %d", id, o.Kind)
}
