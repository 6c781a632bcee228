package v1

import (
	"bytes"
	"errors"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/oci-run/oci-run/cgroups/fscommon"
	"github.com/oci-run/oci-run/libcontainer/configs"
)

func TestApplySetReadBack(t *testing.T) {
	t.Parallel()
	var logBuf bytes.Buffer
	m := newManager(t, &configs.Cgroup{}, slog.New(slog.NewTextHandler(&logBuf, nil)))
	c := startChild(t, "sleep 1000")
	if err := m.Apply(c.Pid()); err != nil {
		t.Fatal(err)
	}
	swappiness := uint64(10)
	r := &configs.Resources{
		Memory:            64 << 20,
		MemorySwap:        128 << 20,
		MemoryReservation: 32 << 20,
		MemorySwappiness:  &swappiness,
		KernelMemory:      1 << 20,
		CPUShares:         512,
		CPUQuota:          50000,
		CPUPeriod:         100000,
		PidsLimit:         10,
		CpusetCpus:        "0",
		Devices: []*configs.DeviceRule{
			{Type: configs.CharDevice, Major: 1, Minor: 3, Permissions: "rwm", Allow: true},
			{Type: configs.CharDevice, Major: 1, Minor: 5, Permissions: "r", Allow: true},
		},
	}
	if err := m.Set(r); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"memory/memory.limit_in_bytes":       strconv.Itoa(64 << 20),
		"memory/memory.memsw.limit_in_bytes": strconv.Itoa(128 << 20),
		"memory/memory.soft_limit_in_bytes":  strconv.Itoa(32 << 20),
		"memory/memory.swappiness":           "10",
		"cpu/cpu.shares":                     "512",
		"cpu/cpu.cfs_quota_us":               "50000",
		"cpu/cpu.cfs_period_us":              "100000",
		"pids/pids.max":                      "10",
		"cpuset/cpuset.cpus":                 "0",
		"devices/devices.list":               "c 1:3 rwm\nc 1:5 r",
	}
	for k, v := range want {
		sub, file, _ := strings.Cut(k, "/")
		if got := readFile(t, filepath.Join(m.Path(sub), file)); got != v {
			t.Errorf("%s: got %q, want %q", k, got, v)
		}
	}
	if !strings.Contains(logBuf.String(), "kernel memory") {
		t.Errorf("no warning about kernel memory in log: %q", logBuf.String())
	}
	// cpuset.mems was initialised from the parent so the task could join.
	if got := readFile(t, filepath.Join(m.Path("cpuset"), "cpuset.mems")); got == "" {
		t.Errorf("cpuset.mems is empty")
	}
	for sub, p := range m.Paths() {
		if !strings.Contains(readFile(t, filepath.Join(p, "cgroup.procs")), strconv.Itoa(c.Pid())) {
			t.Errorf("%s: pid %d not in %s/cgroup.procs", sub, c.Pid(), p)
		}
	}
	pids, err := m.GetPids()
	if err != nil || !slices.Equal(pids, []int{c.Pid()}) {
		t.Errorf("GetPids = %v, %v; want [%d]", pids, err, c.Pid())
	}
	// Lowering memory+swap below the current memory limit needs the
	// memory limit written first: the ordering rule.
	if err := m.Set(&configs.Resources{Memory: 16 << 20, MemorySwap: 16 << 20}); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(m.Path("memory"), "memory.memsw.limit_in_bytes")); got != strconv.Itoa(16<<20) {
		t.Errorf("memsw after lowering: %s", got)
	}
	// and raising both needs memory+swap first.
	if err := m.Set(&configs.Resources{Memory: 256 << 20, MemorySwap: 512 << 20}); err != nil {
		t.Fatal(err)
	}
	if err := m.Set(&configs.Resources{Memory: -1, PidsLimit: -1}); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(m.Path("pids"), "pids.max")); got != "max" {
		t.Errorf("pids.max = %q, want max", got)
	}
	if !m.Exists() {
		t.Error("Exists = false after Apply")
	}
}

