package libcontainer

import (
	"fmt"

	"golang.org/x/sys/unix"

	"github.com/oci-run/oci-run/cgroups"
	"github.com/oci-run/oci-run/libcontainer/configs"
)

// signalCgroup sends sig to every process in the cgroup. With SIGKILL and
// a driver that has cgroup.kill (v2), the kernel does it atomically;
// otherwise the cgroup is frozen while its pids are listed and signalled,
// so nothing can fork away in between, then thawed (a frozen process
// would not act on the signal). A cgroup that was frozen stays frozen
// unless the signal is SIGKILL.
func signalCgroup(m cgroups.Manager, sig unix.Signal) error {
	if k, ok := m.(cgroups.Killer); ok && sig == unix.SIGKILL {
		return k.Kill()
	}
	was, _ := m.FreezerState()
	froze := was != configs.Frozen && m.Freeze(configs.Frozen) == nil
	pids, err := m.GetAllPids()
	if err == nil {
		for _, pid := range pids {
			if e := unix.Kill(pid, sig); e != nil && e != unix.ESRCH && err == nil {
				err = fmt.Errorf("signal pid %d: %w", pid, e)
			}
		}
	} else {
		err = fmt.Errorf("list processes: %w", err)
	}
	if froze || (was == configs.Frozen && sig == unix.SIGKILL) {
		m.Freeze(configs.Thawed)
	}
	return err
}
