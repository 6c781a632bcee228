package lsm

import (
	"errors"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

const testLabel = "system_u:system_r:container_t:s0:c1,c2"

func TestSELinuxDisabledHere(t *testing.T) {
	if SELinuxEnabled() {
		t.Skip("this host enforces SELinux")
	}
	if Probe().SELinux {
		t.Fatal("Probe().SELinux = true")
	}
	// The package-level forms probe the host: here they ignore labels.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if ignored, err := SetExecLabel(testLabel); err != nil || !ignored {
		t.Fatalf("SetExecLabel = %v, %v; want ignored", ignored, err)
	}
	if ignored, err := SetKeyLabel(testLabel); err != nil || !ignored {
		t.Fatalf("SetKeyLabel = %v, %v; want ignored", ignored, err)
	}
	if got := MountData("tmpfs", "size=1m", testLabel); got != "size=1m" {
		t.Fatalf("MountData = %q, want the data unchanged", got)
	}
}

func TestSELinuxDisabledIgnores(t *testing.T) {
	h := Host{}
	for name, set := range map[string]func(string) (bool, error){
		"exec": h.SetExecLabel, "key": h.SetKeyLabel,
	} {
		if ignored, err := set(""); err != nil || ignored {
			t.Errorf("%s: empty label = %v, %v; want nothing done", name, ignored, err)
		}
		if ignored, err := set(testLabel); err != nil || !ignored {
			t.Errorf("%s: = %v, %v; want ignored", name, ignored, err)
		}
		// Validation still applies: a bad label is an error, not a notice.
		if _, err := set("not a label"); !errors.Is(err, ErrInvalidLabel) {
			t.Errorf("%s: bad label: %v", name, err)
		}
	}
	if SELinuxDisabledNotice != "SELinux is disabled; label ignored" {
		t.Fatal(SELinuxDisabledNotice)
	}
}

func TestSetExecLabelReachesKernel(t *testing.T) {
	if SELinuxEnabled() {
		t.Skip("would really change this thread's exec label")
	}
	// SELinux faked on: go-selinux writes this thread's attr/exec, and a
	// kernel without an active LSM refuses the write.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	ignored, err := Host{SELinux: true}.SetExecLabel(testLabel)
	if ignored || err == nil || !errors.Is(err, unix.EINVAL) || !strings.Contains(err.Error(), testLabel) {
		t.Fatalf("SetExecLabel = %v, %v; want the kernel's EINVAL", ignored, err)
	}
}

func TestMountData(t *testing.T) {
	on, off := Host{SELinux: true}, Host{}
	q := `context="` + testLabel + `"`
	for _, c := range []struct {
		h                   Host
		fstype, data, label string
		want                string
	}{
		{on, "tmpfs", "", testLabel, q},
		{on, "tmpfs", "mode=755,size=65536k", testLabel, "mode=755,size=65536k," + q},
		{on, "devpts", "newinstance,gid=5", testLabel, "newinstance,gid=5," + q},
		{on, "overlay", "lowerdir=/a,upperdir=/b,workdir=/c", testLabel, "lowerdir=/a,upperdir=/b,workdir=/c," + q},
		{on, "tmpfs", "size=1m", "", "size=1m"},
		{on, "proc", "", testLabel, ""},
		{on, "sysfs", "", testLabel, ""},
		{on, "mqueue", "", testLabel, ""},
		{on, "cgroup", "memory", testLabel, "memory"},
		{on, "cgroup2", "", testLabel, ""},
		{on, "bind", "", testLabel, ""},
		// The user's own context option wins; one with a quoted MCS
		// level is recognised as a whole.
		{on, "tmpfs", `size=1m,context="u:r:t:s0:c1,c2"`, testLabel, `size=1m,context="u:r:t:s0:c1,c2"`},
		{on, "tmpfs", "rootcontext=u:r:t:s0", testLabel, "rootcontext=u:r:t:s0"},
		{on, "tmpfs", "fscontext=u:r:t:s0", testLabel, "fscontext=u:r:t:s0"},
		{on, "tmpfs", "defcontext=u:r:t:s0,size=1m", testLabel, "defcontext=u:r:t:s0,size=1m"},
		{on, "tmpfs", `x="context=no"`, testLabel, `x="context=no",` + q},
		{off, "tmpfs", "size=1m", testLabel, "size=1m"},
		{off, "tmpfs", "", testLabel, ""},
	} {
		if got := c.h.MountData(c.fstype, c.data, c.label); got != c.want {
			t.Errorf("selinux=%v MountData(%q, %q, %q) = %q, want %q", c.h.SELinux, c.fstype, c.data, c.label, got, c.want)
		}
	}
}

func TestSplitMountOptions(t *testing.T) {
	got := splitMountOptions(`a,b="x,y",c`)
	if strings.Join(got, "|") != `a|b="x,y"|c` {
		t.Fatalf("%q", got)
	}
}
