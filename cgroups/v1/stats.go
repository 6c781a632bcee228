package v1

import (
	"errors"
	"io/fs"
	"math"
	"strconv"
	"strings"

	"github.com/oci-run/oci-run/cgroups/fscommon"
)

// userHZ is the unit of cpuacct.stat (USER_HZ, 100 on Linux).
const userHZ = 100

// Stats reads cpu, memory, pids, blkio and hugetlb usage from the mounted
// hierarchies; a controller that is not mounted leaves its part zero.
func (m *Manager) Stats() (*fscommon.Statistics, error) {
	st := &fscommon.Statistics{}
	if d, ok := m.dirs["cpuacct"]; ok {
		if err := cpuacctStats(d, &st.CPU); err != nil {
			return nil, err
		}
	}
	if d, ok := m.dirs["cpu"]; ok {
		kv, err := d.ReadKeyValues("cpu.stat")
		if err != nil {
			return nil, err
		}
		st.CPU.Periods, st.CPU.ThrottledPeriods, st.CPU.ThrottledTime = kv["nr_periods"], kv["nr_throttled"], kv["throttled_time"]
	}
	if d, ok := m.dirs["memory"]; ok {
		if err := memoryStats(d, &st.Memory); err != nil {
			return nil, err
		}
	}
	if d, ok := m.dirs["pids"]; ok {
		cur, err := d.ReadUint("pids.current")
		if err != nil {
			return nil, err
		}
		limit, err := d.ReadUint("pids.max")
		if err != nil {
			return nil, err
		}
		if limit == math.MaxUint64 {
			limit = 0
		}
		st.Pids = fscommon.PidsStats{Current: cur, Limit: limit}
	}
	if d, ok := m.dirs["blkio"]; ok {
		if err := blkioStats(d, &st.Blkio); err != nil {
			return nil, err
		}
	}
	if d, ok := m.dirs["hugetlb"]; ok {
		h, err := hugetlbStats(d)
		if err != nil {
			return nil, err
		}
		st.Hugetlb = h
	}
	return st, nil
}

func cpuacctStats(d fscommon.Dir, c *fscommon.CPUStats) error {
	var err error
	if c.UsageTotal, err = d.ReadUint("cpuacct.usage"); err != nil {
		return err
	}
	if s, err := d.Read("cpuacct.usage_percpu"); err == nil {
		for f := range strings.FieldsSeq(s) {
			v, _ := strconv.ParseUint(f, 10, 64)
			c.PerCPU = append(c.PerCPU, v)
		}
	}
	kv, err := d.ReadKeyValues("cpuacct.stat")
	if err != nil {
		return err
	}
	c.UsageUser = kv["user"] * (1e9 / userHZ)
	c.UsageKernel = kv["system"] * (1e9 / userHZ)
	return nil
}

func memoryUsage(d fscommon.Dir, prefix string) (fscommon.MemoryUsage, error) {
	var u fscommon.MemoryUsage
	var err error
	if u.Usage, err = d.ReadUint(prefix + "usage_in_bytes"); err != nil {
		return u, err
	}
	if u.MaxUsage, err = d.ReadUint(prefix + "max_usage_in_bytes"); err != nil {
		return u, err
	}
	if u.Limit, err = d.ReadUint(prefix + "limit_in_bytes"); err != nil {
		return u, err
	}
	u.Failcnt, err = d.ReadUint(prefix + "failcnt")
	return u, err
}

func memoryStats(d fscommon.Dir, ms *fscommon.MemoryStats) error {
	var err error
	if ms.Usage, err = memoryUsage(d, "memory."); err != nil {
		return err
	}
	if d.Has("memory.memsw.usage_in_bytes") {
		if ms.Swap, err = memoryUsage(d, "memory.memsw."); err != nil {
			return err
		}
	}
	if ms.Raw, err = d.ReadKeyValues("memory.stat"); err != nil {
		return err
	}
	if v, ok := ms.Raw["total_cache"]; ok {
		ms.Cache = v
	} else {
		ms.Cache = ms.Raw["cache"]
	}
	oc, err := d.ReadKeyValues("memory.oom_control")
	if err != nil {
		return err
	}
	ms.OOMKills = oc["oom_kill"]
	return nil
}

// blkioStats prefers the BFQ scheduler's counters, then the throttling
// layer's (which count every bio).
func blkioStats(d fscommon.Dir, b *fscommon.BlkioStats) error {
	for _, pre := range []string{"blkio.bfq.", "blkio.throttle."} {
		bytes, err := readBlkio(d, pre+"io_service_bytes_recursive")
		if err != nil {
			return err
		}
		ios, err := readBlkio(d, pre+"io_serviced_recursive")
		if err != nil {
			return err
		}
		if len(bytes) > 0 || len(ios) > 0 || pre == "blkio.throttle." {
			b.IoServiceBytesRecursive, b.IoServicedRecursive = bytes, ios
			return nil
		}
	}
	return nil
}

// readBlkio parses "8:0 Read 4096" lines; a missing file gives nothing.
func readBlkio(d fscommon.Dir, name string) ([]fscommon.BlkioEntry, error) {
	s, err := d.Read(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []fscommon.BlkioEntry
	for line := range strings.SplitSeq(s, "\n") {
		f := strings.Fields(line)
		if len(f) != 3 {
			continue
		}
		maj, min, ok := strings.Cut(f[0], ":")
		if !ok {
			continue
		}
		e := fscommon.BlkioEntry{Op: f[1]}
		e.Major, _ = strconv.ParseUint(maj, 10, 64)
		e.Minor, _ = strconv.ParseUint(min, 10, 64)
		e.Value, _ = strconv.ParseUint(f[2], 10, 64)
		out = append(out, e)
	}
	return out, nil
}

func hugetlbStats(d fscommon.Dir) (map[string]fscommon.HugetlbStats, error) {
	sizes, err := d.HugePageSizes("usage_in_bytes")
	if err != nil {
		return nil, err
	}
	out := map[string]fscommon.HugetlbStats{}
	for _, size := range sizes {
		var h fscommon.HugetlbStats
		pre := "hugetlb." + size + "."
		if h.Usage, err = d.ReadUint(pre + "usage_in_bytes"); err != nil {
			return nil, err
		}
		if h.MaxUsage, err = d.ReadUint(pre + "max_usage_in_bytes"); err != nil {
			return nil, err
		}
		if h.Failcnt, err = d.ReadUint(pre + "failcnt"); err != nil {
			return nil, err
		}
		out[size] = h
	}
	return out, nil
}
