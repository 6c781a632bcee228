package rootfs

import (
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/oci-run/oci-run/libcontainer/configs"
)

func TestRootPropagation(t *testing.T) {
	for _, tc := range []struct {
		name   string
		prop   int
		shared bool
	}{
		{"default", 0, false},
		{"rshared", unix.MS_SHARED | unix.MS_REC, true},
		{"rprivate", unix.MS_PRIVATE | unix.MS_REC, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			rootfs := newRootfs(t, filepath.Join(dir, "rootfs"))
			cfg := defaultConfig(rootfs)
			cfg.RootPropagation = tc.prop
			cfg.Mounts = append(cfg.Mounts, &configs.Mount{Source: "tmpfs", Destination: "/shared-sub", Device: "tmpfs",
				PropagationFlags: []int{unix.MS_SHARED}})
			res := run(t, dir, childRequest{Config: cfg, Finalize: true}, 0, nil)
			mustOK(t, res)
			mi := mounts(t, res)
			root := findMount(t, mi, "/")
			if got := root.IsShared(); got != tc.shared {
				t.Errorf("/ shared=%v (%v), want %v", got, root.Optional, tc.shared)
			}
			// A recursive RootPropagation, applied after pivot_root as runc
			// does, overrides the per-mount propagation.
			wantSub := tc.prop != unix.MS_PRIVATE|unix.MS_REC
			if sub := findMount(t, mi, "/shared-sub"); sub.IsShared() != wantSub {
				t.Errorf("/shared-sub shared=%v (%v), want %v", sub.IsShared(), sub.Optional, wantSub)
			}
		})
	}
}

// TestWalkCreateUnprivileged checks the fd-based resolver on its own: no
// namespaces needed.
func TestWalkCreateUnprivileged(t *testing.T) {
	dir := t.TempDir()
	rootDir := filepath.Join(dir, "a", "root")
	if err := mkdirs(rootDir); err != nil {
		t.Fatal(err)
	}
	links := map[string]string{
		"abs":    "/../../../outside",
		"rel":    "../../../../outside-rel/x",
		"loop":   "loop",
		"chain":  "abs/deeper",
		"dotdot": "..",
	}
	for name, target := range links {
		if err := symlink(target, filepath.Join(rootDir, name)); err != nil {
			t.Fatal(err)
		}
	}
	r, err := openRoot(rootDir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.close()
	cases := []struct {
		path string
		k    kind
		want string // container path of the result, "" for an error
	}{
		{"/abs", kindDir, "/outside"},
		{"/rel", kindDir, "/outside-rel/x"},
		{"/chain/file", kindFile, "/outside/deeper/file"},
		{"/dotdot/dotdot/new/dir", kindDir, "/new/dir"},
		{"/loop/x", kindDir, ""},
		{"/../../escape", kindDir, "/escape"},
	}
	for _, c := range cases {
		fd, err := r.resolveCreate(c.path, c.k)
		if c.want == "" {
			if err == nil {
				unix.Close(fd)
				t.Errorf("%s: resolved, want an error", c.path)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", c.path, err)
			continue
		}
		got, err := r.containerPath(fd)
		unix.Close(fd)
		if err != nil || got != c.want {
			t.Errorf("%s: resolved to %q (%v), want %q", c.path, got, err, c.want)
		}
	}
	for _, p := range []string{"outside", "outside-rel", "escape", "a/outside", "new"} {
		if exists(filepath.Join(dir, p)) {
			t.Errorf("created outside the root: %s", p)
		}
	}
	if !strings.HasPrefix(rootDir, dir) {
		t.Fatal("bad test setup")
	}
}
