package configs

// Cgroup places the container in a cgroup and limits it.
type Cgroup struct {
	// Path is the OCI cgroupsPath for the fs drivers: absolute ("/a/b",
	// relative to each hierarchy's root) or relative (to the caller's cgroup).
	// Empty means the driver picks one from the container id.
	Path string `json:"path,omitempty"`
	// Systemd selects the systemd driver; Parent (slice), ScopePrefix and
	// Name come from cgroupsPath "slice:prefix:name".
	Systemd     bool   `json:"systemd,omitempty"`
	Parent      string `json:"parent,omitempty"`
	ScopePrefix string `json:"scopePrefix,omitempty"`
	Name        string `json:"name,omitempty"`

	Resources *Resources `json:"resources,omitempty"`
}

// FreezerState is the state of the cgroup freezer.
type FreezerState string

// Freezer states.
const (
	Undefined FreezerState = ""
	Frozen    FreezerState = "FROZEN"
	Thawed    FreezerState = "THAWED"
)

// Resources are the container's limits. Zero values mean "not set" except
// where a pointer is used to tell "0" from "unset".
type Resources struct {
	// Devices is the device allow/deny list, in order (the last match wins).
	Devices     []*DeviceRule `json:"devices,omitempty"`
	SkipDevices bool          `json:"skipDevices,omitempty"`

	Memory            int64   `json:"memory,omitempty"`            // bytes; -1 unlimited
	MemoryReservation int64   `json:"memoryReservation,omitempty"` // bytes
	MemorySwap        int64   `json:"memorySwap,omitempty"`        // memory+swap bytes; -1 unlimited
	KernelMemory      int64   `json:"kernelMemory,omitempty"`      // ignored, warned
	KernelMemoryTCP   int64   `json:"kernelMemoryTCP,omitempty"`   // ignored, warned
	MemorySwappiness  *uint64 `json:"memorySwappiness,omitempty"`
	OomKillDisable    bool    `json:"oomKillDisable,omitempty"`
	UseHierarchy      *bool   `json:"useHierarchy,omitempty"`
	CheckBeforeUpdate bool    `json:"checkBeforeUpdate,omitempty"`

	CPUShares    uint64  `json:"cpuShares,omitempty"`
	CPUQuota     int64   `json:"cpuQuota,omitempty"`
	CPUPeriod    uint64  `json:"cpuPeriod,omitempty"`
	CPUBurst     *uint64 `json:"cpuBurst,omitempty"`
	CPURtRuntime int64   `json:"cpuRtRuntime,omitempty"`
	CPURtPeriod  uint64  `json:"cpuRtPeriod,omitempty"`
	CPUIdle      *int64  `json:"cpuIdle,omitempty"`
	CpusetCpus   string  `json:"cpusetCpus,omitempty"`
	CpusetMems   string  `json:"cpusetMems,omitempty"`

	PidsLimit int64 `json:"pidsLimit,omitempty"` // 0 unset; -1 unlimited

	BlkioWeight                  uint16            `json:"blkioWeight,omitempty"`
	BlkioLeafWeight              uint16            `json:"blkioLeafWeight,omitempty"`
	BlkioWeightDevice            []*WeightDevice   `json:"blkioWeightDevice,omitempty"`
	BlkioThrottleReadBpsDevice   []*ThrottleDevice `json:"blkioThrottleReadBpsDevice,omitempty"`
	BlkioThrottleWriteBpsDevice  []*ThrottleDevice `json:"blkioThrottleWriteBpsDevice,omitempty"`
	BlkioThrottleReadIOPSDevice  []*ThrottleDevice `json:"blkioThrottleReadIopsDevice,omitempty"`
	BlkioThrottleWriteIOPSDevice []*ThrottleDevice `json:"blkioThrottleWriteIopsDevice,omitempty"`

	HugetlbLimit []*HugepageLimit `json:"hugetlbLimit,omitempty"`

	NetClsClassid    uint32       `json:"netClsClassid,omitempty"`
	NetPrioIfpriomap []*IfPrioMap `json:"netPrioIfpriomap,omitempty"`

	Rdma map[string]RdmaLimit `json:"rdma,omitempty"`

	// Unified holds raw cgroup v2 file=value pairs.
	Unified map[string]string `json:"unified,omitempty"`

	// Freezer is the wanted freezer state (used by pause/resume).
	Freezer FreezerState `json:"freezer,omitempty"`
}

// WeightDevice is a per-device blkio weight.
type WeightDevice struct {
	Major      int64  `json:"major"`
	Minor      int64  `json:"minor"`
	Weight     uint16 `json:"weight,omitempty"`
	LeafWeight uint16 `json:"leafWeight,omitempty"`
}

// ThrottleDevice is a per-device rate limit.
type ThrottleDevice struct {
	Major int64  `json:"major"`
	Minor int64  `json:"minor"`
	Rate  uint64 `json:"rate"`
}

// HugepageLimit limits one huge page size ("2MB").
type HugepageLimit struct {
	Pagesize string `json:"pageSize"`
	Limit    uint64 `json:"limit"`
}

// IfPrioMap is a network interface priority.
type IfPrioMap struct {
	Interface string `json:"interface"`
	Priority  int64  `json:"priority"`
}

// RdmaLimit limits rdma handles and objects of one device.
type RdmaLimit struct {
	HcaHandles *uint32 `json:"hcaHandles,omitempty"`
	HcaObjects *uint32 `json:"hcaObjects,omitempty"`
}
