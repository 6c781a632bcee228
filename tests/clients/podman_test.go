package clients

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// podman (with conmon) using oci-run as its OCI runtime, all state in a
// private temp dir. podman's default rlimits need CAP_SYS_RESOURCE, which
// this machine lacks (MACHINE.md), hence the --ulimit flags.
func TestPodmanWithOCIRun(t *testing.T) {
	for _, bin := range []string{"podman", "conmon"} {
		if _, err := exec.LookPath(bin); err != nil {
			t.Fatalf("%s missing (apt-get install podman conmon)", bin)
		}
	}
	removeNewParentCgroups(t, "libpod_parent")
	dir := t.TempDir()
	rootfs := busyboxRootfs(t)
	base := []string{"--root", filepath.Join(dir, "root"), "--runroot", filepath.Join(dir, "runroot"),
		"--tmpdir", filepath.Join(dir, "tmp"), "--cgroup-manager=cgroupfs", "--events-backend=file",
		"--runtime", runtimeBin}
	ulimits := []string{"--network", "none", "--ulimit", "nofile=20000:20000", "--ulimit", "nproc=4096:4096"}
	podman := func(args ...string) (string, int) {
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, "podman", append(append([]string{}, base...), args...)...)
		out, err := cmd.CombinedOutput()
		code := 0
		if err != nil {
			code = -1
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			}
		}
		return string(out), code
	}
	t.Cleanup(func() {
		podman("rm", "-f", "-a")
	})
	run := append(append([]string{"run", "--rm"}, ulimits...), "-m", "64m", "--rootfs", rootfs,
		"/bin/sh", "-c", "echo hello-from-podman; cat /sys/fs/cgroup/memory/memory.limit_in_bytes")
	if out, code := podman(run...); code != 0 || !strings.Contains(out, "hello-from-podman") || !strings.Contains(out, "67108864") {
		t.Errorf("podman run: exit %d\n%s", code, out)
	}
	if out, code := podman(append(append([]string{"run", "--rm"}, ulimits...), "--rootfs", rootfs, "/bin/sh", "-c", "exit 42")...); code != 42 {
		t.Errorf("exit 42: got %d\n%s", code, out)
	}
	if out, code := podman(append(append([]string{"run", "-d", "--name", "oirt-p1"}, ulimits...), "--rootfs", rootfs, "/bin/sleep", "1000")...); code != 0 {
		t.Fatalf("podman run -d: %d\n%s", code, out)
	}
	if out, code := podman("exec", "oirt-p1", "/bin/sh", "-c", "echo exec-ok; cat /proc/1/cmdline"); code != 0 || !strings.Contains(out, "exec-ok") || !strings.Contains(out, "sleep") {
		t.Errorf("podman exec: %d\n%s", code, out)
	}
	for _, step := range [][]string{{"pause", "oirt-p1"}, {"unpause", "oirt-p1"}, {"stop", "-t", "1", "oirt-p1"}, {"rm", "oirt-p1"}} {
		if out, code := podman(step...); code != 0 {
			t.Errorf("podman %s: %d\n%s", strings.Join(step, " "), code, out)
		}
	}
	// Containers get libpod_parent/libpod-<id> (conmon is podman's own).
	if m, _ := filepath.Glob("/sys/fs/cgroup/memory/libpod_parent/libpod-*"); len(m) > 0 {
		for _, d := range m {
			if fi, err := filepathStat(d); err == nil && fi {
				t.Errorf("cgroup left: %s", d)
			}
		}
	}
}

// filepathStat reports whether p is a directory (a cgroup).
func filepathStat(p string) (bool, error) {
	fi, err := os.Stat(p)
	if err != nil {
		return false, err
	}
	return fi.IsDir(), nil
}
