package clients

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// containerd is a private containerd (its own root, state and socket).
type containerd struct {
	t       *testing.T
	dir     string
	sock    string
	cfgPath string
	env     []string // nil: the test's own environment
	cmd     *exec.Cmd
}

func startContainerd(t *testing.T) *containerd {
	t.Helper()
	return startContainerdEnv(t, nil)
}

// startContainerdEnv starts a private containerd with env as its
// environment (nil: the test's own).
func startContainerdEnv(t *testing.T, env []string) *containerd {
	t.Helper()
	removeNewParentCgroups(t, "default")
	dir := t.TempDir()
	c := &containerd{t: t, dir: dir, sock: filepath.Join(dir, "containerd.sock"), env: env}
	cfg := fmt.Sprintf(`version = 2
root = %q
state = %q
[grpc]
  address = %q
[plugins."io.containerd.grpc.v1.cri"]
  disable = true
`, filepath.Join(dir, "root"), filepath.Join(dir, "state"), c.sock)
	c.cfgPath = filepath.Join(dir, "config.toml")
	if err := os.WriteFile(c.cfgPath, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.stop)
	c.launch()
	return c
}

// launch starts containerd on c's config and waits until it answers.
func (c *containerd) launch() {
	t := c.t
	t.Helper()
	log, err := os.OpenFile(filepath.Join(c.dir, "containerd.log"), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	c.cmd = exec.Command("containerd", "--config", c.cfgPath)
	c.cmd.Env = c.env
	c.cmd.Stdout, c.cmd.Stderr = log, log
	c.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	log.Close()
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if out, err := c.ctrErr("version"); err == nil {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("containerd did not come up: %v %s", err, out)
		}
	}
}

func (c *containerd) stop() {
	if c.cmd == nil || c.cmd.Process == nil {
		return
	}
	// Leave nothing: tasks, shims, containerd, mounts under its dirs.
	out, _ := c.ctrErr("task", "ls", "-q")
	for _, id := range strings.Fields(out) {
		c.ctrErr("task", "kill", "-s", "KILL", id)
		time.Sleep(100 * time.Millisecond)
		c.ctrErr("task", "delete", "-f", id)
	}
	out, _ = c.ctrErr("container", "ls", "-q")
	for _, id := range strings.Fields(out) {
		c.ctrErr("container", "delete", id)
	}
	c.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { c.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		syscall.Kill(-c.cmd.Process.Pid, syscall.SIGKILL)
		<-done
	}
	if mi, err := os.ReadFile("/proc/self/mountinfo"); err == nil {
		for _, line := range strings.Split(string(mi), "\n") {
			if f := strings.Fields(line); len(f) > 4 && strings.HasPrefix(f[4], c.dir) {
				c.t.Errorf("mount left under containerd's dir: %s", f[4])
				syscall.Unmount(f[4], syscall.MNT_DETACH)
			}
		}
	}
}

func (c *containerd) ctrErr(args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "ctr", append([]string{"-a", c.sock}, args...)...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func (c *containerd) ctr(args ...string) string {
	c.t.Helper()
	out, err := c.ctrErr(args...)
	if err != nil {
		c.t.Fatalf("ctr %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// busyboxRootfs makes a rootfs for ctr --rootfs.
func busyboxRootfs(t *testing.T) string {
	t.Helper()
	root := filepath.Join(t.TempDir(), "rootfs")
	if err := os.MkdirAll(filepath.Join(root, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"proc", "sys", "dev", "tmp", "etc"} {
		os.MkdirAll(filepath.Join(root, d), 0o755)
	}
	b, err := os.ReadFile("/bin/busybox")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "bin", "busybox"), b, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, a := range []string{"sh", "echo", "sleep", "cat", "id", "ps", "true", "hostname"} {
		os.Symlink("busybox", filepath.Join(root, "bin", a))
	}
	return root
}

// containerd's own runc shim running oci-run as its runc binary: run, exit
// codes, exec, pause/resume, kill, delete; the shim found every command and
// flag it needs.
func TestContainerdRuncShimWithOCIRun(t *testing.T) {
	c := startContainerd(t)
	rootfs := busyboxRootfs(t)
	out := c.ctr("run", "--rm", "--runc-binary", runtimeBin, "--rootfs", rootfs, "oirt-c1", "/bin/sh", "-c", "echo hello-from-ctr; id -u")
	if !strings.Contains(out, "hello-from-ctr") || !strings.Contains(out, "\n0") {
		t.Errorf("ctr run output %q", out)
	}
	if out, err := c.ctrErr("run", "--rm", "--runc-binary", runtimeBin, "--rootfs", rootfs, "oirt-c2", "/bin/sh", "-c", "exit 42"); err == nil {
		t.Errorf("exit 42 reported as success: %s", out)
	} else if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 42 {
		t.Errorf("exit 42: %v %s", err, out)
	}
	c.ctr("run", "-d", "--runc-binary", runtimeBin, "--rootfs", rootfs, "oirt-c3", "/bin/sleep", "1000")
	out = c.ctr("task", "exec", "--exec-id", "e1", "oirt-c3", "/bin/sh", "-c", "echo exec-ok; cat /proc/1/cmdline")
	if !strings.Contains(out, "exec-ok") || !strings.Contains(out, "sleep") {
		t.Errorf("exec output %q", out)
	}
	c.ctr("task", "pause", "oirt-c3")
	if out := c.ctr("task", "ls"); !strings.Contains(out, "PAUSED") {
		t.Errorf("after pause: %s", out)
	}
	c.ctr("task", "resume", "oirt-c3")
	if out := c.ctr("task", "ls"); !strings.Contains(out, "RUNNING") {
		t.Errorf("after resume: %s", out)
	}
	c.ctr("task", "kill", "-s", "KILL", "oirt-c3")
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if out := c.ctr("task", "ls"); strings.Contains(out, "STOPPED") {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("task not stopped after kill: %s", out)
		}
	}
	c.ctr("task", "delete", "oirt-c3")
	c.ctr("container", "delete", "oirt-c3")
	if m, _ := filepath.Glob("/sys/fs/cgroup/*/default/oirt-c*"); len(m) > 0 {
		t.Errorf("cgroups left: %v", m)
	}
}
