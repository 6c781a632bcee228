package lsm

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

func TestAppArmorEnabledOnThisHost(t *testing.T) {
	if b, err := os.ReadFile("/sys/module/apparmor/parameters/enabled"); err == nil && len(b) > 0 && b[0] == 'Y' {
		t.Skip("this host enforces AppArmor")
	}
	if AppArmorEnabled() {
		t.Fatal("AppArmorEnabled() = true on a host without AppArmor")
	}
	if Probe().AppArmor {
		t.Fatal("Probe().AppArmor = true on a host without AppArmor")
	}
}

func TestAppArmorEnabledAt(t *testing.T) {
	mk := func(enabled string, securityfs bool) string {
		sys := t.TempDir()
		if securityfs {
			if err := os.MkdirAll(filepath.Join(sys, "kernel/security/apparmor"), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		if enabled != "" {
			p := filepath.Join(sys, "module/apparmor/parameters")
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(p, "enabled"), []byte(enabled), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return sys
	}
	for _, c := range []struct {
		enabled    string
		securityfs bool
		want       bool
	}{
		{"Y\n", true, true},
		{"N\n", true, false},
		{"Y\n", false, false}, // securityfs not mounted: cannot be checked, not enforced by us
		{"", true, false},
	} {
		if got := appArmorEnabledAt(mk(c.enabled, c.securityfs)); got != c.want {
			t.Errorf("enabled=%q securityfs=%v: got %v, want %v", c.enabled, c.securityfs, got, c.want)
		}
	}
}

func TestApplyAppArmorNotEnabled(t *testing.T) {
	if err := (Host{}).ApplyAppArmor(""); err != nil {
		t.Fatalf("empty profile: %v", err)
	}
	err := Host{}.ApplyAppArmor("docker-default")
	want := `apparmor profile "docker-default" requested but AppArmor is not enabled on this host`
	if err == nil || err.Error() != want || !errors.Is(err, ErrAppArmorNotEnabled) {
		t.Fatalf("err = %v, want %q", err, want)
	}
	if !AppArmorEnabled() {
		if err := ApplyAppArmor("docker-default"); !errors.Is(err, ErrAppArmorNotEnabled) {
			t.Fatalf("ApplyAppArmor on this host: %v", err)
		}
	}
	// A bad name is refused before anything else.
	if err := (Host{AppArmor: true}).ApplyAppArmor("a\nb"); !errors.Is(err, ErrInvalidLabel) {
		t.Fatalf("bad name: %v", err)
	}
}

func TestApplyAppArmorFakeProcRefused(t *testing.T) {
	// With AppArmor faked on, a directory standing in for /proc must be
	// refused, even one holding a plausible attr tree.
	dir := t.TempDir()
	attr := filepath.Join(dir, "1", "task", "1", "attr", "apparmor")
	if err := os.MkdirAll(attr, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(attr, "exec"), nil, 0o666); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("1/task/1", filepath.Join(dir, "thread-self")); err != nil {
		t.Fatal(err)
	}
	h := Host{AppArmor: true, proc: &procOptions{root: dir}}
	err := h.ApplyAppArmor("my-profile")
	if !errors.Is(err, ErrNotProcfs) || !strings.Contains(err.Error(), dir) ||
		!strings.Contains(err.Error(), `"my-profile"`) {
		t.Fatalf("err = %v, want a refusal naming %s", err, dir)
	}
	if b, _ := os.ReadFile(filepath.Join(attr, "exec")); len(b) != 0 {
		t.Fatalf("written to the fake attr: %q", b)
	}
}

func TestApplyAppArmorReachesKernel(t *testing.T) {
	if AppArmorEnabled() {
		t.Skip("would really change this thread's exec profile")
	}
	// AppArmor faked on, real /proc: the write reaches this thread's real
	// attribute, and a kernel without AppArmor refuses it (EINVAL); the
	// error names the file. On kernels with the per-LSM directory the
	// apparmor one is preferred; without it, the legacy attr/exec.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	for _, opts := range []procOptions{{root: "/proc"}, defaultProcOptions()} {
		err := Host{AppArmor: true, proc: &opts}.ApplyAppArmor("my-profile")
		if err == nil {
			t.Fatalf("%+v: the kernel accepted an AppArmor profile without AppArmor", opts)
		}
		wantFile := ownAttr("attr/exec")
		if _, serr := os.Stat("/proc/thread-self/attr/apparmor"); serr == nil {
			wantFile = ownAttr("attr/apparmor/exec")
		}
		if !errors.Is(err, unix.EINVAL) || !strings.Contains(err.Error(), wantFile) ||
			!strings.Contains(err.Error(), `"exec my-profile"`) {
			t.Fatalf("%+v: err = %v, want EINVAL from %s", opts, err, wantFile)
		}
	}
}
