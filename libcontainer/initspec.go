package libcontainer

import (
	"fmt"
	"os"

	"github.com/oci-run/oci-run/libcontainer/configs"
	"github.com/oci-run/oci-run/libcontainer/rootfs"
)

// EnvGoInit, set to "1" in the runtime's environment, makes every create
// use the Go init even when the C init could do the work (for comparing
// the two, and as a way around a C init problem).
const EnvGoInit = "OCIRUN_GO_INIT"

// cInitSpec prepares a create for the C init (nsenter/initfinish.c): the
// exec spec of cExecSpec plus the root filesystem plan of rootfs.Plan, as
// one MsgExecSpec payload. The container's init then never starts a Go
// runtime. ok is false when the Go init must do it: a terminal, LSM
// labels, a user namespace, idmapped mounts, hooks that run in the
// container, a caller that is not root, and whatever rootfs.Plan declines.
func (c *Container) cInitSpec(spec *configs.Process, ic *initConfig) (b []byte, ok bool, err error) {
	if os.Getenv(EnvGoInit) == "1" || os.Geteuid() != 0 || ic.ConsoleFD >= 0 || len(ic.IDMappedTrees) > 0 {
		return nil, false, nil
	}
	x, warnings, ok, err := c.cExecSpec(spec)
	if err != nil || !ok {
		// A profile that does not compile: the Go init reports it as
		// it always has.
		return nil, false, nil
	}
	plan, ok := rootfs.Plan(c.config, rootfs.PlanOptions{ID: c.id, CgroupPaths: ic.CgroupPaths,
		HasParentHooks: ic.HasParentHooks, FifoFD: ic.FifoFD})
	if !ok {
		return nil, false, nil
	}
	x.Init = plan
	if b, err = x.Encode(); err != nil {
		return nil, false, fmt.Errorf("container %s: init: %w", c.id, err)
	}
	for _, w := range warnings {
		c.log.Warn("seccomp: unknown syscall ignored", "id", c.id, "syscall", w)
	}
	return b, true, nil
}
