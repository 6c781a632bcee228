package v1

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/oci-run/oci-run/cgroups/fscommon"
	"github.com/oci-run/oci-run/libcontainer/configs"
)

// Controllers this machine does not mount as v1 (hugetlb, net_cls,
// net_prio, rdma) and blkio files it lacks are checked against a temp dir
// laid out like v1 hierarchies.
func fakeV1(t *testing.T, files map[string][]string) (string, *Manager) {
	t.Helper()
	root := t.TempDir()
	dirs := map[string]fscommon.Dir{}
	for sub, fs := range files {
		dir := filepath.Join(root, sub, "c1")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, f := range append(fs, "cgroup.procs") {
			if err := os.WriteFile(filepath.Join(dir, f), nil, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		d, err := fscommon.NewDir(filepath.Join(root, sub), "/c1")
		if err != nil {
			t.Fatal(err)
		}
		dirs[sub] = d
	}
	return root, NewWithDirs(&configs.Cgroup{Path: "/c1"}, dirs, fscommon.Options{})
}

func TestSetFakeControllers(t *testing.T) {
	t.Parallel()
	root, m := fakeV1(t, map[string][]string{
		"hugetlb":  {"hugetlb.2MB.limit_in_bytes", "hugetlb.2MB.rsvd.limit_in_bytes"},
		"net_cls":  {"net_cls.classid"},
		"net_prio": {"net_prio.ifpriomap"},
		"rdma":     {"rdma.max"},
		"blkio": {"blkio.weight", "blkio.leaf_weight", "blkio.weight_device",
			"blkio.throttle.read_bps_device", "blkio.throttle.write_iops_device"},
	})
	handles, objects := uint32(3), uint32(10)
	err := m.Set(&configs.Resources{
		HugetlbLimit:                 []*configs.HugepageLimit{{Pagesize: "2MB", Limit: 2 << 20}},
		NetClsClassid:                0x100001,
		NetPrioIfpriomap:             []*configs.IfPrioMap{{Interface: "eth0", Priority: 5}},
		Rdma:                         map[string]configs.RdmaLimit{"mlx4_0": {HcaHandles: &handles, HcaObjects: &objects}},
		BlkioWeight:                  300,
		BlkioLeafWeight:              200,
		BlkioWeightDevice:            []*configs.WeightDevice{{Major: 8, Minor: 0, Weight: 400}},
		BlkioThrottleReadBpsDevice:   []*configs.ThrottleDevice{{Major: 8, Minor: 0, Rate: 1000}},
		BlkioThrottleWriteIOPSDevice: []*configs.ThrottleDevice{{Major: 8, Minor: 16, Rate: 50}},
	})
	if err != nil {
		t.Fatal(err)
	}
	for f, want := range map[string]string{
		"hugetlb/c1/hugetlb.2MB.limit_in_bytes":      "2097152",
		"hugetlb/c1/hugetlb.2MB.rsvd.limit_in_bytes": "2097152",
		"net_cls/c1/net_cls.classid":                 "1048577",
		"net_prio/c1/net_prio.ifpriomap":             "eth0 5",
		"rdma/c1/rdma.max":                           "mlx4_0 hca_handle=3 hca_object=10",
		"blkio/c1/blkio.weight":                      "300",
		"blkio/c1/blkio.leaf_weight":                 "200",
		"blkio/c1/blkio.weight_device":               "8:0 400",
		"blkio/c1/blkio.throttle.read_bps_device":    "8:0 1000",
		"blkio/c1/blkio.throttle.write_iops_device":  "8:16 50",
	} {
		if got := readFile(t, filepath.Join(root, f)); got != want {
			t.Errorf("%s = %q, want %q", f, got, want)
		}
	}
	// Files this kernel lacks: a clear error naming them.
	err = m.Set(&configs.Resources{BlkioThrottleReadIOPSDevice: []*configs.ThrottleDevice{{Major: 8, Minor: 0, Rate: 1}}})
	if !errors.Is(err, fscommon.ErrNotSupported) {
		t.Errorf("missing throttle file: %v", err)
	}
	err = m.Set(&configs.Resources{HugetlbLimit: []*configs.HugepageLimit{{Pagesize: "1GB", Limit: 1}}})
	if !errors.Is(err, fscommon.ErrNotSupported) {
		t.Errorf("missing page size: %v", err)
	}
	// A controller that is not mounted at all.
	err = m.Set(&configs.Resources{PidsLimit: 5})
	if !errors.Is(err, fscommon.ErrNotSupported) {
		t.Errorf("pids not mounted: %v", err)
	}
}

func TestSwapWithoutAccountingFake(t *testing.T) {
	t.Parallel()
	root, m := fakeV1(t, map[string][]string{"memory": {"memory.limit_in_bytes"}})
	if err := m.Set(&configs.Resources{Memory: 1 << 20, MemorySwap: 1 << 20}); err != nil {
		t.Errorf("memory == memory+swap without memsw: %v", err)
	}
	if got := readFile(t, root+"/memory/c1/memory.limit_in_bytes"); got != "1048576" {
		t.Errorf("limit %q", got)
	}
	if err := m.Set(&configs.Resources{Memory: 1 << 20, MemorySwap: 2 << 20}); !errors.Is(err, fscommon.ErrNotSupported) {
		t.Errorf("swap limit without memsw: %v", err)
	}
	swappiness := uint64(101)
	if err := m.Set(&configs.Resources{MemorySwappiness: &swappiness}); !errors.Is(err, fscommon.ErrInvalid) {
		t.Errorf("swappiness 101: %v", err)
	}
}
