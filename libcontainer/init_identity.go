package libcontainer

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/oci-run/oci-run/libcontainer/configs"
)

// setRlimits applies the process's resource limits.
func setRlimits(rl []configs.Rlimit) error {
	for _, r := range rl {
		lim := syscall.Rlimit{Cur: r.Soft, Max: r.Hard}
		// syscall.Setrlimit (not x/sys) so Go forgets its saved NOFILE
		// limit and does not restore it at exec.
		if err := syscall.Setrlimit(r.Type, &lim); err != nil {
			name := r.Name
			if name == "" {
				name = "rlimit " + strconv.Itoa(r.Type)
			}
			hint := ""
			if err == syscall.EPERM {
				var cur syscall.Rlimit
				if syscall.Getrlimit(r.Type, &cur) == nil {
					hint = fmt.Sprintf(" (the current hard limit is %d; raising it needs CAP_SYS_RESOURCE)", cur.Max)
				}
			}
			return fmt.Errorf("set %s to soft %d hard %d: %w%s", name, r.Soft, r.Hard, err, hint)
		}
	}
	return nil
}

// capSets are the five capability sets as bit masks.
type capSets struct {
	bounding, effective, inheritable, permitted, ambient uint64
}

func parseCaps(c *configs.Capabilities) (capSets, error) {
	var s capSets
	if c == nil {
		return s, nil
	}
	conv := func(names []string, set string) (uint64, error) {
		var m uint64
		for _, n := range names {
			v, ok := configs.CapabilityValue(n)
			if !ok {
				return 0, fmt.Errorf("unknown capability %q in the %s set", n, set)
			}
			m |= 1 << uint(v)
		}
		return m, nil
	}
	var err error
	if s.bounding, err = conv(c.Bounding, "bounding"); err != nil {
		return s, err
	}
	if s.effective, err = conv(c.Effective, "effective"); err != nil {
		return s, err
	}
	if s.inheritable, err = conv(c.Inheritable, "inheritable"); err != nil {
		return s, err
	}
	if s.permitted, err = conv(c.Permitted, "permitted"); err != nil {
		return s, err
	}
	if s.ambient, err = conv(c.Ambient, "ambient"); err != nil {
		return s, err
	}
	return s, nil
}

func lastCap() int {
	b, err := os.ReadFile("/proc/sys/kernel/cap_last_cap")
	if err == nil {
		if n, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil {
			return n
		}
	}
	return unix.CAP_LAST_CAP
}

// setIdentity drops the bounding set, switches to the process's user and
// groups keeping capabilities across the switch, then sets the effective,
// permitted, inheritable and ambient sets. It runs on the locked thread
// that will execve.
func setIdentity(proc *configs.Process) error {
	caps, err := parseCaps(proc.Capabilities)
	if err != nil {
		return err
	}
	last := lastCap()
	for i := 0; i <= last; i++ {
		if caps.bounding&(1<<uint(i)) == 0 {
			if err := unix.Prctl(unix.PR_CAPBSET_DROP, uintptr(i), 0, 0, 0); err != nil && err != unix.EINVAL {
				return fmt.Errorf("drop capability %d from the bounding set: %w", i, err)
			}
		}
	}
	if err := unix.Prctl(unix.PR_SET_KEEPCAPS, 1, 0, 0, 0); err != nil {
		return fmt.Errorf("set keepcaps: %w", err)
	}
	u := proc.User
	groups := make([]int, len(u.AdditionalGids))
	for i, g := range u.AdditionalGids {
		groups[i] = int(g)
	}
	if err := syscall.Setgroups(groups); err != nil {
		// A user namespace with setgroups denied can only run without them.
		if len(groups) > 0 || err != syscall.EPERM {
			return fmt.Errorf("setgroups %v: %w", u.AdditionalGids, err)
		}
	}
	if err := syscall.Setresgid(int(u.GID), int(u.GID), int(u.GID)); err != nil {
		return fmt.Errorf("set gid %d: %w", u.GID, err)
	}
	if err := syscall.Setresuid(int(u.UID), int(u.UID), int(u.UID)); err != nil {
		return fmt.Errorf("set uid %d: %w", u.UID, err)
	}
	if err := unix.Prctl(unix.PR_SET_KEEPCAPS, 0, 0, 0, 0); err != nil {
		return fmt.Errorf("clear keepcaps: %w", err)
	}
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	data[0].Effective, data[1].Effective = uint32(caps.effective), uint32(caps.effective>>32)
	data[0].Permitted, data[1].Permitted = uint32(caps.permitted), uint32(caps.permitted>>32)
	data[0].Inheritable, data[1].Inheritable = uint32(caps.inheritable), uint32(caps.inheritable>>32)
	if err := unix.Capset(&hdr, &data[0]); err != nil {
		return fmt.Errorf("set capabilities: %w", err)
	}
	if err := unix.Prctl(unix.PR_CAP_AMBIENT, unix.PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0); err != nil && err != unix.EINVAL {
		return fmt.Errorf("clear ambient capabilities: %w", err)
	}
	for i := 0; i <= last; i++ {
		if caps.ambient&(1<<uint(i)) != 0 {
			if err := unix.Prctl(unix.PR_CAP_AMBIENT, unix.PR_CAP_AMBIENT_RAISE, uintptr(i), 0, 0); err != nil {
				return fmt.Errorf("raise ambient capability %d (it must be permitted and inheritable): %w", i, err)
			}
		}
	}
	return nil
}
