package systemd_test

import (
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/oci-run/oci-run/cgroups/fscommon"
	"github.com/oci-run/oci-run/cgroups/systemd"
	"github.com/oci-run/oci-run/cgroups/systemd/systemdtest"
	"github.com/oci-run/oci-run/libcontainer/configs"
)

// wantProps checks properties of a recorded call.
func wantProps(t *testing.T, c systemdtest.Call, want map[string]any) {
	t.Helper()
	for name, w := range want {
		got, ok := c.Prop(name)
		if !ok {
			t.Errorf("%s: property %s missing", c.Method, name)
			continue
		}
		if !reflect.DeepEqual(got, w) {
			t.Errorf("%s: property %s = %#v, want %#v", c.Method, name, got, w)
		}
	}
}

func TestScopeV1(t *testing.T) {
	name := uniqueName(t)
	slice := "ocirun-" + name + ".slice"
	removeSliceDirs(t, "/ocirun.slice/"+slice)
	sd, addr := standIn(t, systemdtest.Config{Hierarchies: v1Hierarchies()})
	res := &configs.Resources{
		Memory:     64 << 20,
		CPUShares:  512,
		CPUQuota:   25000,
		CPUPeriod:  100000,
		PidsLimit:  50,
		CpusetCpus: "0",
		Devices: []*configs.DeviceRule{
			{Type: 'a', Major: -1, Minor: -1, Permissions: "rwm", Allow: false},
			{Type: 'c', Major: 1, Minor: 3, Permissions: "rwm", Allow: true},
			{Type: 'c', Major: 136, Minor: -1, Permissions: "rw", Allow: true},
		},
	}
	c := &configs.Cgroup{Systemd: true, Parent: slice, ScopePrefix: "ocirun", Name: name, Resources: res}
	m, err := systemd.New(c, fscommon.Options{DBusAddress: addr})
	if err != nil {
		t.Fatal(err)
	}
	unit := "ocirun-" + name + ".scope"
	if m.Unit() != unit || m.Unified() {
		t.Fatalf("unit %q unified %v", m.Unit(), m.Unified())
	}
	rel := "/ocirun.slice/" + slice + "/" + unit
	paths := m.Paths()
	for _, sub := range []string{"memory", "pids", "cpu", "freezer", "cpuset", "name=systemd"} {
		mount := sub
		if sub == "name=systemd" {
			mount = "systemd"
		}
		if want := filepath.Join(fscommon.DefaultRoot, mount) + rel; paths[sub] != want {
			t.Errorf("path %s = %q, want %q", sub, paths[sub], want)
		}
	}
	if paths[systemd.UnitKey] != unit {
		t.Errorf("Paths()[%q] = %q", systemd.UnitKey, paths[systemd.UnitKey])
	}

	child := sleeper(t)
	pid := child.Process.Pid
	if err := m.Apply(pid); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		kill(child)
		_ = m.Destroy()
	})
	starts := sd.CallsTo("StartTransientUnit")
	if len(starts) != 1 {
		t.Fatalf("StartTransientUnit calls: %+v", sd.Calls())
	}
	st := starts[0]
	if st.Unit != unit || st.Mode != "replace" {
		t.Errorf("started %q mode %q", st.Unit, st.Mode)
	}
	wantProps(t, st, map[string]any{
		"Slice":               slice,
		"Delegate":            true,
		"PIDs":                []uint32{uint32(pid)},
		"DefaultDependencies": false,
		"MemoryAccounting":    true,
		"CPUAccounting":       true,
		"TasksAccounting":     true,
		"BlockIOAccounting":   true,
		"MemoryLimit":         uint64(64 << 20),
		"CPUShares":           uint64(512),
		"CPUQuotaPerSecUSec":  uint64(250000),
		"CPUQuotaPeriodUSec":  uint64(100000),
		"TasksMax":            uint64(50),
		"AllowedCPUs":         []byte{1},
		"DevicePolicy":        "strict",
	})
	if _, ok := st.Prop("IOAccounting"); ok {
		t.Error("IOAccounting (v2) sent for a v1 scope")
	}
	if d, ok := st.Prop("Description"); !ok || !strings.Contains(d.(string), name) {
		t.Errorf("Description %v", d)
	}
	if da, _ := st.Prop("DeviceAllow"); fmt.Sprint(da) != "[[/dev/char/1:3 rwm] [char-pts rw]]" {
		t.Errorf("DeviceAllow %v", da)
	}

	// The child is in the scope in every hierarchy: those the stand-in
	// made (as systemd) and those the fs driver made.
	cg := procCgroup(t, pid)
	for _, sub := range []string{"memory", "pids", "cpu", "devices", "name=systemd", "freezer", "cpuset"} {
		if cg[sub] != rel {
			t.Errorf("child's %s cgroup %q, want %q", sub, cg[sub], rel)
		}
	}
	if pids, err := m.GetPids(); err != nil || !slices.Contains(pids, pid) {
		t.Errorf("GetPids %v %v", pids, err)
	}

	// Set: unit properties first, then the fs files.
	if err := m.Set(res); err != nil {
		t.Fatal(err)
	}
	sets := sd.CallsTo("SetUnitProperties")
	if len(sets) != 1 || sets[0].Unit != unit {
		t.Fatalf("SetUnitProperties calls: %+v", sets)
	}
	wantProps(t, sets[0], map[string]any{"MemoryLimit": uint64(64 << 20), "TasksMax": uint64(50)})
	for file, want := range map[string]string{
		"memory/memory.limit_in_bytes": strconv.Itoa(64 << 20),
		"cpu/cpu.shares":               "512",
		"cpu/cpu.cfs_quota_us":         "25000",
		"cpu/cpu.cfs_period_us":        "100000",
		"pids/pids.max":                "50",
		"cpuset/cpuset.cpus":           "0",
	} {
		ctrl, f, _ := strings.Cut(file, "/")
		if got := readTrim(t, filepath.Join(fscommon.DefaultRoot, ctrl)+rel+"/"+f); got != want {
			t.Errorf("%s = %q, want %q", file, got, want)
		}
	}
	if got := readTrim(t, filepath.Join(fscommon.DefaultRoot, "devices")+rel+"/devices.list"); got != "c 1:3 rwm\nc 136:* rw" {
		t.Errorf("devices.list = %q", got)
	}
	if st, err := m.FreezerState(); err != nil || st != configs.Thawed {
		t.Errorf("after Set (device properties freeze the cgroup around the call): %v %v", st, err)
	}

	// Freeze and thaw through the fs driver.
	if err := m.Freeze(configs.Frozen); err != nil {
		t.Fatal(err)
	}
	if st, _ := m.FreezerState(); st != configs.Frozen {
		t.Errorf("state %v after freeze", st)
	}
	if got := readTrim(t, paths["freezer"]+"/freezer.state"); got != "FROZEN" {
		t.Errorf("freezer.state %q", got)
	}
	if err := m.Freeze(configs.Thawed); err != nil {
		t.Fatal(err)
	}
	if st, _ := m.FreezerState(); st != configs.Thawed {
		t.Errorf("state %v after thaw", st)
	}
	if _, err := m.Stats(); err != nil {
		t.Errorf("Stats: %v", err)
	}

	// Load from the recorded paths: same unit; Apply joins, no new unit.
	l, err := systemd.Load(m.Paths(), fscommon.Options{DBusAddress: addr})
	if err != nil {
		t.Fatal(err)
	}
	if l.Unit() != unit || !reflect.DeepEqual(l.Paths(), m.Paths()) {
		t.Errorf("Load: %s %v", l.Unit(), l.Paths())
	}
	other := sleeper(t)
	if err := l.Apply(other.Process.Pid); err != nil {
		t.Fatal(err)
	}
	if n := len(sd.CallsTo("StartTransientUnit")); n != 1 {
		t.Errorf("Apply on a loaded manager started a unit (%d starts)", n)
	}
	if procCgroup(t, other.Process.Pid)["memory"] != rel {
		t.Error("exec'd process not in the scope")
	}

	// Destroy: StopUnit, and nothing left in any hierarchy.
	kill(child)
	kill(other)
	if err := l.Destroy(); err != nil {
		t.Fatal(err)
	}
	stops := sd.CallsTo("StopUnit")
	if len(stops) != 1 || stops[0].Unit != unit || stops[0].Result != "done" {
		t.Errorf("StopUnit calls: %+v", stops)
	}
	for _, p := range m.Paths() {
		if strings.HasPrefix(p, "/") {
			gone(t, p)
		}
	}
	if m.Exists() {
		t.Error("Exists after Destroy")
	}
	if u := sd.Units(); len(u) != 0 {
		t.Errorf("stand-in still has units %v", u)
	}
	// A second Destroy: systemd no longer knows the unit; not an error.
	if err := m.Destroy(); err != nil {
		t.Errorf("second Destroy: %v", err)
	}
}

