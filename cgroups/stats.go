package cgroups

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
	UsageTotal       uint64   `json:"usageTotal"`  // ns
	UsageKernel      uint64   `json:"usageKernel"` // ns
	UsageUser        uint64   `json:"usageUser"`   // ns
	PerCPU           []uint64 `json:"perCpu,omitempty"`
	Periods          uint64   `json:"periods"`
	ThrottledPeriods uint64   `json:"throttledPeriods"`
	ThrottledTime    uint64   `json:"throttledTime"`
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
}

// HugetlbStats is one page size's usage.
type HugetlbStats struct {
	Usage    uint64 `json:"usage"`
	MaxUsage uint64 `json:"maxUsage"`
	Failcnt  uint64 `json:"failcnt"`
}
