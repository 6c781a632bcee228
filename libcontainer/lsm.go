package libcontainer

import (
	"fmt"

	"github.com/oci-run/oci-run/libcontainer/configs"
	"github.com/oci-run/oci-run/libcontainer/lsm"
)

// probeLSM is lsm.Probe when cfg or proc asks for an AppArmor profile or
// an SELinux label, and no LSM otherwise: nothing then depends on the
// answer (every use of the Host short-circuits on an empty profile or
// label), and go-selinux's probe alone reads /proc/filesystems and statfs's
// two paths, in every create and exec.
func probeLSM(cfg *configs.Config, proc *configs.Process) lsm.Host {
	if proc.AppArmorProfile == "" && proc.SelinuxLabel == "" && cfg.MountLabel == "" {
		return lsm.Host{}
	}
	return lsm.Probe()
}

// checkLSM refuses what the host cannot do, as runc does: an AppArmor
// profile without AppArmor, an SELinux process label without SELinux (a
// mount label is just dropped then), and malformed labels.
func checkLSM(id string, cfg *configs.Config, proc *configs.Process, h lsm.Host) error {
	if err := lsm.CheckAppArmorProfile(proc.AppArmorProfile, h); err != nil {
		return fmt.Errorf("container %s: %w", id, err)
	}
	if err := lsm.CheckProcessLabel(proc.SelinuxLabel, h); err != nil {
		return fmt.Errorf("container %s: %w", id, err)
	}
	if err := lsm.ValidateMountLabel(cfg.MountLabel); err != nil {
		return fmt.Errorf("container %s: %w", id, err)
	}
	return nil
}

// applyExecLSM arranges the process's AppArmor profile and SELinux label
// for the coming execve (init side, on the locked thread).
func applyExecLSM(h lsm.Host, proc *configs.Process) error {
	if err := h.ApplyAppArmor(proc.AppArmorProfile); err != nil {
		return err
	}
	if _, err := h.SetExecLabel(proc.SelinuxLabel); err != nil {
		return err
	}
	return nil
}