func TestSetErrorsNameFileAndValue(t *testing.T) {
	t.Parallel()
	m := newManager(t, &configs.Cgroup{}, nil)
	if err := m.Apply(-1); err != nil {
		t.Fatal(err)
	}
	err := m.Set(&configs.Resources{CPUShares: 1 << 40})
	if err == nil || !errors.Is(err, fscommon.ErrInvalid) {
		t.Errorf("huge cpu shares: %v", err)
	}
	err = m.Set(&configs.Resources{CpusetCpus: "9999"})
	var fe *fscommon.FileError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), "cpuset.cpus: write 9999: ") {
		t.Errorf("bad cpuset: %v", err)
	}
	// This machine's blkio has no leaf_weight (MACHINE.md): the error says so.
	err = m.Set(&configs.Resources{BlkioLeafWeight: 500})
	if !errors.Is(err, fscommon.ErrNotSupported) || !strings.Contains(err.Error(), "blkio.leaf_weight") {
		t.Errorf("leaf weight: %v", err)
	}
	err = m.Set(&configs.Resources{Unified: map[string]string{"memory.high": "1"}})
	if !errors.Is(err, fscommon.ErrNotSupported) {
		t.Errorf("unified on v1: %v", err)
	}
	err = m.Set(&configs.Resources{HugetlbLimit: []*configs.HugepageLimit{{Pagesize: "2MB", Limit: 1}}})
	if !errors.Is(err, fscommon.ErrNotSupported) {
		t.Errorf("hugetlb without a v1 hugetlb hierarchy: %v", err)
	}
}

func TestFreezeThaw(t *testing.T) {
	t.Parallel()
	m := newManager(t, &configs.Cgroup{}, nil)
	c := startChild(t, "while :; do :; done")
	if err := m.Apply(c.Pid()); err != nil {
		t.Fatal(err)
	}
	c.Release(t)
	for start := cpuTicks(t, c.Pid()); cpuTicks(t, c.Pid()) == start; {
		time.Sleep(10 * time.Millisecond)
	}
	if err := m.Freeze(configs.Frozen); err != nil {
		t.Fatal(err)
	}
	st, err := m.FreezerState()
	if err != nil || st != configs.Frozen {
		t.Fatalf("FreezerState = %v, %v", st, err)
	}
	if got := readFile(t, filepath.Join(m.Path("freezer"), "freezer.state")); got != "FROZEN" {
		t.Errorf("freezer.state = %s", got)
	}
	// A frozen busy loop does not run: its cpu time stays put.
	before := cpuTicks(t, c.Pid())
	time.Sleep(200 * time.Millisecond)
	if after := cpuTicks(t, c.Pid()); after != before {
		t.Errorf("frozen process ran: utime+stime %d -> %d", before, after)
	}
	t.Logf("frozen child state: %s", procState(t, c.Pid()))
	// A new container cannot take a frozen cgroup.
	m2, err := New(&configs.Cgroup{Path: m.cfg.Path}, fscommon.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := m2.Apply(-1); !errors.Is(err, fscommon.ErrFrozenOrBusy) {
		t.Errorf("Apply on a frozen, busy cgroup: %v", err)
	}
	if err := m.Set(&configs.Resources{Freezer: configs.Thawed}); err != nil {
		t.Fatal(err)
	}
	if st, _ := m.FreezerState(); st != configs.Thawed {
		t.Errorf("after thaw: %v", st)
	}
	before = cpuTicks(t, c.Pid())
	for deadline := time.Now().Add(5 * time.Second); cpuTicks(t, c.Pid()) == before; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("thawed process does not run (state %s)", procState(t, c.Pid()))
		}
	}
}

func cpuTicks(t *testing.T, pid int) int {
	f := strings.Fields(readFile(t, "/proc/"+strconv.Itoa(pid)+"/stat"))
	u, _ := strconv.Atoi(f[13])
	s, _ := strconv.Atoi(f[14])
	return u + s
}

func TestPidsLimitStopsForks(t *testing.T) {
	t.Parallel()
	m := newManager(t, &configs.Cgroup{}, nil)
	c := startChild(t, "for i in 1 2 3 4 5 6 7 8; do sleep 30 >/dev/null 2>&1 & done; echo spawned")
	if err := m.Apply(c.Pid()); err != nil {
		t.Fatal(err)
	}
	if err := m.Set(&configs.Resources{PidsLimit: 3}); err != nil {
		t.Fatal(err)
	}
	c.Release(t)
	err := c.Wait(t, 20*time.Second)
	if err == nil && strings.Contains(c.Stdout.String(), "spawned") {
		pids, _ := m.GetAllPids()
		if len(pids) > 3 {
			t.Fatalf("pids.max 3 but %d tasks: %v", len(pids), pids)
		}
	}
	if !strings.Contains(strings.ToLower(c.Stderr.String()), "fork") &&
		!strings.Contains(c.Stderr.String(), "Resource temporarily unavailable") {
		t.Errorf("expected a fork failure, got err=%v stderr=%q", err, c.Stderr.String())
	}
	st, err := m.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if st.Pids.Limit != 3 || st.Pids.Current == 0 || st.Pids.Current > 3 {
		t.Errorf("pids stats %+v", st.Pids)
	}
}