func TestScopeUnified(t *testing.T) {
	const v2root = "/sys/fs/cgroup/unified"
	if !fscommon.IsCgroup2(v2root) {
		t.Fatalf("%s is not a cgroup2 mount (MACHINE.md says it is)", v2root)
	}
	name := uniqueName(t)
	removeSliceDirs(t, "/"+name+".slice")
	sd, addr := standIn(t, systemdtest.Config{Hierarchies: []string{v2root}})
	res := &configs.Resources{
		Memory: 64 << 20, MemoryReservation: 32 << 20, MemorySwap: 96 << 20,
		CPUShares: 1024, CPUQuota: 50000, PidsLimit: -1, BlkioWeight: 500,
	}
	c := &configs.Cgroup{Systemd: true, Parent: name + ".slice", ScopePrefix: "ocirun", Name: name, Resources: res}
	m, err := systemd.New(c, fscommon.Options{Root: v2root, DBusAddress: addr})
	if err != nil {
		t.Fatal(err)
	}
	unit := "ocirun-" + name + ".scope"
	dir := v2root + "/" + name + ".slice/" + unit
	if !m.Unified() || m.Path("") != dir {
		t.Fatalf("unified %v path %q, want %q", m.Unified(), m.Path(""), dir)
	}
	child := sleeper(t)
	if err := m.Apply(child.Process.Pid); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		kill(child)
		_ = m.Destroy()
	})
	st := sd.CallsTo("StartTransientUnit")[0]
	wantProps(t, st, map[string]any{
		"IOAccounting":       true,
		"MemoryMax":          uint64(64 << 20),
		"MemoryLow":          uint64(32 << 20),
		"MemorySwapMax":      uint64(32 << 20),
		"CPUWeight":          uint64(100),
		"CPUQuotaPerSecUSec": uint64(500000),
		"TasksMax":           ^uint64(0),
		"IOWeight":           uint64(1 + 490*9999/990),
	})
	for _, v1only := range []string{"BlockIOAccounting", "MemoryLimit", "CPUShares", "CPUQuotaPeriodUSec", "DevicePolicy"} {
		if _, ok := st.Prop(v1only); ok {
			t.Errorf("%s sent for a v2 scope", v1only)
		}
	}
	if cg := procCgroup(t, child.Process.Pid)[""]; cg != "/"+name+".slice/"+unit {
		t.Errorf("child's v2 cgroup %q", cg)
	}
	if k, ok := m.Killer(); !ok || k == nil {
		t.Error("no cgroup.kill on a unified scope")
	}
	if err := m.Freeze(configs.Frozen); err != nil {
		t.Fatal(err)
	}
	if got := readTrim(t, dir+"/cgroup.freeze"); got != "1" {
		t.Errorf("cgroup.freeze %q", got)
	}
	if err := m.Freeze(configs.Thawed); err != nil {
		t.Fatal(err)
	}
	kill(child)
	if err := m.Destroy(); err != nil {
		t.Fatal(err)
	}
	gone(t, dir)
	if len(sd.CallsTo("StopUnit")) != 1 {
		t.Errorf("calls %+v", sd.Calls())
	}
}

