package specconv

import (
	"reflect"
	"strings"
	"testing"

	"github.com/opencontainers/runtime-spec/specs-go"

	"github.com/oci-run/oci-run/libcontainer/configs"
)

func ptr[T any](v T) *T { return &v }

func TestConvertResources(t *testing.T) {
	in := &specs.LinuxResources{
		Memory: &specs.LinuxMemory{
			Limit: ptr(int64(1 << 30)), Reservation: ptr(int64(1 << 29)), Swap: ptr(int64(2 << 30)),
			Swappiness: ptr(uint64(10)), DisableOOMKiller: ptr(true), UseHierarchy: ptr(true), CheckBeforeUpdate: ptr(true),
		},
		CPU: &specs.LinuxCPU{
			Shares: ptr(uint64(512)), Quota: ptr(int64(50000)), Burst: ptr(uint64(1000)), Period: ptr(uint64(100000)),
			RealtimeRuntime: ptr(int64(950000)), RealtimePeriod: ptr(uint64(1000000)), Cpus: "0-1", Mems: "0", Idle: ptr(int64(1)),
		},
		Pids: &specs.LinuxPids{Limit: ptr(int64(100))},
		BlockIO: &specs.LinuxBlockIO{
			Weight: ptr(uint16(500)), LeafWeight: ptr(uint16(300)),
			WeightDevice: []specs.LinuxWeightDevice{
				{LinuxBlockIODevice: specs.LinuxBlockIODevice{Major: 8, Minor: 0}, Weight: ptr(uint16(600))},
				{LinuxBlockIODevice: specs.LinuxBlockIODevice{Major: 8, Minor: 16}, LeafWeight: ptr(uint16(700))},
			},
			ThrottleReadBpsDevice:   []specs.LinuxThrottleDevice{{LinuxBlockIODevice: specs.LinuxBlockIODevice{Major: 8, Minor: 0}, Rate: 1}},
			ThrottleWriteBpsDevice:  []specs.LinuxThrottleDevice{{LinuxBlockIODevice: specs.LinuxBlockIODevice{Major: 8, Minor: 0}, Rate: 2}},
			ThrottleReadIOPSDevice:  []specs.LinuxThrottleDevice{{LinuxBlockIODevice: specs.LinuxBlockIODevice{Major: 8, Minor: 0}, Rate: 3}},
			ThrottleWriteIOPSDevice: []specs.LinuxThrottleDevice{{LinuxBlockIODevice: specs.LinuxBlockIODevice{Major: 8, Minor: 0}, Rate: 4}},
		},
		HugepageLimits: []specs.LinuxHugepageLimit{{Pagesize: "2MB", Limit: 1 << 21}},
		Network: &specs.LinuxNetwork{
			ClassID:    ptr(uint32(0x100001)),
			Priorities: []specs.LinuxInterfacePriority{{Name: "eth0", Priority: 5}},
		},
		Rdma:    map[string]specs.LinuxRdma{"mlx5_1": {HcaHandles: ptr(uint32(3)), HcaObjects: ptr(uint32(10000))}},
		Unified: map[string]string{"memory.high": "1G"},
		Devices: []specs.LinuxDeviceCgroup{
			{Allow: false, Access: "rwm"},
			{Allow: true, Type: "c", Major: ptr(int64(1)), Minor: ptr(int64(3)), Access: "rw"},
			{Allow: true, Type: "b", Major: ptr(int64(8)), Access: "r"},
			{Allow: false, Type: "a", Access: "m"},
		},
	}
	want := &configs.Resources{
		Devices: []*configs.DeviceRule{
			{Type: configs.AnyDevice, Major: -1, Minor: -1, Permissions: "rwm", Allow: false},
			{Type: configs.CharDevice, Major: 1, Minor: 3, Permissions: "rw", Allow: true},
			{Type: configs.BlockDevice, Major: 8, Minor: -1, Permissions: "r", Allow: true},
			{Type: configs.AnyDevice, Major: -1, Minor: -1, Permissions: "m", Allow: false},
		},
		Memory: 1 << 30, MemoryReservation: 1 << 29, MemorySwap: 2 << 30,
		MemorySwappiness: ptr(uint64(10)), OomKillDisable: true, UseHierarchy: ptr(true), CheckBeforeUpdate: true,
		CPUShares: 512, CPUQuota: 50000, CPUPeriod: 100000, CPUBurst: ptr(uint64(1000)),
		CPURtRuntime: 950000, CPURtPeriod: 1000000, CPUIdle: ptr(int64(1)), CpusetCpus: "0-1", CpusetMems: "0",
		PidsLimit:       100,
		BlkioWeight:     500,
		BlkioLeafWeight: 300,
		BlkioWeightDevice: []*configs.WeightDevice{
			{Major: 8, Minor: 0, Weight: 600},
			{Major: 8, Minor: 16, LeafWeight: 700},
		},
		BlkioThrottleReadBpsDevice:   []*configs.ThrottleDevice{{Major: 8, Minor: 0, Rate: 1}},
		BlkioThrottleWriteBpsDevice:  []*configs.ThrottleDevice{{Major: 8, Minor: 0, Rate: 2}},
		BlkioThrottleReadIOPSDevice:  []*configs.ThrottleDevice{{Major: 8, Minor: 0, Rate: 3}},
		BlkioThrottleWriteIOPSDevice: []*configs.ThrottleDevice{{Major: 8, Minor: 0, Rate: 4}},
		HugetlbLimit:                 []*configs.HugepageLimit{{Pagesize: "2MB", Limit: 1 << 21}},
		NetClsClassid:                0x100001,
		NetPrioIfpriomap:             []*configs.IfPrioMap{{Interface: "eth0", Priority: 5}},
		Rdma:                         map[string]configs.RdmaLimit{"mlx5_1": {HcaHandles: ptr(uint32(3)), HcaObjects: ptr(uint32(10000))}},
		Unified:                      map[string]string{"memory.high": "1G"},
	}
	got, err := convertResources(in, discard())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
	*in.CPU.Burst = 1
	in.Unified["memory.high"] = "2G"
	if *got.CPUBurst != 1000 || got.Unified["memory.high"] != "1G" {
		t.Error("resources alias the spec")
	}
}

