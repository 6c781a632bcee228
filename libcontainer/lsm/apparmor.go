package lsm

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// ErrAppArmorNotEnabled is wrapped by the error for a profile requested on a
// host without AppArmor.
var ErrAppArmorNotEnabled = errors.New("AppArmor is not enabled on this host")

// AppArmorEnabled reports whether the host's kernel enforces AppArmor: the
// module is enabled (/sys/module/apparmor/parameters/enabled is "Y") and its
// securityfs directory exists. It reads the calling process's view of /sys,
// so call it in the runtime, not inside the container.
func AppArmorEnabled() bool {
	return appArmorEnabledAt("/sys")
}

func appArmorEnabledAt(sys string) bool {
	if fi, err := os.Stat(filepath.Join(sys, "kernel/security/apparmor")); err != nil || !fi.IsDir() {
		return false
	}
	b, err := os.ReadFile(filepath.Join(sys, "module/apparmor/parameters/enabled"))
	return err == nil && len(b) > 0 && b[0] == 'Y'
}

// ApplyAppArmor arranges for the next execve of the calling thread to run
// confined by profile, using the host as [Probe] sees it from here. See
// [Host.ApplyAppArmor].
func ApplyAppArmor(profile string) error {
	return Probe().ApplyAppArmor(profile)
}

// ApplyAppArmor arranges for the next execve of the calling thread to run
// confined by profile (libapparmor's aa_change_onexec): it writes
// "exec <profile>" to the thread's attr/apparmor/exec, or attr/exec on
// kernels before 5.8, through a verified procfs handle. The calling goroutine
// must be locked to its OS thread until execve.
//
// An empty profile does nothing. A profile on a host without AppArmor is an
// error: runc passes the profile on and fails at the write with the kernel's
// bare "invalid argument" (or, on an SELinux host, hands "exec <profile>" to
// SELinux's attr/exec); oci-run says what is wrong instead.
//
// The profile takes effect at execve, not now: anything the thread does
// before execve runs unconfined, and the children it starts before then (for
// example hooks) inherit the pending transition.
func (h Host) ApplyAppArmor(profile string) error {
	if profile == "" {
		return nil
	}
	if err := ValidateAppArmorProfile(profile); err != nil {
		return err
	}
	if !h.AppArmor {
		return fmt.Errorf("apparmor profile %q requested but %w", profile, ErrAppArmorNotEnabled)
	}
	if err := writeThreadAttr(h.procOpts(), "exec "+profile, "attr/apparmor/exec", "attr/exec"); err != nil {
		return fmt.Errorf("apply apparmor profile %q: %w", profile, err)
	}
	return nil
}
