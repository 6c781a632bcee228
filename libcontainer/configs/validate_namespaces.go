package configs

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
)

// validateNamespaces requires known kinds, each at most once, and join paths
// that are absolute and exist.
func validateNamespaces(c *Config) error {
	seen := make(map[NamespaceType]bool, len(c.Namespaces))
	for i, ns := range c.Namespaces {
		field := fmt.Sprintf("namespaces[%d]", i)
		if ns.Type.CloneFlag() == 0 {
			return invalid(field+".type", string(ns.Type), "unknown namespace type")
		}
		if seen[ns.Type] {
			return invalid(field+".type", string(ns.Type), "namespace listed more than once")
		}
		seen[ns.Type] = true
		if ns.Path == "" {
			continue
		}
		if !filepath.IsAbs(ns.Path) {
			return invalid(field+".path", ns.Path, "must be an absolute path")
		}
		if _, err := os.Stat(ns.Path); err != nil {
			return &ValidationError{Field: field + ".path", Value: ns.Path, Msg: "cannot be joined", Err: err}
		}
	}
	return nil
}

// validateIDMappings ties uid/gid mappings to the user namespace: a new one
// needs both, none at all allows none. A joined user namespace may carry
// the mappings it already has (containerd and CRI-O write both).
func validateIDMappings(c *Config) error {
	ns, hasUserNS := c.Namespaces.Get(NEWUSER)
	if !hasUserNS {
		if len(c.UIDMappings) > 0 {
			return invalid("uidMappings", "", "set without a user namespace")
		}
		if len(c.GIDMappings) > 0 {
			return invalid("gidMappings", "", "set without a user namespace")
		}
		return nil
	}
	if ns.Path == "" {
		if len(c.UIDMappings) == 0 {
			return invalid("uidMappings", "", "a new user namespace needs uid mappings")
		}
		if len(c.GIDMappings) == 0 {
			return invalid("gidMappings", "", "a new user namespace needs gid mappings")
		}
	}
	if err := checkIDMaps("uidMappings", c.UIDMappings); err != nil {
		return err
	}
	return checkIDMaps("gidMappings", c.GIDMappings)
}

// checkIDMaps requires positive sizes and ids within the 32-bit range.
func checkIDMaps(field string, maps []IDMap) error {
	const maxID = 1<<32 - 1
	for i, m := range maps {
		f := fmt.Sprintf("%s[%d]", field, i)
		switch {
		case m.Size <= 0:
			return invalid(f, "", "size must be positive")
		case m.ContainerID < 0 || m.HostID < 0:
			return invalid(f, "", "ids must not be negative")
		case m.ContainerID+m.Size-1 > maxID || m.HostID+m.Size-1 > maxID:
			return invalid(f, "", "range goes past the largest id (4294967295)")
		}
	}
	return nil
}

// validateUTS requires a UTS namespace in the list for hostname and
// domainname, so that setting them never changes the host's.
func validateUTS(c *Config) error {
	if c.Namespaces.Contains(NEWUTS) {
		return nil
	}
	if c.Hostname != "" {
		return invalid("hostname", c.Hostname, "cannot be set without a UTS namespace")
	}
	if c.Domainname != "" {
		return invalid("domainname", c.Domainname, "cannot be set without a UTS namespace")
	}
	return nil
}

// validateTimeOffsets requires a new time namespace for clock offsets, and
// known clock names.
func validateTimeOffsets(c *Config) error {
	if len(c.TimeOffsets) == 0 {
		return nil
	}
	ns, ok := c.Namespaces.Get(NEWTIME)
	if !ok {
		return invalid("timeOffsets", "", "set without a time namespace")
	}
	if ns.Path != "" {
		return invalid("timeOffsets", "", "cannot be applied to a joined time namespace ("+ns.Path+")")
	}
	for _, clock := range slices.Sorted(maps.Keys(c.TimeOffsets)) {
		off := c.TimeOffsets[clock]
		if clock != "monotonic" && clock != "boottime" {
			return invalid("timeOffsets", clock, `unknown clock (want "monotonic" or "boottime")`)
		}
		if off.Nanos >= 1e9 {
			return invalid("timeOffsets."+clock+".nanos", "", "must be below 1000000000")
		}
	}
	return nil
}
