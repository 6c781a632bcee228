package shim

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/containerd/containerd/api/types"
	"golang.org/x/sys/unix"
)

func TestParseMountOptions(t *testing.T) {
	cases := []struct {
		opts  []string
		flags uintptr
		data  string
	}{
		{nil, 0, ""},
		{[]string{"index=off", "workdir=/w", "upperdir=/u", "lowerdir=/l1:/l2"}, 0, "index=off,workdir=/w,upperdir=/u,lowerdir=/l1:/l2"},
		{[]string{"ro", "nosuid", "nodev", "lowerdir=/l"}, unix.MS_RDONLY | unix.MS_NOSUID | unix.MS_NODEV, "lowerdir=/l"},
		{[]string{"rbind", "ro"}, unix.MS_BIND | unix.MS_REC | unix.MS_RDONLY, ""},
		{[]string{"ro", "rw"}, 0, ""},
		{[]string{"nosuid", "suid", "defaults"}, 0, ""},
	}
	for _, c := range cases {
		flags, data := ParseMountOptions(c.opts)
		if flags != c.flags || data != c.data {
			t.Errorf("%v: flags %#x data %q, want %#x %q", c.opts, flags, data, c.flags, c.data)
		}
	}
}

// A real overlay mount of the kind a snapshotter gives, and its unmount.
func TestMountRootfsOverlay(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Fatal("mounting needs root: run the shim unit tests as root")
	}
	dir := t.TempDir()
	for _, d := range []string{"lower", "upper", "work", "bundle"} {
		os.MkdirAll(filepath.Join(dir, d), 0o755)
	}
	os.WriteFile(filepath.Join(dir, "lower", "f"), []byte("x"), 0o644)
	target := filepath.Join(dir, "bundle", "rootfs")
	m := []*types.Mount{{Type: "overlay", Source: "overlay", Options: []string{
		"workdir=" + filepath.Join(dir, "work"), "upperdir=" + filepath.Join(dir, "upper"), "lowerdir=" + filepath.Join(dir, "lower")}}}
	if err := mountRootfs(m, target); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(target, "f")); err != nil || string(b) != "x" {
		t.Errorf("lower file through the overlay: %q %v", b, err)
	}
	if err := unmountRootfs(target); err != nil {
		t.Fatal(err)
	}
	mi, _ := os.ReadFile("/proc/self/mountinfo")
	if strings.Contains(string(mi), target) {
		t.Errorf("%s still mounted", target)
	}
	// Unmounting what is not mounted (or gone) is fine.
	if err := unmountRootfs(target); err != nil {
		t.Errorf("second unmount: %v", err)
	}
	if err := unmountRootfs(filepath.Join(dir, "missing")); err != nil {
		t.Errorf("unmount of a missing dir: %v", err)
	}
	// A failing mount leaves nothing mounted.
	bad := []*types.Mount{{Type: "overlay", Source: "overlay", Options: []string{"lowerdir=" + filepath.Join(dir, "nope")}}}
	if err := mountRootfs(bad, target); err == nil || !strings.Contains(err.Error(), "mount rootfs") {
		t.Errorf("bad overlay: %v", err)
	}
	// A read-only bind gets its remount.
	ro := []*types.Mount{{Type: "bind", Source: filepath.Join(dir, "lower"), Options: []string{"rbind", "ro"}}}
	if err := mountRootfs(ro, target); err != nil {
		t.Fatal(err)
	}
	defer unmountRootfs(target)
	if err := os.WriteFile(filepath.Join(target, "g"), nil, 0o644); err == nil {
		t.Error("wrote through a read-only bind")
	}
}
