package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/oci-run/oci-run/cgroups"
	"github.com/oci-run/oci-run/libcontainer"
)

// event is one line of `events` output, as runc prints it.
type event struct {
	Type string      `json:"type"` // "stats" or "oom"
	ID   string      `json:"id"`
	Data *eventStats `json:"data,omitempty"`
}

// eventStats is runc's stats shape (its types.Stats), so tools that read
// runc's events can read these. Fields the cgroup drivers do not report
// (cpuset, per-cpu kernel/user split, kernel memory, intel_rdt, network
// interfaces) are left out or zero.
type eventStats struct {
	CPU     cpuEvent                `json:"cpu"`
	Memory  memoryEvent             `json:"memory"`
	Pids    pidsEvent               `json:"pids"`
	Blkio   blkioEvent              `json:"blkio"`
	Hugetlb map[string]hugetlbEvent `json:"hugetlb"`
}

type cpuEvent struct {
	Usage      cpuUsageEvent     `json:"usage"`
	Throttling throttlingEvent   `json:"throttling"`
	PSI        *cgroups.PSIStats `json:"psi,omitempty"`
}

type cpuUsageEvent struct {
	Total  uint64   `json:"total,omitempty"` // ns
	Percpu []uint64 `json:"percpu,omitempty"`
	Kernel uint64   `json:"kernel"`
	User   uint64   `json:"user"`
}

type throttlingEvent struct {
	Periods          uint64 `json:"periods,omitempty"`
	ThrottledPeriods uint64 `json:"throttledPeriods,omitempty"`
	ThrottledTime    uint64 `json:"throttledTime,omitempty"`
}

type memoryEntryEvent struct {
	Limit   uint64 `json:"limit"`
	Usage   uint64 `json:"usage,omitempty"`
	Max     uint64 `json:"max,omitempty"`
	Failcnt uint64 `json:"failcnt"`
}

type memoryEvent struct {
	Cache uint64            `json:"cache,omitempty"`
	Usage memoryEntryEvent  `json:"usage"`
	Swap  memoryEntryEvent  `json:"swap"`
	Raw   map[string]uint64 `json:"raw,omitempty"`
	PSI   *cgroups.PSIStats `json:"psi,omitempty"`
	// OOMKills is oci-run's: the kernel's count of OOM kills in the cgroup.
	OOMKills uint64 `json:"oomKills,omitempty"`
}

type pidsEvent struct {
	Current uint64 `json:"current,omitempty"`
	Limit   uint64 `json:"limit,omitempty"`
}

type blkioEntryEvent struct {
	Major uint64 `json:"major,omitempty"`
	Minor uint64 `json:"minor,omitempty"`
	Op    string `json:"op,omitempty"`
	Value uint64 `json:"value,omitempty"`
}

type blkioEvent struct {
	IoServiceBytesRecursive []blkioEntryEvent `json:"ioServiceBytesRecursive,omitempty"`
	IoServicedRecursive     []blkioEntryEvent `json:"ioServicedRecursive,omitempty"`
	PSI                     *cgroups.PSIStats `json:"psi,omitempty"`
}

type hugetlbEvent struct {
	Usage   uint64 `json:"usage,omitempty"`
	Max     uint64 `json:"max,omitempty"`
	Failcnt uint64 `json:"failcnt"`
}

func toEventStats(s *cgroups.Statistics) *eventStats {
	mem := func(u cgroups.MemoryUsage) memoryEntryEvent {
		return memoryEntryEvent{Limit: u.Limit, Usage: u.Usage, Max: u.MaxUsage, Failcnt: u.Failcnt}
	}
	blk := func(in []cgroups.BlkioEntry) []blkioEntryEvent {
		var out []blkioEntryEvent
		for _, e := range in {
			out = append(out, blkioEntryEvent{Major: e.Major, Minor: e.Minor, Op: e.Op, Value: e.Value})
		}
		return out
	}
	out := &eventStats{
		CPU: cpuEvent{
			Usage: cpuUsageEvent{Total: s.CPU.UsageTotal, Percpu: s.CPU.PerCPU, Kernel: s.CPU.UsageKernel, User: s.CPU.UsageUser},
			Throttling: throttlingEvent{
				Periods: s.CPU.Periods, ThrottledPeriods: s.CPU.ThrottledPeriods, ThrottledTime: s.CPU.ThrottledTime,
			},
			PSI: s.CPU.PSI,
		},
		Memory: memoryEvent{
			Cache: s.Memory.Cache, Usage: mem(s.Memory.Usage), Swap: mem(s.Memory.Swap),
			Raw: s.Memory.Raw, PSI: s.Memory.PSI, OOMKills: s.Memory.OOMKills,
		},
		Pids: pidsEvent{Current: s.Pids.Current, Limit: s.Pids.Limit},
		Blkio: blkioEvent{
			IoServiceBytesRecursive: blk(s.Blkio.IoServiceBytesRecursive),
			IoServicedRecursive:     blk(s.Blkio.IoServicedRecursive),
			PSI:                     s.Blkio.PSI,
		},
		Hugetlb: map[string]hugetlbEvent{},
	}
	for size, h := range s.Hugetlb {
		out.Hugetlb[size] = hugetlbEvent{Usage: h.Usage, Max: h.MaxUsage, Failcnt: h.Failcnt}
	}
	return out
}