func TestConvertResourcesUnlimitedAndUnset(t *testing.T) {
	got, err := convertResources(&specs.LinuxResources{
		Memory: &specs.LinuxMemory{Limit: ptr(int64(-1)), Swap: ptr(int64(-1))},
		Pids:   &specs.LinuxPids{Limit: ptr(int64(-1))},
	}, discard())
	if err != nil {
		t.Fatal(err)
	}
	if got.Memory != -1 || got.MemorySwap != -1 || got.PidsLimit != -1 {
		t.Errorf("got %+v", got)
	}
	empty, err := convertResources(nil, discard())
	if err != nil || empty == nil || !reflect.DeepEqual(*empty, configs.Resources{}) {
		t.Errorf("nil resources: %+v, %v", empty, err)
	}
}

func TestConvertResourcesWarnings(t *testing.T) {
	log, buf := newTestLogger()
	got, err := convertResources(&specs.LinuxResources{
		Memory: &specs.LinuxMemory{Kernel: ptr(int64(1 << 20)), KernelTCP: ptr(int64(1 << 19))}, //nolint:staticcheck
		Pids:   &specs.LinuxPids{Limit: ptr(int64(0))},
	}, log)
	if err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.Contains(out, "linux.resources.memory.kernel") || !strings.Contains(out, "linux.resources.pids.limit") {
		t.Errorf("warnings missing: %q", out)
	}
	if got.KernelMemory != 1<<20 || got.KernelMemoryTCP != 1<<19 || got.PidsLimit != 0 {
		t.Errorf("got %+v", got)
	}
}
