package lsm

// Host is what the host's kernel enforces. Probe it where the host's /sys is
// visible (the runtime, or the init before it enters the container's
// mounts), then carry it to where the attributes are written.
type Host struct {
	AppArmor bool `json:"apparmor,omitempty"`
	SELinux  bool `json:"selinux,omitempty"`

	// proc is where the attribute files are opened; the zero value means
	// defaultProcOptions. Tests set it.
	proc *procOptions
}

// Probe reports which of the two modules the host has enabled.
func Probe() Host {
	return Host{AppArmor: AppArmorEnabled(), SELinux: SELinuxEnabled()}
}

func (h Host) procOpts() procOptions {
	if h.proc != nil {
		return *h.proc
	}
	return defaultProcOptions()
}
