package fscommon

// Statistics is a cgroup's resource usage.
type Statistics struct {
	CPU     CPUStats                `json:"cpu"`
	Memory  MemoryStats             `json:"memory"`
	Pids    PidsStats               `json:"pids"`
	Blkio   BlkioStats              `json:"blkio"`
	Hugetlb map[string]HugetlbStats `json:"hugetlb,omitempty"`
}

// CPUStats is cpu usage and throttling.
type CPUStats struct {
	UsageTotal       uint64    `json:"usageTotal"`  // ns
	UsageKernel      uint64    `json:"usageKernel"` // ns
	UsageUser        uint64    `json:"usageUser"`   // ns
	PerCPU           []uint64  `json:"perCpu,omitempty"`
	Periods          uint64    `json:"periods"`
	ThrottledPeriods uint64    `json:"throttledPeriods"`
	ThrottledTime    uint64    `json:"throttledTime"` // ns
	PSI              *PSIStats `json:"psi,omitempty"` // v2 cpu.pressure
}

// MemoryUsage is one memory counter.
type MemoryUsage struct {
	Usage    uint64 `json:"usage"`
	MaxUsage uint64 `json:"maxUsage"`
	Limit    uint64 `json:"limit"`
	Failcnt  uint64 `json:"failcnt"`
}

// MemoryStats is memory usage.
type MemoryStats struct {
	Cache uint64            `json:"cache"`
	Usage MemoryUsage       `json:"usage"`
	Swap  MemoryUsage       `json:"swap"`
	Raw   map[string]uint64 `json:"raw,omitempty"`
	// Events are v2 memory.events counters (low, high, max, oom, oom_kill).
	Events map[string]uint64 `json:"events,omitempty"`
	// OOMKills counts OOM kills when the kernel reports it (v1
	// memory.oom_control oom_kill, v2 memory.events oom_kill).
	OOMKills uint64    `json:"oomKills,omitempty"`
	PSI      *PSIStats `json:"psi,omitempty"` // v2 memory.pressure
}

// PidsStats is the number of tasks and their limit (0: unlimited).
type PidsStats struct {
	Current uint64 `json:"current"`
	Limit   uint64 `json:"limit"`
}

// BlkioEntry is one device counter.
type BlkioEntry struct {
	Major uint64 `json:"major"`
	Minor uint64 `json:"minor"`
	Op    string `json:"op"`
	Value uint64 `json:"value"`
}

// BlkioStats is block io usage.
type BlkioStats struct {
	IoServiceBytesRecursive []BlkioEntry `json:"ioServiceBytesRecursive,omitempty"`
	IoServicedRecursive     []BlkioEntry `json:"ioServicedRecursive,omitempty"`
	PSI                     *PSIStats    `json:"psi,omitempty"` // v2 io.pressure
}

// HugetlbStats is one page size's usage.
type HugetlbStats struct {
	Usage    uint64 `json:"usage"`
	MaxUsage uint64 `json:"maxUsage"`
	Failcnt  uint64 `json:"failcnt"`
}

// PSIData is one line of a pressure file.
type PSIData struct {
	Avg10  float64 `json:"avg10"`
	Avg60  float64 `json:"avg60"`
	Avg300 float64 `json:"avg300"`
	Total  uint64  `json:"total"` // us
}

// PSIStats is a pressure stall information file (cpu/memory/io.pressure).
type PSIStats struct {
	Some PSIData `json:"some"`
	Full PSIData `json:"full"`
}
