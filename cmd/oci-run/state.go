package main

import (
	"encoding/json"
	"os"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"

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

func describe(c *libcontainer.Container) (*stateJSON, error) {
	status, err := c.Status()
	if err != nil {
		return nil, err
	}
	out := &stateJSON{OCIVersion: specs.Version, ID: c.ID(), Status: string(status)}
	if st := c.State(); st != nil {
		if status != libcontainer.Stopped {
			out.Pid = st.InitPid
		}
		out.Bundle, out.Created, out.Owner = st.Bundle, st.Created, st.Owner
		out.Rootfs, out.Annotations = st.Rootfs, st.Annotations
	}
	return out, nil
}

func cmdState(g *global, args []string) error {
	pos, err := parseArgs(newFlags("state"), args, 1, 1, "ID")
	if err != nil {
		return err
	}
	c, err := libcontainer.Load(g.root, pos[0], g.options())
	if err != nil {
		return err
	}
	out, err := describe(c)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
