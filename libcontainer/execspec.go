package libcontainer

import (
	"fmt"

	"github.com/oci-run/oci-run/libcontainer/configs"
	"github.com/oci-run/oci-run/nsenter"
)

// cExecSpec prepares an exec for the C exec stage (nsenter/execfinish.c),
// which applies the process's settings and execs it without starting a Go
// runtime: everything is resolved here (capability masks, the compiled
// seccomp filter, the umask), the C side only makes system calls. ok is
// false for what only the Go exec init does: a terminal, or an AppArmor
// profile or SELinux label to apply.
//
// The seccomp warnings (unknown syscalls the profile names) are returned for
// the caller to log.
func (c *Container) cExecSpec(spec *configs.Process) (x *nsenter.ExecSpec, warnings []string, ok bool, err error) {
	if spec.Terminal || spec.AppArmorProfile != "" || spec.SelinuxLabel != "" {
		return nil, nil, false, nil
	}
	caps, err := parseCaps(spec.Capabilities)
	if err != nil {
		return nil, nil, false, fmt.Errorf("container %s: exec: %w", c.id, err)
	}
	x = &nsenter.ExecSpec{
		Args:        spec.Args,
		Env:         spec.Env,
		Cwd:         spec.Cwd,
		UID:         spec.User.UID,
		GID:         spec.User.GID,
		Umask:       0o022,
		Groups:      spec.User.AdditionalGids,
		Bounding:    caps.bounding,
		Effective:   caps.effective,
		Inheritable: caps.inheritable,
		Permitted:   caps.permitted,
		Ambient:     caps.ambient,
		LastCap:     uint32(lastCap()),
		NoNewPrivs:  spec.NoNewPrivileges,
	}
	if spec.User.Umask != nil {
		x.Umask = *spec.User.Umask
	}
	for _, r := range spec.Rlimits {
		x.Rlimits = append(x.Rlimits, nsenter.Rlimit{Resource: uint32(r.Type), Soft: r.Soft, Hard: r.Hard})
	}
	adj := spec.OOMScoreAdj
	if adj == nil {
		adj = c.config.OOMScoreAdj
	}
	if adj != nil {
		v := int32(*adj)
		x.OOMScoreAdj = &v
	}
	filter, warnings, err := compileSeccomp(c.config.Seccomp)
	if err != nil {
		return nil, nil, false, fmt.Errorf("container %s: exec: %w", c.id, err)
	}
	if filter != nil {
		prog, flags := filter.Program()
		x.Seccomp, x.SeccompFlags = prog, uint32(flags)
	}
	return x, warnings, true, nil
}