func TestJobFailed(t *testing.T) {
	name := uniqueName(t)
	removeSliceDirs(t, "/"+name+".slice")
	sd, addr := standIn(t, systemdtest.Config{
		Hierarchies: v1Hierarchies(),
		JobResult: func(method, unit string) string {
			if method == "StartTransientUnit" {
				return "failed"
			}
			return "done"
		},
	})
	m, err := systemd.New(&configs.Cgroup{Systemd: true, Parent: name + ".slice", Name: name}, fscommon.Options{DBusAddress: addr})
	if err != nil {
		t.Fatal(err)
	}
	child := sleeper(t)
	err = m.Apply(child.Process.Pid)
	var je *systemd.JobError
	if !errors.As(err, &je) || je.Result != "failed" || !strings.Contains(err.Error(), name+".scope") {
		t.Fatalf("Apply with a failed job: %v", err)
	}
	// The failed unit was reset, so the name is free again.
	if r := sd.CallsTo("ResetFailedUnit"); len(r) != 1 || r[0].Unit != name+".scope" {
		t.Errorf("ResetFailedUnit calls %+v", r)
	}
	if u := sd.Units(); len(u) != 0 {
		t.Errorf("units left %v", u)
	}
	for _, p := range m.Paths() {
		if strings.HasPrefix(p, "/") {
			gone(t, p)
		}
	}
}

