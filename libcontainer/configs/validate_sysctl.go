package configs

import (
	"maps"
	"os"
	"slices"
	"strings"
)

// validateSysctl accepts only sysctls that are namespaced by a namespace
// the container has of its own, following runc's rules:
//   - net.* needs a network namespace that is not the host's;
//   - kernel.msg*, kernel.sem*, kernel.shm* and fs.mqueue.* need an IPC
//     namespace;
//   - kernel.hostname and kernel.domainname are refused in favour of the
//     hostname and domainname fields;
//   - everything else is global to the host and refused.
//
// Keys may use "/" instead of "." as separator ("net/ipv4/ip_forward").
func validateSysctl(c *Config) error {
	for _, key := range slices.Sorted(maps.Keys(c.Sysctl)) {
		if err := checkSysctl(c, key); err != nil {
			return err
		}
	}
	return nil
}

func checkSysctl(c *Config, key string) error {
	const field = "sysctl"
	name := strings.ReplaceAll(key, "/", ".")
	switch {
	case name == "kernel.hostname":
		return invalid(field, key, "use the hostname field instead")
	case name == "kernel.domainname":
		return invalid(field, key, "use the domainname field instead")
	case strings.HasPrefix(name, "kernel.msg"), strings.HasPrefix(name, "kernel.sem"),
		strings.HasPrefix(name, "kernel.shm"), strings.HasPrefix(name, "fs.mqueue."):
		if !c.Namespaces.Contains(NEWIPC) {
			return invalid(field, key, "needs an IPC namespace (it would change the host's)")
		}
		return nil
	case strings.HasPrefix(name, "net."):
		ns, ok := c.Namespaces.Get(NEWNET)
		if !ok {
			return invalid(field, key, "needs a network namespace (it would change the host's)")
		}
		if ns.Path != "" && isHostNetNS(ns.Path) {
			return invalid(field, key, "the joined network namespace "+ns.Path+" is the host's")
		}
		return nil
	}
	return invalid(field, key, "is not namespaced: it would change the host")
}

// isHostNetNS reports whether path names the caller's network namespace.
// It answers false when either cannot be stat-ed: validateNamespaces
// reports a missing path.
func isHostNetNS(path string) bool {
	a, err := os.Stat(path)
	if err != nil {
		return false
	}
	b, err := os.Stat("/proc/self/ns/net")
	if err != nil {
		return false
	}
	return os.SameFile(a, b)
}
