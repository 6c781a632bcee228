package specconv

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/opencontainers/runtime-spec/specs-go"
)

// ToRootless adapts a spec (typically Example()) in place for a container
// started by an unprivileged user, like `runc spec --rootless`:
//   - a new user namespace mapping container root to the caller's
//     effective uid and gid (one id each), and no network namespace (an
//     unprivileged user cannot give it any connectivity);
//   - /sys bind-mounted (recursively, read-only) from the host, since
//     sysfs cannot be mounted without owning the network namespace;
//   - uid= and gid= options dropped from every mount (devpts's gid=5 names
//     a group that is not mapped);
//   - no linux.resources: an unprivileged user cannot set cgroup limits.
func ToRootless(spec *specs.Spec) {
	if spec.Linux == nil {
		spec.Linux = &specs.Linux{}
	}
	var namespaces []specs.LinuxNamespace
	for _, ns := range spec.Linux.Namespaces {
		if ns.Type != specs.NetworkNamespace && ns.Type != specs.UserNamespace {
			namespaces = append(namespaces, ns)
		}
	}
	spec.Linux.Namespaces = append(namespaces, specs.LinuxNamespace{Type: specs.UserNamespace})
	spec.Linux.UIDMappings = []specs.LinuxIDMapping{{ContainerID: 0, HostID: uint32(os.Geteuid()), Size: 1}}
	spec.Linux.GIDMappings = []specs.LinuxIDMapping{{ContainerID: 0, HostID: uint32(os.Getegid()), Size: 1}}

	mounts := make([]specs.Mount, 0, len(spec.Mounts))
	for _, m := range spec.Mounts {
		if filepath.Clean(m.Destination) == "/sys" {
			mounts = append(mounts, specs.Mount{
				Destination: "/sys",
				Type:        "none",
				Source:      "/sys",
				Options:     []string{"rbind", "nosuid", "noexec", "nodev", "ro"},
			})
			continue
		}
		var opts []string
		for _, o := range m.Options {
			if !strings.HasPrefix(o, "uid=") && !strings.HasPrefix(o, "gid=") {
				opts = append(opts, o)
			}
		}
		m.Options = opts
		mounts = append(mounts, m)
	}
	spec.Mounts = mounts
	spec.Linux.Resources = nil
}