func TestOOMEvent(t *testing.T) {
	t.Parallel()
	m := newManager(t, &configs.Cgroup{}, nil)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "OCIRUN_CGTEST_HELPER=alloc")
	c := startCmd(t, cmd)
	if err := m.Apply(c.Pid()); err != nil {
		t.Fatal(err)
	}
	if err := m.Set(&configs.Resources{Memory: 32 << 20, MemorySwap: 32 << 20}); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	defer close(stop)
	events, err := m.OOMEvents(stop)
	if err != nil {
		t.Fatal(err)
	}
	c.Release(t)
	select {
	case _, ok := <-events:
		if !ok {
			t.Fatal("event channel closed without an event")
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no OOM event")
	}
	err = c.Wait(t, 20*time.Second)
	if err == nil || !strings.Contains(err.Error(), "killed") {
		t.Errorf("helper exit: %v", err)
	}
	st, err := m.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if st.Memory.Usage.Limit != 32<<20 || st.Memory.Usage.MaxUsage < 30<<20 || st.Memory.OOMKills == 0 {
		t.Errorf("memory stats after OOM: usage %+v swap %+v oomKills=%d", st.Memory.Usage, st.Memory.Swap, st.Memory.OOMKills)
	}
}

func TestOOMEventsClosedOnDestroy(t *testing.T) {
	t.Parallel()
	m := newManager(t, &configs.Cgroup{}, nil)
	if err := m.Apply(-1); err != nil {
		t.Fatal(err)
	}
	events, err := m.OOMEvents(make(chan struct{}))
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Destroy(); err != nil {
		t.Fatal(err)
	}
	select {
	case _, ok := <-events:
		if ok {
			t.Error("event after destroy")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("channel not closed after destroy")
	}
}

func TestDevicesDenyAll(t *testing.T) {
	t.Parallel()
	m := newManager(t, &configs.Cgroup{}, nil)
	c := startChild(t, "cat /dev/null && echo opened")
	if err := m.Apply(c.Pid()); err != nil {
		t.Fatal(err)
	}
	deny := []*configs.DeviceRule{{Type: configs.AnyDevice, Major: configs.Wildcard, Minor: configs.Wildcard, Permissions: "rwm", Allow: false}}
	if err := m.Set(&configs.Resources{Devices: deny}); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(m.Path("devices"), "devices.list")); got != "" {
		t.Errorf("devices.list after deny-all: %q", got)
	}
	c.Release(t)
	if err := c.Wait(t, 10*time.Second); err == nil || !strings.Contains(c.Stderr.String(), "Operation not permitted") {
		t.Errorf("cat /dev/null under deny-all: err=%v stdout=%q stderr=%q", err, c.Stdout.String(), c.Stderr.String())
	}
	// Allow c 1:3 and a new child can open it; SkipDevices leaves rules.
	allow := append(deny, &configs.DeviceRule{Type: configs.CharDevice, Major: 1, Minor: 3, Permissions: "rw", Allow: true})
	if err := m.Set(&configs.Resources{Devices: allow}); err != nil {
		t.Fatal(err)
	}
	if err := m.Set(&configs.Resources{Devices: deny, SkipDevices: true}); err != nil {
		t.Fatal(err)
	}
	c2 := startChild(t, "cat /dev/null && echo opened")
	if err := m.Apply(c2.Pid()); err != nil {
		t.Fatal(err)
	}
	c2.Release(t)
	if err := c2.Wait(t, 10*time.Second); err != nil || !strings.Contains(c2.Stdout.String(), "opened") {
		t.Errorf("cat /dev/null with c 1:3 rw: err=%v stderr=%q", err, c2.Stderr.String())
	}
}

