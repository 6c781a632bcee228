package configs

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// validateCgroups checks the cgroup placement and the resource values that
// can be judged without looking at the system.
func validateCgroups(c *Config) error {
	cg := c.Cgroups
	if cg == nil {
		return nil
	}
	if err := validateCgroupPlacement(cg); err != nil {
		return err
	}
	if cg.Resources == nil {
		return nil
	}
	checks := []func(*Resources) error{
		validateMemory,
		validateCPU,
		validatePids,
		validateUnified,
		validateDeviceRules,
	}
	for _, check := range checks {
		if err := check(cg.Resources); err != nil {
			return err
		}
	}
	return nil
}

// validateCgroupPlacement refuses paths that could climb out of the
// cgroup tree, and systemd units that systemd would refuse.
func validateCgroupPlacement(cg *Cgroup) error {
	if strings.IndexByte(cg.Path, 0) >= 0 {
		return invalid("cgroups.path", cg.Path, "must not contain a NUL byte")
	}
	if hasDotDot(cg.Path) {
		return invalid("cgroups.path", cg.Path, `must not contain ".." elements`)
	}
	if !cg.Systemd {
		return nil
	}
	if cg.Parent != "" && (!strings.HasSuffix(cg.Parent, ".slice") || strings.Contains(cg.Parent, "/")) {
		return invalid("cgroups.parent", cg.Parent, `must be a systemd slice name ending in ".slice"`)
	}
	if cg.Name == "" {
		return invalid("cgroups.name", "", "must be set for the systemd driver")
	}
	if strings.Contains(cg.Name, "/") || strings.Contains(cg.ScopePrefix, "/") {
		return invalid("cgroups.name", cg.ScopePrefix+"-"+cg.Name, `must not contain "/"`)
	}
	return nil
}

// validateMemory requires limits of -1 (unlimited), 0 (unset) or positive,
// memory+swap not below memory, and swappiness up to 100.
func validateMemory(r *Resources) error {
	if r.Memory < -1 {
		return invalid("cgroups.resources.memory", strconv.FormatInt(r.Memory, 10), "must be -1, 0 or positive")
	}
	if r.MemorySwap < -1 {
		return invalid("cgroups.resources.memorySwap", strconv.FormatInt(r.MemorySwap, 10), "must be -1, 0 or positive")
	}
	if r.Memory > 0 && r.MemorySwap > 0 && r.MemorySwap < r.Memory {
		return invalid("cgroups.resources.memorySwap", strconv.FormatInt(r.MemorySwap, 10),
			fmt.Sprintf("memory+swap must not be below the memory limit (%d)", r.Memory))
	}
	if r.MemorySwappiness != nil && *r.MemorySwappiness > 100 {
		return invalid("cgroups.resources.memorySwappiness", strconv.FormatUint(*r.MemorySwappiness, 10), "must be between 0 and 100")
	}
	return nil
}

// validateCPU checks the CFS period (1ms to 1s), the quota (at least 1ms,
// or -1 for none), cpu.idle (0 or 1) and the cpuset lists.
func validateCPU(r *Resources) error {
	if r.CPUPeriod != 0 && (r.CPUPeriod < 1000 || r.CPUPeriod > 1000000) {
		return invalid("cgroups.resources.cpuPeriod", strconv.FormatUint(r.CPUPeriod, 10), "must be between 1000 and 1000000 (µs)")
	}
	if r.CPUQuota != 0 && r.CPUQuota != -1 && r.CPUQuota < 1000 {
		return invalid("cgroups.resources.cpuQuota", strconv.FormatInt(r.CPUQuota, 10), "must be -1 or at least 1000 (µs)")
	}
	if r.CPUIdle != nil && *r.CPUIdle != 0 && *r.CPUIdle != 1 {
		return invalid("cgroups.resources.cpuIdle", strconv.FormatInt(*r.CPUIdle, 10), "must be 0 or 1")
	}
	if r.CpusetCpus != "" {
		if err := checkCPUList(r.CpusetCpus); err != nil {
			return &ValidationError{Field: "cgroups.resources.cpusetCpus", Value: r.CpusetCpus, Msg: "is not a cpu list", Err: err}
		}
	}
	if r.CpusetMems != "" {
		if err := checkCPUList(r.CpusetMems); err != nil {
			return &ValidationError{Field: "cgroups.resources.cpusetMems", Value: r.CpusetMems, Msg: "is not a node list", Err: err}
		}
	}
	return nil
}

// validatePids requires -1 (unlimited), 0 (unset) or a positive limit.
func validatePids(r *Resources) error {
	if r.PidsLimit < -1 {
		return invalid("cgroups.resources.pidsLimit", strconv.FormatInt(r.PidsLimit, 10), "must be -1, 0 or positive")
	}
	return nil
}

// validateUnified requires plain cgroup v2 file names as keys: a key with a
// "/" or ".." could write outside the container's cgroup.
func validateUnified(r *Resources) error {
	for _, k := range slices.Sorted(maps.Keys(r.Unified)) {
		switch {
		case k == "":
			return invalid("cgroups.resources.unified", "", "key must not be empty")
		case strings.Contains(k, "/"), strings.Contains(k, ".."), strings.IndexByte(k, 0) >= 0:
			return invalid("cgroups.resources.unified", k, `key must be a file name without "/" or ".."`)
		}
	}
	return nil
}

// validateDeviceRules requires known types and non-empty permissions made
// of r, w and m.
func validateDeviceRules(r *Resources) error {
	for i, d := range r.Devices {
		field := fmt.Sprintf("cgroups.resources.devices[%d]", i)
		if d == nil {
			return invalid(field, "", "must not be null")
		}
		switch d.Type {
		case CharDevice, BlockDevice, AnyDevice:
		default:
			return invalid(field+".type", string(d.Type), "must be 'a', 'b' or 'c'")
		}
		if d.Permissions == "" || strings.Trim(d.Permissions, "rwm") != "" {
			return invalid(field+".permissions", d.Permissions, `must be a non-empty subset of "rwm"`)
		}
		if d.Major < Wildcard || d.Minor < Wildcard {
			return invalid(field, d.String(), "major and minor must be -1 (any) or not negative")
		}
	}
	return nil
}
