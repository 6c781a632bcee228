package v2

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/oci-run/oci-run/cgroups/fscommon"
	"github.com/oci-run/oci-run/libcontainer/configs"
)

// Set writes the resources to the cgroup's files, enabling the controllers
// they need in the parents first. A setting whose file is missing (the
// controller is not available, or the kernel lacks the feature) fails with
// an error matching fscommon.ErrNotSupported that names the file. v1-only
// knobs without a v2 equivalent (swappiness, oom_kill_disable, kernel
// memory) are ignored with a warning, as runc does. Devices nil leaves
// the device filter as it is.
func (m *Manager) Set(r *configs.Resources) error {
	if r == nil {
		return nil
	}
	m.enableControllers(wantedControllers(r))
	m.warnIgnored(r)
	for _, set := range []func(*configs.Resources) error{
		m.setCpuset, m.setMemory, m.setCPU, m.setPids, m.setIO,
		m.setHugetlb, m.setRdma, m.setUnified, m.setDevices,
	} {
		if err := set(r); err != nil {
			return err
		}
	}
	if r.Freezer != configs.Undefined {
		return m.Freeze(r.Freezer)
	}
	return nil
}

func (m *Manager) warnIgnored(r *configs.Resources) {
	if r.KernelMemory != 0 || r.KernelMemoryTCP != 0 {
		m.log.Warn("kernel memory limits are not supported and are ignored", "kernelMemory", r.KernelMemory, "kernelMemoryTCP", r.KernelMemoryTCP)
	}
	if r.MemorySwappiness != nil {
		m.log.Warn("memory swappiness has no cgroup v2 equivalent and is ignored", "swappiness", *r.MemorySwappiness)
	}
	if r.OomKillDisable {
		m.log.Warn("oom_kill_disable has no cgroup v2 equivalent and is ignored")
	}
}

// write checks that the file exists (naming what needed it) and writes.
func (m *Manager) write(file, value, what string) error {
	if !m.dir.Has(file) {
		return fscommon.Unsupported(m.dir.File(file), what)
	}
	return m.dir.Write(file, value)
}

func (m *Manager) setCpuset(r *configs.Resources) error {
	if r.CpusetCpus != "" {
		if err := m.write("cpuset.cpus", r.CpusetCpus, "cpuset cpus"); err != nil {
			return err
		}
	}
	if r.CpusetMems != "" {
		return m.write("cpuset.mems", r.CpusetMems, "cpuset mems")
	}
	return nil
}

func (m *Manager) setMemory(r *configs.Resources) error {
	swap, swapSet, err := SwapMax(r.MemorySwap, r.Memory)
	if err != nil {
		return err
	}
	if swapSet {
		if !m.dir.Has("memory.swap.max") {
			if swap != "max" && swap != "0" {
				return fscommon.Unsupported(m.dir.File("memory.swap.max"), "swap limit "+swap)
			}
			m.log.Debug("no memory.swap.max: swap limit not written", "value", swap)
		} else if err := m.dir.Write("memory.swap.max", swap); err != nil {
			return err
		}
	}
	if r.Memory != 0 {
		if r.CheckBeforeUpdate && r.Memory > 0 {
			cur, err := m.dir.ReadUint("memory.current")
			if err != nil {
				return err
			}
			if uint64(r.Memory) < cur {
				return fmt.Errorf("%s: memory limit %d is below the current usage %d: %w", m.dir.File("memory.max"), r.Memory, cur, fscommon.ErrInvalid)
			}
		}
		if err := m.write("memory.max", fscommon.FormatLimit(r.Memory, "max"), "memory limit"); err != nil {
			return err
		}
	}
	if r.MemoryReservation != 0 {
		return m.write("memory.low", fscommon.FormatLimit(r.MemoryReservation, "max"), "memory reservation")
	}
	return nil
}

func (m *Manager) setCPU(r *configs.Resources) error {
	if r.CPURtPeriod != 0 || r.CPURtRuntime != 0 {
		return fscommon.Unsupported(m.dir.Path(), "realtime cpu limits (cgroup v2 has no cpu.rt_*)")
	}
	if w := SharesToWeight(r.CPUShares); w != 0 {
		if err := m.write("cpu.weight", strconv.FormatUint(w, 10), "cpu shares"); err != nil {
			return err
		}
	}
	if v, ok := CPUMax(r.CPUQuota, r.CPUPeriod); ok {
		if err := m.write("cpu.max", v, "cpu quota"); err != nil {
			return err
		}
	}
	if r.CPUBurst != nil {
		if err := m.write("cpu.max.burst", strconv.FormatUint(*r.CPUBurst, 10), "cpu burst"); err != nil {
			return err
		}
	}
	if r.CPUIdle != nil {
		return m.write("cpu.idle", strconv.FormatInt(*r.CPUIdle, 10), "cpu idle")
	}
	return nil
}

