package specconv

import (
	"log/slog"
	"maps"

	"github.com/opencontainers/runtime-spec/specs-go"

	"github.com/oci-run/oci-run/libcontainer/configs"
)

// convertResources converts linux.resources; nil gives empty (but non-nil)
// Resources.
func convertResources(r *specs.LinuxResources, log *slog.Logger) (*configs.Resources, error) {
	out := &configs.Resources{}
	if r == nil {
		return out, nil
	}
	var err error
	if out.Devices, err = convertDeviceRules(r.Devices); err != nil {
		return nil, err
	}
	convertMemory(out, r.Memory, log)
	convertCPU(out, r.CPU)
	convertPids(out, r.Pids, log)
	convertBlockIO(out, r.BlockIO)
	for _, h := range r.HugepageLimits {
		out.HugetlbLimit = append(out.HugetlbLimit, &configs.HugepageLimit{Pagesize: h.Pagesize, Limit: h.Limit})
	}
	if n := r.Network; n != nil {
		if n.ClassID != nil {
			out.NetClsClassid = *n.ClassID
		}
		for _, p := range n.Priorities {
			out.NetPrioIfpriomap = append(out.NetPrioIfpriomap, &configs.IfPrioMap{Interface: p.Name, Priority: int64(p.Priority)})
		}
	}
	if len(r.Rdma) > 0 {
		out.Rdma = make(map[string]configs.RdmaLimit, len(r.Rdma))
		for dev, l := range r.Rdma {
			out.Rdma[dev] = configs.RdmaLimit{HcaHandles: copyPtr(l.HcaHandles), HcaObjects: copyPtr(l.HcaObjects)}
		}
	}
	out.Unified = maps.Clone(r.Unified)
	return out, nil
}

// convertMemory copies the memory limits. Kernel memory limits are
// obsolete (and absent from cgroup v2): they are kept for the record but
// a warning says they will not be applied.
func convertMemory(out *configs.Resources, m *specs.LinuxMemory, log *slog.Logger) {
	if m == nil {
		return
	}
	set(&out.Memory, m.Limit)
	set(&out.MemoryReservation, m.Reservation)
	set(&out.MemorySwap, m.Swap)
	if m.Kernel != nil || m.KernelTCP != nil { //nolint:staticcheck // deprecated, still read
		warn(log, "linux.resources.memory.kernel", "kernel memory limits are not applied")
		set(&out.KernelMemory, m.Kernel)       //nolint:staticcheck
		set(&out.KernelMemoryTCP, m.KernelTCP) //nolint:staticcheck
	}
	out.MemorySwappiness = copyPtr(m.Swappiness)
	set(&out.OomKillDisable, m.DisableOOMKiller)
	out.UseHierarchy = copyPtr(m.UseHierarchy)
	set(&out.CheckBeforeUpdate, m.CheckBeforeUpdate)
}

// convertCPU copies the cpu and cpuset settings.
func convertCPU(out *configs.Resources, c *specs.LinuxCPU) {
	if c == nil {
		return
	}
	set(&out.CPUShares, c.Shares)
	set(&out.CPUQuota, c.Quota)
	set(&out.CPUPeriod, c.Period)
	out.CPUBurst = copyPtr(c.Burst)
	set(&out.CPURtRuntime, c.RealtimeRuntime)
	set(&out.CPURtPeriod, c.RealtimePeriod)
	out.CPUIdle = copyPtr(c.Idle)
	out.CpusetCpus = c.Cpus
	out.CpusetMems = c.Mems
}

// convertPids copies the pids limit; a negative limit means "max" (-1).
// The spec allows a limit of 0 tasks, but configs uses 0 for "unset", so a
// 0 limit is not applied and a warning says so.
func convertPids(out *configs.Resources, p *specs.LinuxPids, log *slog.Logger) {
	if p == nil || p.Limit == nil {
		return
	}
	switch l := *p.Limit; {
	case l < 0:
		out.PidsLimit = -1
	case l == 0:
		warn(log, "linux.resources.pids.limit", "a limit of 0 tasks cannot be expressed; no limit is set")
	default:
		out.PidsLimit = l
	}
}

// convertBlockIO copies weights and per-device weights and throttles.
func convertBlockIO(out *configs.Resources, b *specs.LinuxBlockIO) {
	if b == nil {
		return
	}
	set(&out.BlkioWeight, b.Weight)
	set(&out.BlkioLeafWeight, b.LeafWeight)
	for _, wd := range b.WeightDevice {
		d := &configs.WeightDevice{Major: wd.Major, Minor: wd.Minor}
		set(&d.Weight, wd.Weight)
		set(&d.LeafWeight, wd.LeafWeight)
		out.BlkioWeightDevice = append(out.BlkioWeightDevice, d)
	}
	out.BlkioThrottleReadBpsDevice = throttles(b.ThrottleReadBpsDevice)
	out.BlkioThrottleWriteBpsDevice = throttles(b.ThrottleWriteBpsDevice)
	out.BlkioThrottleReadIOPSDevice = throttles(b.ThrottleReadIOPSDevice)
	out.BlkioThrottleWriteIOPSDevice = throttles(b.ThrottleWriteIOPSDevice)
}

func throttles(in []specs.LinuxThrottleDevice) []*configs.ThrottleDevice {
	var out []*configs.ThrottleDevice
	for _, t := range in {
		out = append(out, &configs.ThrottleDevice{Major: t.Major, Minor: t.Minor, Rate: t.Rate})
	}
	return out
}

// set stores *p in *dst when p is not nil.
func set[T any](dst *T, p *T) {
	if p != nil {
		*dst = *p
	}
}