func TestApplyRefusesBusyCgroupLoadJoins(t *testing.T) {
	t.Parallel()
	m := newManager(t, &configs.Cgroup{}, nil)
	c := startChild(t, "sleep 1000")
	if err := m.Apply(c.Pid()); err != nil {
		t.Fatal(err)
	}
	m2, err := New(&configs.Cgroup{Path: m.cfg.Path}, fscommon.Options{})
	if err != nil {
		t.Fatal(err)
	}
	err = m2.Apply(-1)
	if !errors.Is(err, fscommon.ErrHasProcesses) || !errors.Is(err, fscommon.ErrFrozenOrBusy) {
		t.Fatalf("Apply on a busy cgroup: %v", err)
	}
	// Load (exec into a running container) joins it.
	l, err := Load(m.Paths(), fscommon.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !maps2Equal(l.Paths(), m.Paths()) {
		t.Errorf("Load paths %v, want %v", l.Paths(), m.Paths())
	}
	c2 := startChild(t, "sleep 1000")
	if err := l.Apply(c2.Pid()); err != nil {
		t.Fatal(err)
	}
	pids, err := l.GetAllPids()
	if err != nil || len(pids) != 2 {
		t.Errorf("GetAllPids = %v, %v", pids, err)
	}
	// Destroy with processes inside explains why it failed.
	err = m.Destroy()
	var be *fscommon.BusyError
	if !errors.As(err, &be) || !errors.Is(err, fscommon.ErrHasProcesses) || len(be.Pids) == 0 {
		t.Errorf("Destroy of a busy cgroup: %v", err)
	}
}

func maps2Equal(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestRelativePathIsBelowOwnCgroup(t *testing.T) {
	t.Parallel()
	rel := strings.TrimPrefix(uniquePath(t), "/")
	m := newManager(t, &configs.Cgroup{Path: rel}, nil)
	own, err := fscommon.ReadOwnCgroups()
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join("/sys/fs/cgroup/memory", own["memory"], rel)
	if got := m.Path("memory"); got != want {
		t.Errorf("memory path %s, want %s", got, want)
	}
	if err := m.Apply(-1); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(want); err != nil {
		t.Error(err)
	}
}

func TestPathsComputedBeforeApply(t *testing.T) {
	t.Parallel()
	m := newManager(t, &configs.Cgroup{}, nil)
	for sub, p := range m.Paths() {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s: %s exists before Apply", sub, p)
		}
	}
	if m.Exists() {
		t.Error("Exists before Apply")
	}
	for _, sub := range []string{"cpu", "memory", "pids", "devices", "freezer", "blkio", "cpuset", "name=systemd"} {
		if m.Path(sub) == "" {
			t.Errorf("no path for %s", sub)
		}
	}
	_, err := New(&configs.Cgroup{Path: "a/../../../etc"}, fscommon.Options{})
	if !errors.Is(err, fscommon.ErrInvalid) {
		t.Errorf("path climbing out: %v", err)
	}
}

func TestStatsSanity(t *testing.T) {
	t.Parallel()
	m := newManager(t, &configs.Cgroup{}, nil)
	c := startChild(t, "i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; sleep 1000")
	if err := m.Apply(c.Pid()); err != nil {
		t.Fatal(err)
	}
	if err := m.Set(&configs.Resources{Memory: 100 << 20, PidsLimit: 50}); err != nil {
		t.Fatal(err)
	}
	c.Release(t)
	// The child charges the cgroup only with what it does after the move
	// (v1 does not move old charges): wait until its loop has run and it
	// has exec'd sleep, under load that can take a while.
	var st *fscommon.Statistics
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		var err error
		if st, err = m.Stats(); err != nil {
			t.Fatal(err)
		}
		charged := st.Memory.Raw["rss"] > 0 || st.Memory.Raw["total_rss"] > 0
		if (st.CPU.UsageTotal > 0 && charged) || time.Now().After(deadline) {
			break
		}
	}
	if st.CPU.UsageTotal == 0 || len(st.CPU.PerCPU) == 0 {
		t.Errorf("cpu stats %+v", st.CPU)
	}
	if st.Memory.Usage.Usage == 0 || st.Memory.Usage.Limit != 100<<20 || st.Memory.Raw["rss"] == 0 && st.Memory.Raw["total_rss"] == 0 {
		t.Errorf("memory stats %+v", st.Memory.Usage)
	}
	if st.Pids.Current != 2 || st.Pids.Limit != 50 {
		t.Errorf("pids stats %+v", st.Pids)
	}
}