// statusPoll is how often a streaming `events` checks whether the
// container has stopped.
const statusPoll = 100 * time.Millisecond

// cmdEvents prints a container's events as JSON lines: with --stats one
// stats event; otherwise a stats event every --interval and an oom event
// per OOM kill, until the container stops.
func cmdEvents(g *global, args []string) error {
	var statsOnly bool
	interval := 5 * time.Second
	fs := newFlags("events")
	fs.BoolVar(&statsOnly, "stats", false, "print the container's stats once and exit")
	fs.DurationVar(&interval, "interval", interval, "time between stats events")
	pos, err := parseArgs(fs, args, 1, 1, "[--stats] [--interval DURATION] ID")
	if err != nil {
		return err
	}
	if interval <= 0 {
		return fmt.Errorf("events: --interval %s: must be greater than 0", interval)
	}
	c, err := libcontainer.Load(g.root, pos[0], g.options())
	if err != nil {
		return err
	}
	if st, err := c.Status(); err != nil {
		return err
	} else if st == libcontainer.Stopped || st == libcontainer.Creating {
		return &libcontainer.StateError{ID: c.ID(), Op: "watch events of", Status: st}
	}
	enc := json.NewEncoder(os.Stdout)
	emit := func(ev event) error {
		if err := enc.Encode(ev); err != nil {
			return fmt.Errorf("events: write: %w", err)
		}
		return nil
	}
	first, err := c.Stats()
	if err != nil {
		return err
	}
	if statsOnly {
		return emit(event{Type: "stats", ID: c.ID(), Data: toEventStats(first)})
	}

	stop := make(chan struct{})
	defer close(stop)
	oom, err := c.OOMEvents(stop)
	if errors.Is(err, cgroups.ErrNotSupported) {
		g.log.Warn("events: OOM events are not available", "id", c.ID(), "err", err)
		oom = nil
	} else if err != nil {
		return err
	}
	// OOM kills are also counted by the kernel: when the container stops,
	// kills the watcher had no time to report are printed from the count.
	baseKills, reported := first.Memory.OOMKills, uint64(0)
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	poll := time.NewTicker(statusPoll)
	defer poll.Stop()
	for {
		select {
		case _, ok := <-oom:
			if !ok {
				oom = nil // the cgroup is gone: the container was deleted
				return nil
			}
			reported++
			if err := emit(event{Type: "oom", ID: c.ID()}); err != nil {
				return err
			}
		case <-ticker.C:
			s, err := c.Stats()
			if err != nil {
				if st, serr := c.Status(); serr == nil && st == libcontainer.Stopped {
					continue // noticed by the next poll
				}
				g.log.Error("events: stats", "id", c.ID(), "err", err)
				continue
			}
			if err := emit(event{Type: "stats", ID: c.ID(), Data: toEventStats(s)}); err != nil {
				return err
			}
		case <-poll.C:
			st, err := c.Status()
			if err != nil {
				return err
			}
			if st != libcontainer.Stopped {
				continue
			}
			return finishOOM(c, oom, baseKills, reported, emit)
		}
	}
}

// finishOOM prints the OOM events still in flight when the container
// stopped: those the watcher delivers within a short grace period, then as
// many more as the kernel's kill count says were missed.
func finishOOM(c *libcontainer.Container, oom <-chan struct{}, base, reported uint64, emit func(event) error) error {
	grace := time.NewTimer(200 * time.Millisecond)
	defer grace.Stop()
drain:
	for oom != nil {
		select {
		case _, ok := <-oom:
			if !ok {
				break drain
			}
			reported++
			if err := emit(event{Type: "oom", ID: c.ID()}); err != nil {
				return err
			}
		case <-grace.C:
			break drain
		}
	}
	kills, ok := cgroupOOMKills(c)
	if !ok || kills < base {
		return nil
	}
	for ; reported < kills-base; reported++ {
		if err := emit(event{Type: "oom", ID: c.ID()}); err != nil {
			return err
		}
	}
	return nil
}

// cgroupOOMKills reads the kernel's OOM kill count of a stopped
// container's cgroup (still there until delete).
func cgroupOOMKills(c *libcontainer.Container) (uint64, bool) {
	s, err := c.Stats()
	if err != nil {
		return 0, false
	}
	return s.Memory.OOMKills, true
}
