package v2

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oci-run/oci-run/cgroups/fscommon"
	"github.com/oci-run/oci-run/libcontainer/configs"
)

// These tests write the controller files of a temp dir shaped like a
// cgroup2 mount: this hybrid machine's cgroup2 mount has only hugetlb, so
// memory/cpu/pids/io/rdma files can be checked only this way.

var leafFiles = []string{
	"cgroup.procs", "cgroup.controllers", "cgroup.subtree_control",
	"memory.max", "memory.swap.max", "memory.low", "memory.current",
	"cpu.weight", "cpu.max", "cpu.max.burst", "cpu.idle",
	"cpuset.cpus", "cpuset.mems", "pids.max",
	"io.weight", "io.max", "hugetlb.2MB.max", "hugetlb.2MB.rsvd.max",
	"rdma.max", "memory.high",
}

func allLeafFiles() map[string]string {
	m := map[string]string{}
	for _, f := range leafFiles {
		m[f] = ""
	}
	m["memory.current"] = "1000\n"
	return m
}

func TestSetWritesFilesFake(t *testing.T) {
	t.Parallel()
	root, m := fakeTree(t, "a/b", allLeafFiles())
	burst, idle := uint64(1000), int64(1)
	handles := uint32(5)
	r := &configs.Resources{
		Memory: 64 << 20, MemorySwap: 96 << 20, MemoryReservation: 32 << 20,
		CPUShares: 1024, CPUQuota: 50000, CPUPeriod: 100000, CPUBurst: &burst, CPUIdle: &idle,
		CpusetCpus: "0-1", CpusetMems: "0", PidsLimit: -1, BlkioWeight: 500,
		BlkioThrottleReadBpsDevice: []*configs.ThrottleDevice{{Major: 8, Minor: 0, Rate: 1048576}},
		HugetlbLimit:               []*configs.HugepageLimit{{Pagesize: "2MB", Limit: 4 << 20}},
		Rdma:                       map[string]configs.RdmaLimit{"mlx5_0": {HcaHandles: &handles}},
		Unified:                    map[string]string{"memory.high": "50000000"},
	}
	if err := m.Set(r); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"memory.max": "67108864", "memory.swap.max": "33554432", "memory.low": "33554432",
		"cpu.weight": "100", "cpu.max": "50000 100000", "cpu.max.burst": "1000", "cpu.idle": "1",
		"cpuset.cpus": "0-1", "cpuset.mems": "0", "pids.max": "max", "io.weight": "4950",
		"io.max": "8:0 rbps=1048576", "hugetlb.2MB.max": "4194304", "hugetlb.2MB.rsvd.max": "4194304",
		"rdma.max": "mlx5_0 hca_handle=5", "memory.high": "50000000",
	}
	for f, v := range want {
		if got := readFile(t, filepath.Join(root, "a/b", f)); got != v {
			t.Errorf("%s = %q, want %q", f, got, v)
		}
	}
	// Controllers were enabled in the root (the fake a/ has no
	// cgroup.controllers, so enabling stops there); the leaf's own
	// subtree_control is not touched.
	if got := readFile(t, root+"/cgroup.subtree_control"); !strings.HasPrefix(got, "+") {
		t.Errorf("root cgroup.subtree_control = %q", got)
	}
	if got := readFile(t, root+"/a/b/cgroup.subtree_control"); got != "" {
		t.Errorf("leaf subtree_control written: %q", got)
	}
	// The memory limit is checked against usage when asked.
	err := m.Set(&configs.Resources{Memory: 10, CheckBeforeUpdate: true})
	if !errors.Is(err, fscommon.ErrInvalid) {
		t.Errorf("limit below usage: %v", err)
	}
}

func TestSetMissingFilesFake(t *testing.T) {
	t.Parallel()
	files := allLeafFiles()
	delete(files, "memory.swap.max")
	delete(files, "cpu.max.burst")
	_, m := fakeTree(t, "c", files)
	for name, r := range map[string]*configs.Resources{
		"swap":      {Memory: 100, MemorySwap: 200},
		"burst":     {CPUBurst: new(uint64)},
		"rt":        {CPURtRuntime: 1000},
		"leaf":      {BlkioLeafWeight: 100},
		"hugetlb1G": {HugetlbLimit: []*configs.HugepageLimit{{Pagesize: "1GB", Limit: 1}}},
		"unified":   {Unified: map[string]string{"misc.max": "x 1"}},
	} {
		err := m.Set(r)
		if !errors.Is(err, fscommon.ErrNotSupported) {
			t.Errorf("%s: %v, want ErrNotSupported", name, err)
		}
	}
	// swap equal to memory means "no swap": fine without swap accounting.
	if err := m.Set(&configs.Resources{Memory: 100, MemorySwap: 100}); err != nil {
		t.Errorf("memory == memory+swap without swap file: %v", err)
	}
	err := m.Set(&configs.Resources{Unified: map[string]string{"cgroup.procs": "1"}})
	if !errors.Is(err, fscommon.ErrInvalid) {
		t.Errorf("unified cgroup.procs: %v", err)
	}
	err = m.Set(&configs.Resources{HugetlbLimit: []*configs.HugepageLimit{{Pagesize: "../x", Limit: 1}}})
	if !errors.Is(err, fscommon.ErrInvalid) {
		t.Errorf("hugetlb page size with a slash: %v", err)
	}
}

