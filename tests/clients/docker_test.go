package clients

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Docker (Debian's dockerd 20.10, private data and exec roots, no
// networking) with oci-run registered as a runtime (--add-runtime).
func TestDockerWithOCIRun(t *testing.T) {
	if _, err := exec.LookPath("dockerd"); err != nil {
		t.Fatal("dockerd missing (apt-get install docker.io)")
	}
	removeNewParentCgroups(t, "docker")
	dir := t.TempDir()
	sock := filepath.Join(dir, "docker.sock")
	log, err := os.Create(filepath.Join(dir, "dockerd.log"))
	if err != nil {
		t.Fatal(err)
	}
	d := exec.Command("dockerd", "--data-root", filepath.Join(dir, "root"), "--exec-root", filepath.Join(dir, "exec"),
		"-H", "unix://"+sock, "--pidfile", filepath.Join(dir, "pid"), "--iptables=false", "--bridge=none",
		"--ip-masq=false", "--add-runtime", "oci-run="+runtimeBin)
	d.Stdout, d.Stderr = log, log
	d.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := d.Start(); err != nil {
		t.Fatal(err)
	}
	docker := func(stdin string, args ...string) (string, int) {
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, "docker", append([]string{"-H", "unix://" + sock}, args...)...)
		if stdin != "" {
			f, err := os.Open(stdin)
			if err == nil {
				defer f.Close()
				cmd.Stdin = f
			}
		}
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
		docker("", "rm", "-f", "oirt-d1")
		d.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { d.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			syscall.Kill(-d.Process.Pid, syscall.SIGKILL)
			<-done
		}
		if mi, err := os.ReadFile("/proc/self/mountinfo"); err == nil {
			for _, line := range strings.Split(string(mi), "\n") {
				if f := strings.Fields(line); len(f) > 4 && strings.HasPrefix(f[4], dir) {
					t.Errorf("mount left under dockerd's dirs: %s", f[4])
					syscall.Unmount(f[4], syscall.MNT_DETACH)
				}
			}
		}
	})
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if _, code := docker("", "version"); code == 0 {
			break
		} else if time.Now().After(deadline) {
			b, _ := os.ReadFile(filepath.Join(dir, "dockerd.log"))
			t.Fatalf("dockerd did not come up:\n%s", b)
		}
	}
	// An image from a busybox rootfs (docker import of a tar).
	rootfs := busyboxRootfs(t)
	tarPath := filepath.Join(dir, "rootfs.tar")
	if out, err := exec.Command("tar", "-C", rootfs, "-cf", tarPath, ".").CombinedOutput(); err != nil {
		t.Fatalf("tar: %v %s", err, out)
	}
	if out, code := docker(tarPath, "import", "-", "oirt-bb:latest"); code != 0 {
		t.Fatalf("docker import: %s", out)
	}
	run := []string{"run", "--rm", "--network", "none", "--runtime", "oci-run", "oirt-bb:latest"}
	if out, code := docker("", append(run, "/bin/sh", "-c", "echo hello-from-docker; cat /proc/1/cmdline")...); code != 0 || !strings.Contains(out, "hello-from-docker") {
		t.Errorf("docker run: %d\n%s", code, out)
	}
	if out, code := docker("", append(run, "/bin/sh", "-c", "exit 42")...); code != 42 {
		t.Errorf("exit 42: %d\n%s", code, out)
	}
	if out, code := docker("", "run", "-d", "--name", "oirt-d1", "--network", "none", "--runtime", "oci-run", "oirt-bb:latest", "/bin/sleep", "1000"); code != 0 {
		t.Fatalf("docker run -d: %d\n%s", code, out)
	}
	if out, code := docker("", "exec", "oirt-d1", "/bin/sh", "-c", "echo exec-ok"); code != 0 || !strings.Contains(out, "exec-ok") {
		t.Errorf("docker exec: %d\n%s", code, out)
	}
	for _, step := range [][]string{{"pause", "oirt-d1"}, {"unpause", "oirt-d1"}, {"rm", "-f", "oirt-d1"}} {
		if out, code := docker("", step...); code != 0 {
			t.Errorf("docker %s: %d\n%s", strings.Join(step, " "), code, out)
		}
	}
}
