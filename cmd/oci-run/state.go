package main

import (
	"bytes"
	"fmt"
	"os"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/oci-run/oci-run/internal/fastpath"
	"github.com/oci-run/oci-run/libcontainer"
)

// stateJSON is runc's `state` output: the OCI state plus rootfs, created
// and owner.
type stateJSON struct {
	OCIVersion  string            `json:"ociVersion"`
	ID          string            `json:"id"`
	Pid         int               `json:"pid"`
	Status      string            `json:"status"`
	Bundle      string            `json:"bundle"`
	Rootfs      string            `json:"rootfs"`
	Created     time.Time         `json:"created"`
	Owner       string            `json:"owner"`
	Annotations map[string]string `json:"annotations,omitempty"`
}

// stateOf fills the output from the recorded state (nil while the
// container is being created).
func stateOf(id string, st *libcontainer.State, pid int, status libcontainer.Status) *stateJSON {
	out := &stateJSON{OCIVersion: specs.Version, ID: id, Status: string(status)}
	if st != nil {
		out.Pid = pid
		out.Bundle, out.Created, out.Owner = st.Bundle, st.Created, st.Owner
		out.Rootfs, out.Annotations = st.Rootfs, st.Annotations
	}
	return out
}

func describe(c *libcontainer.Container) (*stateJSON, error) {
	status, err := c.Status()
	if err != nil {
		return nil, err
	}
	st := c.State()
	pid := 0
	if st != nil && status != libcontainer.Stopped {
		pid = st.InitPid
	}
	return stateOf(c.ID(), st, pid, status), nil
}

// stateParts is `state`'s indented JSON split around the pid and the
// status line, which are the only parts that change after create: the
// fast path (internal/fastpath) stores them and fills in the rest, and
// cmdState assembles its output the same way, so both print the same.
func stateParts(id string, st *libcontainer.State) (prefix, suffix []byte, err error) {
	b, err := encodeStateJSON(stateOf(id, st, 0, "x"))
	if err != nil {
		return nil, nil, err
	}
	const pidKey, mid = `"pid": `, `"pid": 0,` + "\n" + `  "status": "x",` + "\n"
	i := bytes.Index(b, []byte(mid))
	if i < 0 {
		return nil, nil, fmt.Errorf("state output: no pid and status lines in %q", b)
	}
	return b[:i+len(pidKey)], b[i+len(mid):], nil
}

func cmdState(g *global, args []string) error {
	pos, err := parseArgs(newFlags("state"), args, 1, 1, "ID")
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
	out, err := describe(c)
	if err != nil {
		return err
	}
	prefix, suffix, err := stateParts(c.ID(), c.State())
	if err != nil {
		return err
	}
	_, err = os.Stdout.Write(fastpath.RenderState(prefix, out.Pid, out.Status, suffix))
	return err
}
