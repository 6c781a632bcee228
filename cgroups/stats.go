package cgroups

import "github.com/oci-run/oci-run/cgroups/fscommon"

// The statistics types live in fscommon so that the drivers can fill them
// without importing this package; these aliases are the public names.
type (
	// Statistics is a cgroup's resource usage.
	Statistics = fscommon.Statistics
	// CPUStats is cpu usage and throttling.
	CPUStats = fscommon.CPUStats
	// MemoryUsage is one memory counter.
	MemoryUsage = fscommon.MemoryUsage
	// MemoryStats is memory usage.
	MemoryStats = fscommon.MemoryStats
	// PidsStats is the number of tasks and their limit (0: unlimited).
	PidsStats = fscommon.PidsStats
	// BlkioEntry is one device counter.
	BlkioEntry = fscommon.BlkioEntry
	// BlkioStats is block io usage.
	BlkioStats = fscommon.BlkioStats
	// HugetlbStats is one page size's usage.
	HugetlbStats = fscommon.HugetlbStats
	// PSIStats is pressure stall information (v2).
	PSIStats = fscommon.PSIStats
	// PSIData is one line of a pressure file.
	PSIData = fscommon.PSIData
)
