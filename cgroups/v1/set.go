package v1

import (
	"github.com/oci-run/oci-run/cgroups/fscommon"
	"github.com/oci-run/oci-run/libcontainer/configs"
)

// Set writes the resources to the controllers' files. A setting whose
// controller is not mounted, or whose file this kernel lacks, fails with
// an error matching fscommon.ErrNotSupported; nothing is silently dropped
// except kernel memory, which is ignored with a warning (as runc does).
// Devices nil leaves the device rules as they are; SkipDevices too.
func (m *Manager) Set(r *configs.Resources) error {
	if r == nil {
		return nil
	}
	steps := []struct {
		sub    string
		needed bool
		set    func(fscommon.Dir, *configs.Resources) error
	}{
		{"cpuset", r.CpusetCpus != "" || r.CpusetMems != "", setCpuset},
		{"memory", memoryNeeded(r), m.setMemory},
		{"cpu", cpuNeeded(r), setCPU},
		{"pids", r.PidsLimit != 0, setPids},
		{"blkio", blkioNeeded(r), setBlkio},
		{"hugetlb", len(r.HugetlbLimit) > 0, setHugetlb},
		{"net_cls", r.NetClsClassid != 0, setNetCls},
		{"net_prio", len(r.NetPrioIfpriomap) > 0, setNetPrio},
		{"rdma", len(r.Rdma) > 0, setRdma},
		{"devices", r.Devices != nil && !r.SkipDevices, setDevices},
	}
	if r.KernelMemory != 0 || r.KernelMemoryTCP != 0 {
		m.log.Warn("kernel memory limits are not supported and are ignored",
			"kernelMemory", r.KernelMemory, "kernelMemoryTCP", r.KernelMemoryTCP)
	}
	if len(r.Unified) > 0 {
		return unifiedOnV1(r.Unified)
	}
	for _, s := range steps {
		if !s.needed {
			continue
		}
		d, err := m.dir(s.sub, s.sub+" limits")
		if err != nil {
			return err
		}
		if err := s.set(d, r); err != nil {
			return err
		}
	}
	if r.Freezer != configs.Undefined {
		return m.Freeze(r.Freezer)
	}
	return nil
}