func (m *Manager) setPids(r *configs.Resources) error {
	if r.PidsLimit == 0 {
		return nil
	}
	return m.write("pids.max", fscommon.FormatLimit(r.PidsLimit, "max"), "pids limit")
}

func (m *Manager) setIO(r *configs.Resources) error {
	bfq := m.dir.Has("io.bfq.weight")
	weight := func(w uint16) string {
		if bfq { // BFQ takes the v1 range as is
			return strconv.FormatUint(uint64(w), 10)
		}
		return strconv.FormatUint(BlkioWeightToIOWeight(w), 10)
	}
	file := "io.weight"
	if bfq {
		file = "io.bfq.weight"
	}
	if r.BlkioWeight != 0 {
		if err := m.write(file, weight(r.BlkioWeight), "blkio weight"); err != nil {
			return err
		}
	}
	if r.BlkioLeafWeight != 0 {
		return fscommon.Unsupported(m.dir.Path(), "blkio leaf weight (cgroup v2 has none)")
	}
	for _, wd := range r.BlkioWeightDevice {
		if wd.LeafWeight != 0 {
			return fscommon.Unsupported(m.dir.Path(), "blkio per-device leaf weight (cgroup v2 has none)")
		}
		if wd.Weight != 0 {
			if err := m.write(file, fmt.Sprintf("%d:%d %s", wd.Major, wd.Minor, weight(wd.Weight)), "blkio per-device weight"); err != nil {
				return err
			}
		}
	}
	for _, t := range []struct {
		key  string
		devs []*configs.ThrottleDevice
	}{
		{"rbps", r.BlkioThrottleReadBpsDevice},
		{"wbps", r.BlkioThrottleWriteBpsDevice},
		{"riops", r.BlkioThrottleReadIOPSDevice},
		{"wiops", r.BlkioThrottleWriteIOPSDevice},
	} {
		for _, d := range t.devs {
			if err := m.write("io.max", fmt.Sprintf("%d:%d %s=%d", d.Major, d.Minor, t.key, d.Rate), "io throttling"); err != nil {
				return err
			}
		}
	}
	return nil
}

func (m *Manager) setHugetlb(r *configs.Resources) error {
	for _, h := range r.HugetlbLimit {
		f := "hugetlb." + h.Pagesize + ".max"
		if err := fscommon.ValidName(f); err != nil {
			return err
		}
		v := strconv.FormatUint(h.Limit, 10)
		if err := m.write(f, v, "huge page size "+h.Pagesize); err != nil {
			return err
		}
		if rsvd := "hugetlb." + h.Pagesize + ".rsvd.max"; m.dir.Has(rsvd) {
			if err := m.dir.Write(rsvd, v); err != nil {
				return err
			}
		}
	}
	return nil
}

func (m *Manager) setRdma(r *configs.Resources) error {
	for _, dev := range slices.Sorted(maps.Keys(r.Rdma)) {
		l := r.Rdma[dev]
		if dev == "" || strings.ContainsAny(dev, " \n=") {
			return fmt.Errorf("rdma device %q: %w", dev, fscommon.ErrInvalid)
		}
		line := dev
		if l.HcaHandles != nil {
			line += " hca_handle=" + strconv.FormatUint(uint64(*l.HcaHandles), 10)
		}
		if l.HcaObjects != nil {
			line += " hca_object=" + strconv.FormatUint(uint64(*l.HcaObjects), 10)
		}
		if err := m.write("rdma.max", line, "rdma limits"); err != nil {
			return err
		}
	}
	return nil
}

// ValidateUnified checks one unified key/value: the key is a single file
// name of the form "<controller>.<knob>", not one of the cgroup.* core
// files (the runtime owns those), and the value is one line.
func ValidateUnified(key, value string) error {
	if err := fscommon.ValidName(key); err != nil {
		return err
	}
	ctrl, knob, ok := strings.Cut(key, ".")
	if !ok || ctrl == "" || knob == "" {
		return fmt.Errorf("unified key %q: not <controller>.<file>: %w", key, fscommon.ErrInvalid)
	}
	if ctrl == "cgroup" {
		return fmt.Errorf("unified key %q: cgroup core files are managed by the runtime: %w", key, fscommon.ErrInvalid)
	}
	if strings.Contains(strings.TrimRight(value, "\n"), "\n") {
		return fmt.Errorf("unified %s: value %q has more than one line: %w", key, value, fscommon.ErrInvalid)
	}
	return nil
}

func (m *Manager) setUnified(r *configs.Resources) error {
	for _, k := range slices.Sorted(maps.Keys(r.Unified)) {
		v := r.Unified[k]
		if err := ValidateUnified(k, v); err != nil {
			return err
		}
		ctrl, _, _ := strings.Cut(k, ".")
		if err := m.write(k, v, "unified setting (controller "+ctrl+" not available here?)"); err != nil {
			return err
		}
	}
	return nil
}
