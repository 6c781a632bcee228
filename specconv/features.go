package specconv

import (
	"github.com/opencontainers/runtime-spec/specs-go"
	"github.com/opencontainers/runtime-spec/specs-go/features"

	"github.com/oci-run/oci-run/libcontainer/configs"
	"github.com/oci-run/oci-run/libcontainer/seccomp"
)

// MinOCIVersion is the oldest runtime-spec version ToConfig accepts.
const MinOCIVersion = "1.0.0"

// Features describes what ToConfig accepts, for `oci-run features`. It is
// fixed at build time (the runtime-spec asks for that), except seccomp's
// supportedFlags, which the kernel is asked for (as runc does). It lists
// only what the conversion turns into configuration: AppArmor and SELinux
// are reported disabled until the runtime applies them, and tmpcopyup is
// not listed because it is ignored. No annotations are reported: oci-run
// interprets none.
func Features() *features.Features {
	yes, no := true, false
	return &features.Features{
		OCIVersionMin: MinOCIVersion,
		OCIVersionMax: specs.Version,
		Hooks:         KnownHooks(),
		MountOptions:  KnownMountOptions(),
		Linux: &features.Linux{
			Namespaces:   KnownNamespaces(),
			Capabilities: configs.CapabilityNames(),
			Cgroup: &features.Cgroup{
				V1:          &yes,
				V2:          &yes,
				Systemd:     &yes,
				SystemdUser: &no,
				Rdma:        &yes,
			},
			Seccomp:         seccompFeatures(),
			Apparmor:        &features.Apparmor{Enabled: &no},
			Selinux:         &features.Selinux{Enabled: &no},
			IntelRdt:        &features.IntelRdt{Enabled: &no},
			MountExtensions: &features.MountExtensions{IDMap: &features.IDMap{Enabled: &yes}},
			NetDevices:      &features.NetDevices{Enabled: &no},
		},
	}
}

// seccompFeatures reports the seccomp package's actions, operators,
// architectures and flags.
func seccompFeatures() *features.Seccomp {
	yes := true
	s := seccomp.Supported()
	return &features.Seccomp{
		Enabled:        &yes,
		Actions:        s.Actions,
		Operators:      s.Operators,
		Archs:          s.Archs,
		KnownFlags:     s.KnownFlags,
		SupportedFlags: s.SupportedFlags,
	}
}
