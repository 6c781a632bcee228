package shim

import (
	"context"
	"fmt"
	"strings"

	v1 "github.com/containerd/cgroups/v3/cgroup1/stats"
	taskv2 "github.com/containerd/containerd/api/runtime/task/v2"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"

	"github.com/oci-run/oci-run/cgroups"
)

// Stats reports the container's cgroup statistics as containerd's cgroup
// v1 metrics type (io.containerd.cgroups.v1.Metrics), which is what
// containerd 1.6 and ctr decode for a Linux task.
func (s *Service) Stats(ctx context.Context, r *taskv2.StatsRequest) (*taskv2.StatsResponse, error) {
	c, err := s.get(r.ID)
	if err != nil {
		return nil, err
	}
	st, err := c.lc.Stats()
	if err != nil {
		return nil, err
	}
	m := toMetrics(st)
	b, err := proto.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("stats: encode metrics: %w", err)
	}
	return &taskv2.StatsResponse{Stats: &anypb.Any{TypeUrl: string(proto.MessageName(m)), Value: b}}, nil
}

// toMetrics converts the library's statistics to containerd's metrics.
func toMetrics(st *cgroups.Statistics) *v1.Metrics {
	raw := st.Memory.Raw
	m := &v1.Metrics{
		Pids: &v1.PidsStat{Current: st.Pids.Current, Limit: st.Pids.Limit},
		CPU: &v1.CPUStat{
			Usage: &v1.CPUUsage{Total: st.CPU.UsageTotal, Kernel: st.CPU.UsageKernel,
				User: st.CPU.UsageUser, PerCPU: st.CPU.PerCPU},
			Throttling: &v1.Throttle{Periods: st.CPU.Periods, ThrottledPeriods: st.CPU.ThrottledPeriods,
				ThrottledTime: st.CPU.ThrottledTime},
		},
		Memory: &v1.MemoryStat{
			Cache:                   st.Memory.Cache,
			RSS:                     raw["rss"],
			RSSHuge:                 raw["rss_huge"],
			MappedFile:              raw["mapped_file"],
			Dirty:                   raw["dirty"],
			Writeback:               raw["writeback"],
			PgPgIn:                  raw["pgpgin"],
			PgPgOut:                 raw["pgpgout"],
			PgFault:                 raw["pgfault"],
			PgMajFault:              raw["pgmajfault"],
			InactiveAnon:            raw["inactive_anon"],
			ActiveAnon:              raw["active_anon"],
			InactiveFile:            raw["inactive_file"],
			ActiveFile:              raw["active_file"],
			Unevictable:             raw["unevictable"],
			HierarchicalMemoryLimit: raw["hierarchical_memory_limit"],
			HierarchicalSwapLimit:   raw["hierarchical_memsw_limit"],
			TotalCache:              raw["total_cache"],
			TotalRSS:                raw["total_rss"],
			TotalRSSHuge:            raw["total_rss_huge"],
			TotalMappedFile:         raw["total_mapped_file"],
			TotalDirty:              raw["total_dirty"],
			TotalWriteback:          raw["total_writeback"],
			TotalPgPgIn:             raw["total_pgpgin"],
			TotalPgPgOut:            raw["total_pgpgout"],
			TotalPgFault:            raw["total_pgfault"],
			TotalPgMajFault:         raw["total_pgmajfault"],
			TotalInactiveAnon:       raw["total_inactive_anon"],
			TotalActiveAnon:         raw["total_active_anon"],
			TotalInactiveFile:       raw["total_inactive_file"],
			TotalActiveFile:         raw["total_active_file"],
			TotalUnevictable:        raw["total_unevictable"],
			Usage:                   memEntry(st.Memory.Usage),
			Swap:                    memEntry(st.Memory.Swap),
		},
		Blkio: &v1.BlkIOStat{
			IoServiceBytesRecursive: blkEntries(st.Blkio.IoServiceBytesRecursive),
			IoServicedRecursive:     blkEntries(st.Blkio.IoServicedRecursive),
		},
	}
	for size, h := range st.Hugetlb {
		m.Hugetlb = append(m.Hugetlb, &v1.HugetlbStat{Usage: h.Usage, Max: h.MaxUsage, Failcnt: h.Failcnt, Pagesize: size})
	}
	return m
}

func memEntry(u cgroups.MemoryUsage) *v1.MemoryEntry {
	return &v1.MemoryEntry{Limit: u.Limit, Usage: u.Usage, Max: u.MaxUsage, Failcnt: u.Failcnt}
}

func blkEntries(in []cgroups.BlkioEntry) []*v1.BlkIOEntry {
	out := make([]*v1.BlkIOEntry, 0, len(in))
	for _, e := range in {
		out = append(out, &v1.BlkIOEntry{Op: strings.ToLower(e.Op), Major: e.Major, Minor: e.Minor, Value: e.Value})
	}
	return out
}
