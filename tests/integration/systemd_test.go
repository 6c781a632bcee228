package integration

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/oci-run/oci-run/cgroups/systemd/systemdtest"
)

// --systemd-cgroup end to end against a D-Bus stand-in for systemd (this
// machine has no systemd): the CLI asks for a transient scope in the slice
// from cgroupsPath, the container runs in it, delete stops the unit.
func TestSystemdCgroupDriver(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sleep", "1000")
	daemon, err := systemdtest.StartDaemon(e.dir)
	if err != nil {
		t.Fatalf("dbus-daemon: %v", err)
	}
	defer daemon.Close()
	var hier []string
	for _, c := range []string{"cpu", "cpuacct", "memory", "pids", "blkio", "devices", "systemd"} {
		hier = append(hier, "/sys/fs/cgroup/"+c)
	}
	sd, err := systemdtest.Start(daemon.Address, systemdtest.Config{Hierarchies: hier})
	if err != nil {
		t.Fatalf("systemd stand-in: %v", err)
	}
	defer sd.Close()
	slice := "oirt.slice"
	e.spec.Linux.CgroupsPath = slice + ":oirt:" + e.id
	limit := int64(64 << 20)
	e.spec.Linux.Resources.Memory = &specs.LinuxMemory{Limit: &limit}
	e.writeConfig()
	unit := "oirt-" + e.id + ".scope"

	run := func(args ...string) result {
		ctx, cancel := context.WithTimeout(context.Background(), defaultTimeout)
		defer cancel()
		cmd := exec.CommandContext(ctx, runtimeBin, append([]string{"--root", e.root, "--systemd-cgroup"}, args...)...)
		cmd.Dir = e.bundle
		cmd.Env = append(os.Environ(), "DBUS_SYSTEM_BUS_ADDRESS="+daemon.Address)
		out, _ := os.CreateTemp(e.dir, "o-*")
		defer out.Close()
		cmd.Stdout, cmd.Stderr = out, out
		err := cmd.Run()
		b, _ := os.ReadFile(out.Name())
		r := result{args: args, stdout: string(b), code: -1}
		if cmd.ProcessState != nil {
			r.code = cmd.ProcessState.ExitCode()
		} else if err != nil {
			r.stderr = err.Error()
		}
		return r
	}
	if r := run("run", "--detach", "--bundle", e.bundle, e.id); r.code != 0 {
		t.Fatalf("run: %s", r)
	}
	starts := sd.CallsTo("StartTransientUnit")
	if len(starts) != 1 || starts[0].Unit != unit {
		t.Fatalf("StartTransientUnit calls %+v, want one for %s", starts, unit)
	}
	st := e.mustState(e.id)
	dir := filepath.Join("/sys/fs/cgroup/memory", slice, unit)
	procs, err := os.ReadFile(filepath.Join(dir, "cgroup.procs"))
	if err != nil || !strings.Contains(string(procs), strconv.Itoa(st.Pid)) {
		t.Errorf("init %d not in %s: %q %v", st.Pid, dir, procs, err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "memory.limit_in_bytes")); strings.TrimSpace(string(b)) != strconv.FormatInt(limit, 10) {
		t.Errorf("memory.limit_in_bytes %q, want %d", b, limit)
	}
	if r := run("delete", "--force", e.id); r.code != 0 {
		t.Fatalf("delete: %s", r)
	}
	if stops := sd.CallsTo("StopUnit"); len(stops) == 0 || stops[0].Unit != unit {
		t.Errorf("StopUnit calls %+v, want one for %s", stops, unit)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, err := os.Stat(dir); os.IsNotExist(err) {
			break
		}
		if time.Now().After(deadline) {
			t.Errorf("%s left after delete", dir)
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	// The slice directories (systemd's in a real system) in every hierarchy.
	if m, _ := filepath.Glob(filepath.Join("/sys/fs/cgroup", "*", slice)); len(m) > 0 {
		for _, d := range m {
			os.Remove(d)
		}
	}
}
