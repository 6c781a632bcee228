package v2

import (
	"math"
	"strconv"
	"strings"

	"github.com/oci-run/oci-run/cgroups/fscommon"
)

// Stats reads cpu.stat, memory.*, pids.*, io.stat, hugetlb.* and the
// pressure files. Files of controllers that are not enabled are skipped
// (cpu.stat's usage and the pressure files exist in every cgroup).
func (m *Manager) Stats() (*fscommon.Statistics, error) {
	d := m.dir
	st := &fscommon.Statistics{}
	var err error
	if d.Has("cpu.stat") {
		kv, err := d.ReadKeyValues("cpu.stat")
		if err != nil {
			return nil, err
		}
		st.CPU = fscommon.CPUStats{
			UsageTotal:       kv["usage_usec"] * 1000,
			UsageUser:        kv["user_usec"] * 1000,
			UsageKernel:      kv["system_usec"] * 1000,
			Periods:          kv["nr_periods"],
			ThrottledPeriods: kv["nr_throttled"],
			ThrottledTime:    kv["throttled_usec"] * 1000,
		}
	}
	if st.CPU.PSI, err = d.ReadPSI("cpu.pressure"); err != nil {
		return nil, err
	}
	if err := memoryStats(d, &st.Memory); err != nil {
		return nil, err
	}
	if d.Has("pids.current") {
		if st.Pids.Current, err = d.ReadUint("pids.current"); err != nil {
			return nil, err
		}
		if st.Pids.Limit, err = d.ReadUint("pids.max"); err != nil {
			return nil, err
		}
		if st.Pids.Limit == math.MaxUint64 {
			st.Pids.Limit = 0
		}
	}
	if d.Has("io.stat") {
		s, err := d.Read("io.stat")
		if err != nil {
			return nil, err
		}
		st.Blkio.IoServiceBytesRecursive, st.Blkio.IoServicedRecursive = ParseIOStat(s)
	}
	if st.Blkio.PSI, err = d.ReadPSI("io.pressure"); err != nil {
		return nil, err
	}
	if st.Hugetlb, err = hugetlbStats(d); err != nil {
		return nil, err
	}
	return st, nil
}

func memoryStats(d fscommon.Dir, ms *fscommon.MemoryStats) error {
	var err error
	if ms.PSI, err = d.ReadPSI("memory.pressure"); err != nil {
		return err
	}
	if !d.Has("memory.current") {
		return nil
	}
	if ms.Usage.Usage, err = d.ReadUint("memory.current"); err != nil {
		return err
	}
	if ms.Usage.Limit, err = d.ReadUint("memory.max"); err != nil {
		return err
	}
	if d.Has("memory.peak") {
		if ms.Usage.MaxUsage, err = d.ReadUint("memory.peak"); err != nil {
			return err
		}
	}
	if ms.Raw, err = d.ReadKeyValues("memory.stat"); err != nil {
		return err
	}
	ms.Cache = ms.Raw["file"]
	if ms.Events, err = d.ReadKeyValues("memory.events"); err != nil {
		return err
	}
	ms.Usage.Failcnt = ms.Events["max"]
	ms.OOMKills = ms.Events["oom_kill"]
	if d.Has("memory.swap.current") {
		if ms.Swap.Usage, err = d.ReadUint("memory.swap.current"); err != nil {
			return err
		}
		if ms.Swap.Limit, err = d.ReadUint("memory.swap.max"); err != nil {
			return err
		}
	}
	return nil
}

// ParseIOStat parses io.stat lines ("8:0 rbytes=1 wbytes=2 rios=3 wios=4
// dbytes=0 dios=0") into v1-style entries (Read/Write bytes, Read/Write
// ios).
func ParseIOStat(s string) (bytes, ios []fscommon.BlkioEntry) {
	for line := range strings.SplitSeq(s, "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		maj, min, ok := strings.Cut(f[0], ":")
		if !ok {
			continue
		}
		e := fscommon.BlkioEntry{}
		e.Major, _ = strconv.ParseUint(maj, 10, 64)
		e.Minor, _ = strconv.ParseUint(min, 10, 64)
		for _, kv := range f[1:] {
			k, v, _ := strings.Cut(kv, "=")
			n, err := strconv.ParseUint(v, 10, 64)
			if err != nil {
				continue
			}
			e.Value = n
			switch k {
			case "rbytes":
				e.Op = "Read"
				bytes = append(bytes, e)
			case "wbytes":
				e.Op = "Write"
				bytes = append(bytes, e)
			case "rios":
				e.Op = "Read"
				ios = append(ios, e)
			case "wios":
				e.Op = "Write"
				ios = append(ios, e)
			}
		}
	}
	return bytes, ios
}

func hugetlbStats(d fscommon.Dir) (map[string]fscommon.HugetlbStats, error) {
	sizes, err := d.HugePageSizes("current")
	if err != nil {
		return nil, err
	}
	var out map[string]fscommon.HugetlbStats
	for _, size := range sizes {
		var h fscommon.HugetlbStats
		if h.Usage, err = d.ReadUint("hugetlb." + size + ".current"); err != nil {
			return nil, err
		}
		if ev, err := d.ReadKeyValues("hugetlb." + size + ".events"); err == nil {
			h.Failcnt = ev["max"]
		}
		if out == nil {
			out = map[string]fscommon.HugetlbStats{}
		}
		out[size] = h
	}
	return out, nil
}
