package libcontainer

import (
	"fmt"
	"maps"
	"slices"

	"github.com/oci-run/oci-run/libcontainer/configs"
)

// Update changes a created, running or paused container's resource limits
// while it runs and records them in its state, so that a later Load sees
// them.
//
// r holds only the changes: a field left at its zero value (nil for
// pointers, slices and maps; "" for strings) keeps the current value, as
// with runc update. Devices, when not nil, replace the device rules; the
// Freezer field is ignored (use Pause and Resume). Like runc, a memory
// limit of -1 given without a swap limit makes memory+swap unlimited too.
// The whole merged set of limits is written to the cgroup, since some of
// them depend on each other (memory and memory+swap, cpu quota and period).
func (c *Container) Update(r *configs.Resources) error {
	if r == nil {
		return nil
	}
	return c.withLock(func() error { return c.updateLocked(r) })
}

func (c *Container) updateLocked(r *configs.Resources) error {
	// Another process may have updated the state since Load: merge into
	// what is on disk now, so no update is lost.
	if st, raw, err := readState(c.dir); err == nil {
		c.setLoaded(st, raw)
	}
	if _, err := c.configLocked(); err != nil {
		return err
	}
	st, err := c.statusLocked()
	if err != nil {
		return err
	}
	if st != Created && st != Running && st != Paused {
		return &StateError{ID: c.id, Op: "update", Status: st}
	}
	if err := c.loadCgroup(); err != nil {
		return err
	}
	if c.cgroup == nil || c.config == nil || c.config.Cgroups == nil {
		return fmt.Errorf("container %s: cannot update: %w", c.id, ErrNoCgroup)
	}
	merged := mergeResources(c.config.Cgroups.Resources, r)
	if merged.Memory > 0 && merged.MemorySwap > 0 && merged.MemorySwap < merged.Memory {
		return fmt.Errorf("container %s: update: memory+swap limit %d is below the memory limit %d: set both",
			c.id, merged.MemorySwap, merged.Memory)
	}

	apply := *merged
	apply.Freezer = configs.Undefined // never thaw or freeze here
	if r.Devices == nil {
		apply.Devices = nil // leaves the device rules as they are
	}
	if err := c.cgroup.Set(&apply); err != nil {
		return fmt.Errorf("container %s: update: %w", c.id, err)
	}

	cfg := *c.config
	cg := *c.config.Cgroups
	cg.Resources = merged
	cfg.Cgroups = &cg
	state := *c.state
	state.Config = &cfg
	if err := writeState(c.dir, &state); err != nil {
		return fmt.Errorf("container %s: update applied but not recorded: %w", c.id, err)
	}
	c.state, c.config = &state, &cfg
	return nil
}

// mergeResources returns a copy of cur with every field that r sets
// replaced (cur may be nil).
func mergeResources(cur, r *configs.Resources) *configs.Resources {
	out := &configs.Resources{}
	if cur != nil {
		*out = *cur
		out.Unified = maps.Clone(cur.Unified)
	}
	setNonZero(&out.Memory, r.Memory)
	setNonZero(&out.MemoryReservation, r.MemoryReservation)
	setNonZero(&out.MemorySwap, r.MemorySwap)
	if r.Memory == -1 && r.MemorySwap == 0 {
		out.MemorySwap = -1
	}
	setNonZero(&out.KernelMemory, r.KernelMemory)
	setNonZero(&out.KernelMemoryTCP, r.KernelMemoryTCP)
	setPtr(&out.MemorySwappiness, r.MemorySwappiness)
	setNonZero(&out.OomKillDisable, r.OomKillDisable)
	setPtr(&out.UseHierarchy, r.UseHierarchy)
	setNonZero(&out.CheckBeforeUpdate, r.CheckBeforeUpdate)

	setNonZero(&out.CPUShares, r.CPUShares)
	setNonZero(&out.CPUQuota, r.CPUQuota)
	setNonZero(&out.CPUPeriod, r.CPUPeriod)
	setPtr(&out.CPUBurst, r.CPUBurst)
	setNonZero(&out.CPURtRuntime, r.CPURtRuntime)
	setNonZero(&out.CPURtPeriod, r.CPURtPeriod)
	setPtr(&out.CPUIdle, r.CPUIdle)
	setNonZero(&out.CpusetCpus, r.CpusetCpus)
	setNonZero(&out.CpusetMems, r.CpusetMems)

	setNonZero(&out.PidsLimit, r.PidsLimit)

	setNonZero(&out.BlkioWeight, r.BlkioWeight)
	setNonZero(&out.BlkioLeafWeight, r.BlkioLeafWeight)
	setSlice(&out.BlkioWeightDevice, r.BlkioWeightDevice)
	setSlice(&out.BlkioThrottleReadBpsDevice, r.BlkioThrottleReadBpsDevice)
	setSlice(&out.BlkioThrottleWriteBpsDevice, r.BlkioThrottleWriteBpsDevice)
	setSlice(&out.BlkioThrottleReadIOPSDevice, r.BlkioThrottleReadIOPSDevice)
	setSlice(&out.BlkioThrottleWriteIOPSDevice, r.BlkioThrottleWriteIOPSDevice)

	setSlice(&out.HugetlbLimit, r.HugetlbLimit)
	setNonZero(&out.NetClsClassid, r.NetClsClassid)
	setSlice(&out.NetPrioIfpriomap, r.NetPrioIfpriomap)
	if r.Rdma != nil {
		out.Rdma = maps.Clone(r.Rdma)
	}
	if r.Unified != nil {
		if out.Unified == nil {
			out.Unified = map[string]string{}
		}
		maps.Copy(out.Unified, r.Unified)
	}
	if r.Devices != nil {
		out.Devices = slices.Clone(r.Devices)
	}
	return out
}

func setNonZero[T comparable](dst *T, v T) {
	var zero T
	if v != zero {
		*dst = v
	}
}

// setPtr copies a pointer that is set, so a later change to *v does not
// reach the result.
func setPtr[T any](dst **T, v *T) {
	if v != nil {
		x := *v
		*dst = &x
	}
}

// setSlice replaces the list when v is not nil (an empty, non-nil list
// clears it).
func setSlice[T any](dst *[]T, v []T) {
	if v != nil {
		*dst = slices.Clone(v)
	}
}
