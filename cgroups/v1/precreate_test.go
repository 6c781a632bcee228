package v1

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/oci-run/oci-run/cgroups/fscommon"
	"github.com/oci-run/oci-run/libcontainer/configs"
)

// Precreate makes every directory (cpuset initialised) with no process in
// it; Apply then only moves the pid in.
func TestPrecreateThenApply(t *testing.T) {
	t.Parallel()
	m := newManager(t, &configs.Cgroup{}, nil)
	if err := m.Precreate(); err != nil {
		t.Fatal(err)
	}
	for sub, p := range m.Paths() {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s: %v", sub, err)
			continue
		}
		if procs := strings.TrimSpace(readFile(t, filepath.Join(p, "cgroup.procs"))); procs != "" {
			t.Errorf("%s: processes before Apply: %q", sub, procs)
		}
	}
	if cpus := readFile(t, filepath.Join(m.Path("cpuset"), "cpuset.cpus")); strings.TrimSpace(cpus) == "" {
		t.Error("cpuset.cpus left empty by Precreate")
	}
	c := startChild(t, "sleep 100")
	if err := m.Apply(c.Pid()); err != nil {
		t.Fatal(err)
	}
	pids, err := m.GetPids()
	if err != nil || !slices.Contains(pids, c.Pid()) {
		t.Errorf("pids after Apply: %v %v, want %d", pids, err, c.Pid())
	}
	for sub, p := range m.Paths() {
		procs := strings.Fields(readFile(t, filepath.Join(p, "cgroup.procs")))
		if !slices.Contains(procs, strconv.Itoa(c.Pid())) {
			t.Errorf("%s: pid %d not joined: %v", sub, c.Pid(), procs)
		}
	}
}

// Precreate refuses a cgroup that already has processes, as Apply does.
func TestPrecreateRefusesBusyCgroup(t *testing.T) {
	t.Parallel()
	m := newManager(t, &configs.Cgroup{}, nil)
	c := startChild(t, "sleep 100")
	if err := m.Apply(c.Pid()); err != nil {
		t.Fatal(err)
	}
	m2, err := New(m.cfg, fscommon.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := m2.Precreate(); !errors.Is(err, fscommon.ErrFrozenOrBusy) {
		t.Errorf("Precreate of a busy cgroup: %v", err)
	}
}
