package libcontainer

import (
	"testing"

	"github.com/oci-run/oci-run/libcontainer/configs"
)

func TestMergeResourcesKeepsUnsetFields(t *testing.T) {
	swappiness := uint64(10)
	cur := &configs.Resources{
		Memory:           64 << 20,
		MemorySwap:       128 << 20,
		CPUShares:        512,
		PidsLimit:        50,
		CpusetCpus:       "0",
		MemorySwappiness: &swappiness,
		Unified:          map[string]string{"a": "1"},
		Devices:          []*configs.DeviceRule{{Type: configs.AnyDevice, Major: -1, Minor: -1, Permissions: "rwm"}},
		Freezer:          configs.Thawed,
	}
	idle := int64(1)
	got := mergeResources(cur, &configs.Resources{
		CPUQuota: 50000, CPUPeriod: 100000, CPUIdle: &idle,
		Unified: map[string]string{"b": "2"},
		Freezer: configs.Frozen,
	})
	if got.Memory != 64<<20 || got.MemorySwap != 128<<20 || got.CPUShares != 512 || got.PidsLimit != 50 || got.CpusetCpus != "0" {
		t.Errorf("unset fields changed: %+v", got)
	}
	if got.CPUQuota != 50000 || got.CPUPeriod != 100000 || got.CPUIdle == nil || *got.CPUIdle != 1 {
		t.Errorf("set fields not merged: %+v", got)
	}
	if got.MemorySwappiness == nil || *got.MemorySwappiness != 10 {
		t.Errorf("swappiness lost: %v", got.MemorySwappiness)
	}
	if len(got.Devices) != 1 {
		t.Errorf("devices = %v, want the current rules", got.Devices)
	}
	if got.Unified["a"] != "1" || got.Unified["b"] != "2" {
		t.Errorf("unified = %v, want both keys", got.Unified)
	}
	if cur.Unified["b"] != "" {
		t.Errorf("merge changed the current resources' map: %v", cur.Unified)
	}
	if got.Freezer != configs.Thawed {
		t.Errorf("freezer = %q: update must not change it", got.Freezer)
	}
	idle = 0
	if *got.CPUIdle != 1 {
		t.Error("merged CPUIdle aliases the caller's pointer")
	}
}

func TestMergeResourcesUnlimitedMemoryLiftsSwap(t *testing.T) {
	got := mergeResources(&configs.Resources{Memory: 64 << 20, MemorySwap: 128 << 20}, &configs.Resources{Memory: -1})
	if got.Memory != -1 || got.MemorySwap != -1 {
		t.Errorf("memory -1 without swap: got memory %d swap %d, want -1 -1", got.Memory, got.MemorySwap)
	}
	got = mergeResources(&configs.Resources{Memory: 64 << 20}, &configs.Resources{Memory: -1, MemorySwap: 256 << 20})
	if got.MemorySwap != 256<<20 {
		t.Errorf("explicit swap overridden: %d", got.MemorySwap)
	}
}

func TestMergeResourcesNilCurrent(t *testing.T) {
	got := mergeResources(nil, &configs.Resources{PidsLimit: 20, Devices: []*configs.DeviceRule{}})
	if got.PidsLimit != 20 {
		t.Errorf("pids = %d, want 20", got.PidsLimit)
	}
	if got.Devices == nil {
		t.Error("an empty, non-nil device list must replace the rules")
	}
}