func TestUnitExists(t *testing.T) {
	name := uniqueName(t)
	removeSliceDirs(t, "/"+name+".slice")
	sd, addr := standIn(t, systemdtest.Config{Hierarchies: v1Hierarchies()})
	c := &configs.Cgroup{Systemd: true, Parent: name + ".slice", ScopePrefix: "ocirun", Name: name}
	opts := fscommon.Options{DBusAddress: addr}
	first, err := systemd.New(c, opts)
	if err != nil {
		t.Fatal(err)
	}
	child := sleeper(t)
	if err := first.Apply(child.Process.Pid); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		kill(child)
		if err := first.Destroy(); err != nil {
			t.Error(err)
		}
	})
	second, err := systemd.New(c, opts)
	if err != nil {
		t.Fatal(err)
	}
	other := sleeper(t)
	err = second.Apply(other.Process.Pid)
	if !errors.Is(err, systemd.ErrUnitExists) || !strings.Contains(err.Error(), "ocirun-"+name+".scope") {
		t.Fatalf("second Apply: %v", err)
	}
	// One reset-failed and one retry, as runc, then the error.
	var methods []string
	for _, c := range sd.Calls() {
		methods = append(methods, c.Method)
	}
	want := []string{"StartTransientUnit", "StartTransientUnit", "ResetFailedUnit", "StartTransientUnit"}
	if !reflect.DeepEqual(methods, want) {
		t.Errorf("calls %v, want %v", methods, want)
	}
	if strings.HasSuffix(procCgroup(t, other.Process.Pid)["memory"], ".scope") {
		t.Error("the refused process was moved anyway")
	}
}

func TestNoBus(t *testing.T) {
	requireRoot(t)
	name := uniqueName(t)
	addr := "unix:path=" + t.TempDir() + "/nobus"
	m, err := systemd.New(&configs.Cgroup{Systemd: true, Name: name}, fscommon.Options{DBusAddress: addr})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Apply(-1); err == nil || !strings.Contains(err.Error(), addr) {
		t.Errorf("Apply without a bus: %v", err)
	}
	if err := m.Destroy(); err == nil || !strings.Contains(err.Error(), name+".scope") {
		t.Errorf("Destroy without a bus: %v", err)
	}
}
