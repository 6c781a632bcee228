package v2

import (
	"errors"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/oci-run/oci-run/cgroups/devices"
	"github.com/oci-run/oci-run/cgroups/fscommon"
	"github.com/oci-run/oci-run/libcontainer/configs"
)

// Tests against this machine's real cgroup2 mount at /sys/fs/cgroup/unified.

func TestApplyFreezeThawKillReal(t *testing.T) {
	t.Parallel()
	m := realManager(t, nil)
	c := startChild(t, "sleep 1000")
	if err := m.Apply(c.Pid()); err != nil {
		t.Fatal(err)
	}
	if pids, err := m.GetPids(); err != nil || !slices.Equal(pids, []int{c.Pid()}) {
		t.Fatalf("GetPids = %v, %v", pids, err)
	}
	if got := readFile(t, "/proc/"+itoa(c.Pid())+"/cgroup"); !strings.Contains(got, "0::"+strings.TrimPrefix(m.Path(""), unified)) {
		t.Errorf("/proc/PID/cgroup: %s", got)
	}
	if err := m.Freeze(configs.Frozen); err != nil {
		t.Fatal(err)
	}
	if st, err := m.FreezerState(); err != nil || st != configs.Frozen {
		t.Fatalf("FreezerState = %v, %v", st, err)
	}
	if !strings.Contains(readFile(t, m.Path("")+"/cgroup.events"), "frozen 1") {
		t.Error("cgroup.events does not say frozen 1")
	}
	// A new container may not take a frozen cgroup with processes.
	m2, err := New(&configs.Cgroup{Path: strings.TrimPrefix(m.Path(""), unified)}, unified, fscommon.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := m2.Apply(-1); !errors.Is(err, fscommon.ErrFrozenOrBusy) {
		t.Errorf("Apply on a busy cgroup: %v", err)
	}
	if err := m.Freeze(configs.Thawed); err != nil {
		t.Fatal(err)
	}
	if st, _ := m.FreezerState(); st != configs.Thawed {
		t.Errorf("after thaw: %v", st)
	}
	st, err := m.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if st.CPU.UsageTotal == 0 || st.CPU.PSI == nil {
		t.Errorf("stats: cpu %+v", st.CPU)
	}
	if err := m.Kill(); err != nil {
		t.Fatal(err)
	}
	if err := c.Wait(t, 10*time.Second); err == nil || !strings.Contains(err.Error(), "killed") {
		t.Errorf("child after Kill: %v", err)
	}
	if err := m.waitEvent("populated", "0", 5*time.Second); err != nil {
		t.Error(err)
	}
	if err := m.Destroy(); err != nil {
		t.Fatal(err)
	}
	if m.Exists() {
		t.Error("exists after Destroy")
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestDevicesBPFReal(t *testing.T) {
	t.Parallel()
	m := realManager(t, nil)
	if err := m.Apply(-1); err != nil {
		t.Fatal(err)
	}
	denyAll := []*configs.DeviceRule{{Type: configs.AnyDevice, Major: configs.Wildcard, Minor: configs.Wildcard, Permissions: "rwm"}}
	if err := m.Set(&configs.Resources{Devices: denyAll}); err != nil {
		t.Fatal(err)
	}
	c := startChild(t, "cat /dev/null && echo opened")
	if err := m.Apply(c.Pid()); err != nil {
		t.Fatal(err)
	}
	c.Release(t)
	if err := c.Wait(t, 10*time.Second); err == nil || !strings.Contains(c.Stderr.String(), "Operation not permitted") {
		t.Errorf("deny-all: err=%v stdout=%q stderr=%q", err, c.Stdout.String(), c.Stderr.String())
	}
	allow := append(slices.Clone(denyAll), &configs.DeviceRule{Type: configs.CharDevice, Major: 1, Minor: 3, Permissions: "rw", Allow: true})
	if err := m.Set(&configs.Resources{Devices: allow}); err != nil {
		t.Fatal(err)
	}
	c2 := startChild(t, "cat /dev/null && echo opened && cat /dev/zero | head -c1 >/dev/null")
	if err := m.Apply(c2.Pid()); err != nil {
		t.Fatal(err)
	}
	c2.Release(t)
	err := c2.Wait(t, 10*time.Second)
	if !strings.Contains(c2.Stdout.String(), "opened") {
		t.Errorf("allow c 1:3 rw: /dev/null not opened: err=%v stderr=%q", err, c2.Stderr.String())
	}
	if !strings.Contains(c2.Stderr.String(), "/dev/zero: Operation not permitted") {
		t.Errorf("/dev/zero (c 1:5) should still be denied: err=%v stderr=%q", err, c2.Stderr.String())
	}
	// Replaced, never stacked.
	dir, err := m.dir.OpenDir()
	if err != nil {
		t.Fatal(err)
	}
	defer dir.Close()
	ids, err := devices.Attached(dir)
	if err != nil || len(ids) != 1 {
		t.Errorf("attached device programs after two Sets: %v, %v", ids, err)
	}
	// SkipDevices and nil Devices leave the filter alone.
	if err := m.Set(&configs.Resources{Devices: denyAll, SkipDevices: true}); err != nil {
		t.Fatal(err)
	}
	if ids2, _ := devices.Attached(dir); !slices.Equal(ids, ids2) {
		t.Errorf("SkipDevices changed the program: %v -> %v", ids, ids2)
	}
}

func TestLoadAndRelativePathReal(t *testing.T) {
	t.Parallel()
	m := realManager(t, nil)
	if err := m.Apply(-1); err != nil {
		t.Fatal(err)
	}
	l, err := Load(m.Path(""), unified, fscommon.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if l.Path("") != m.Path("") || !l.Exists() {
		t.Errorf("Load: %s exists=%v", l.Path(""), l.Exists())
	}
	if _, err := Load("/etc", unified, fscommon.Options{}); !errors.Is(err, fscommon.ErrInvalid) {
		t.Errorf("Load outside the mount: %v", err)
	}
	own, err := fscommon.ReadOwnCgroups()
	if err != nil {
		t.Fatal(err)
	}
	rel, err := New(&configs.Cgroup{Path: "x/y"}, unified, fscommon.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if want := unified + strings.TrimSuffix(own[""], "/") + "/x/y"; rel.Path("") != want {
		t.Errorf("relative path %s, want %s", rel.Path(""), want)
	}
	if _, err := os.Stat(rel.Path("")); err == nil {
		t.Error("New created the cgroup")
	}
}
