package lsm

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// The tests here mount things over /proc, so they run in a copy of the test
// binary started in a private mount namespace (the Go runtime makes the
// copied mounts private before exec); the host's mounts are never touched.

const childEnv = "LSM_TEST_OVERMOUNT_CHILD"

// runInMountNS re-runs the test named name in a private mount namespace.
func runInMountNS(t *testing.T, name string) {
	t.Helper()
	if os.Getuid() != 0 {
		t.Skip("needs root to unshare a mount namespace")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^"+name+"$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), childEnv+"=1")
	cmd.SysProcAttr = &syscall.SysProcAttr{Unshareflags: syscall.CLONE_NEWNS}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child in a private mount namespace: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "--- PASS: "+name) {
		t.Fatalf("child did not run the test:\n%s", out)
	}
	t.Logf("child:\n%s", out)
}

func inChild(t *testing.T) bool {
	if os.Getenv(childEnv) != "1" {
		return false
	}
	runtime.LockOSThread() // the test's goroutine ends with it: the thread is discarded
	return true
}

func TestOvermountedAttrRefused(t *testing.T) {
	if !inChild(t) {
		runInMountNS(t, t.Name())
		return
	}
	// A tmpfs file bind-mounted over this thread's attr/exec: a plain open
	// would write to the tmpfs file; here the open must be refused.
	tmp := t.TempDir()
	if err := unix.Mount("tmpfs", tmp, "tmpfs", 0, "size=64k"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Unmount(tmp, unix.MNT_DETACH) })
	fake := filepath.Join(tmp, "exec")
	if err := os.WriteFile(fake, nil, 0o666); err != nil {
		t.Fatal(err)
	}
	target := "/proc/" + ownAttr("attr/exec")
	if err := unix.Mount(fake, target, "", unix.MS_BIND, ""); err != nil {
		t.Fatalf("bind over %s: %v", target, err)
	}
	_, _, err := openThreadAttr(procOptions{root: "/proc"}, "attr/exec")
	if !errors.Is(err, ErrNotProcfs) || !errors.Is(err, unix.EXDEV) || !strings.Contains(err.Error(), "attr/exec") {
		t.Fatalf("overmounted attr/exec: err = %v, want a refusal (EXDEV) naming it", err)
	}
	t.Logf("refused: %v", err)
	err = Host{AppArmor: true, proc: &procOptions{root: "/proc"}}.ApplyAppArmor("some-profile")
	if !errors.Is(err, ErrNotProcfs) {
		t.Fatalf("ApplyAppArmor through the overmount: err = %v", err)
	}
	if b, _ := os.ReadFile(fake); len(b) != 0 {
		t.Fatalf("the write was redirected to the tmpfs file: %q", b)
	}
	// A private procfs is not affected by the mount: the real attribute
	// opens.
	if f, name, err := openThreadAttr(defaultProcOptions(), "attr/exec"); err != nil {
		t.Fatalf("private procfs: %v", err)
	} else {
		f.Close()
		if !strings.HasPrefix(name, "private procfs/") {
			t.Fatalf("opened %s, want it through the private procfs", name)
		}
	}
}

func TestOvermountedAttrFromProcfsRefused(t *testing.T) {
	if !inChild(t) {
		runInMountNS(t, t.Name())
		return
	}
	// CVE-2025-52881: another procfs file mounted over the attribute.
	// statfs of the opened file says procfs, so only the mount check
	// catches it. (Nothing is written: the file is only opened.)
	target := "/proc/" + ownAttr("attr/exec")
	if err := unix.Mount("/proc/sys/kernel/domainname", target, "", unix.MS_BIND, ""); err != nil {
		t.Fatalf("bind over %s: %v", target, err)
	}
	_, _, err := openThreadAttr(procOptions{root: "/proc"}, "attr/exec")
	if !errors.Is(err, unix.EXDEV) {
		t.Fatalf("procfs file over attr/exec: err = %v, want EXDEV refusal", err)
	}
	t.Logf("refused: %v", err)
}

func TestTmpfsPosingAsProcRefused(t *testing.T) {
	if !inChild(t) {
		runInMountNS(t, t.Name())
		return
	}
	if err := unix.Mount("tmpfs", "/proc", "tmpfs", 0, "size=64k"); err != nil {
		t.Fatal(err)
	}
	_, _, err := openThreadAttr(procOptions{root: "/proc"}, "attr/exec")
	if !errors.Is(err, ErrNotProcfs) || !strings.Contains(err.Error(), "/proc is not a verified procfs") {
		t.Fatalf("tmpfs on /proc: err = %v", err)
	}
	t.Logf("refused: %v", err)
	err = Host{AppArmor: true, proc: &procOptions{root: "/proc"}}.ApplyAppArmor("some-profile")
	if !errors.Is(err, ErrNotProcfs) || !strings.Contains(err.Error(), `"some-profile"`) {
		t.Fatalf("ApplyAppArmor with tmpfs on /proc: err = %v", err)
	}
}

func TestProcSubdirOverProcRefused(t *testing.T) {
	if !inChild(t) {
		runInMountNS(t, t.Name())
		return
	}
	// /proc/1 bind-mounted over /proc: statfs says procfs, the root
	// check refuses it.
	if err := unix.Mount("/proc/1", "/proc", "", unix.MS_BIND, ""); err != nil {
		t.Fatal(err)
	}
	_, _, err := openThreadAttr(procOptions{root: "/proc"}, "attr/exec")
	if !errors.Is(err, ErrNotProcfs) {
		t.Fatalf("/proc/1 over /proc: err = %v", err)
	}
	t.Logf("refused: %v", err)
}