func TestSymlinkOutOfTreeRefused(t *testing.T) {
	t.Parallel()
	outside := t.TempDir()
	if err := os.WriteFile(outside+"/memory.max", []byte("orig"), 0o644); err != nil {
		t.Fatal(err)
	}
	root, m := fakeTree(t, "d", nil)
	if err := os.Symlink(outside+"/memory.max", root+"/d/memory.max"); err != nil {
		t.Fatal(err)
	}
	err := m.Set(&configs.Resources{Memory: 4096})
	if err == nil {
		t.Fatal("write through a symlink out of the hierarchy succeeded")
	}
	if got := readFile(t, outside+"/memory.max"); got != "orig" {
		t.Errorf("file outside the hierarchy changed: %q", got)
	}
	// A cgroup directory that is a symlink out of the tree is refused too.
	if err := os.Symlink(outside, root+"/e"); err != nil {
		t.Fatal(err)
	}
	m2, err := New(&configs.Cgroup{Path: "/e"}, root, fscommon.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := m2.Apply(-1); err == nil {
		t.Error("Apply through a symlinked cgroup dir succeeded")
	}
}

func TestOOMEventsFake(t *testing.T) {
	t.Parallel()
	root, m := fakeTree(t, "o", map[string]string{"memory.events": "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n"})
	stop := make(chan struct{})
	ev, err := m.OOMEvents(stop)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(root+"/o/memory.events", []byte("low 0\nhigh 0\nmax 3\noom 2\noom_kill 2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		select {
		case <-ev:
		case <-time.After(5 * time.Second):
			t.Fatalf("OOM event %d not received", i)
		}
	}
	close(stop)
	for range ev { // drains, then closed
	}
}

func TestStatsFake(t *testing.T) {
	t.Parallel()
	_, m := fakeTree(t, "s", map[string]string{
		"cgroup.procs":   "",
		"cpu.stat":       "usage_usec 100\nuser_usec 60\nsystem_usec 40\nnr_periods 5\nnr_throttled 2\nthrottled_usec 7\n",
		"cpu.pressure":   "some avg10=1.50 avg60=0.00 avg300=0.00 total=123\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=4\n",
		"memory.current": "4096\n", "memory.max": "max\n", "memory.peak": "8192\n",
		"memory.stat":         "anon 10\nfile 20\n",
		"memory.events":       "max 3\noom_kill 1\n",
		"memory.swap.current": "0\n", "memory.swap.max": "max\n",
		"pids.current": "2\n", "pids.max": "max\n",
		"io.stat":             "8:0 rbytes=10 wbytes=20 rios=1 wios=2 dbytes=0 dios=0\n",
		"hugetlb.2MB.current": "0\n", "hugetlb.2MB.events": "max 1\n",
	})
	st, err := m.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if st.CPU.UsageTotal != 100000 || st.CPU.UsageUser != 60000 || st.CPU.ThrottledPeriods != 2 || st.CPU.ThrottledTime != 7000 {
		t.Errorf("cpu %+v", st.CPU)
	}
	if st.CPU.PSI == nil || st.CPU.PSI.Some.Avg10 != 1.5 || st.CPU.PSI.Full.Total != 4 {
		t.Errorf("cpu psi %+v", st.CPU.PSI)
	}
	if st.Memory.Usage.Usage != 4096 || st.Memory.Usage.MaxUsage != 8192 || st.Memory.Cache != 20 ||
		st.Memory.Usage.Failcnt != 3 || st.Memory.OOMKills != 1 {
		t.Errorf("memory %+v", st.Memory)
	}
	if st.Pids.Current != 2 || st.Pids.Limit != 0 {
		t.Errorf("pids %+v", st.Pids)
	}
	if len(st.Blkio.IoServiceBytesRecursive) != 2 || st.Blkio.IoServiceBytesRecursive[1].Value != 20 || len(st.Blkio.IoServicedRecursive) != 2 {
		t.Errorf("blkio %+v", st.Blkio)
	}
	if st.Hugetlb["2MB"].Failcnt != 1 {
		t.Errorf("hugetlb %+v", st.Hugetlb)
	}
}
