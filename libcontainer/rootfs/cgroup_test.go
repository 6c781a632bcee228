package rootfs

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/oci-run/oci-run/libcontainer/configs"
)

// hostCgroupPaths returns this process's cgroup directories keyed as
// Options.CgroupPaths wants them.
func hostCgroupPaths(t *testing.T) map[string]string {
	t.Helper()
	b, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		t.Fatal(err)
	}
	layout, err := readCgroupLayout()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		parts := strings.SplitN(line, ":", 3)
		if len(parts) != 3 {
			continue
		}
		for _, h := range layout.Hierarchies {
			for _, k := range h.Keys {
				for _, c := range strings.Split(parts[1], ",") {
					if c == k && (c != "" || h.V2) {
						out[c] = filepath.Join(cgroupRoot, h.Name, parts[2])
					}
				}
			}
		}
	}
	return out
}

func TestCgroupV1NoNamespace(t *testing.T) {
	layout, err := readCgroupLayout()
	if err != nil || layout.Unified || len(layout.Hierarchies) == 0 {
		t.Skip("needs a cgroup v1 or hybrid host")
	}
	dir := t.TempDir()
	rootfs := newRootfs(t, filepath.Join(dir, "rootfs"))
	paths := hostCgroupPaths(t)
	res := run(t, dir, childRequest{Config: defaultConfig(rootfs), CgroupPaths: paths, Finalize: true,
		Write: []string{"/sys/fs/cgroup/x", "/sys/fs/cgroup/memory/x"}}, 0, nil)
	mustOK(t, res)
	mi := mounts(t, res)
	for _, h := range layout.Hierarchies {
		mp := "/sys/fs/cgroup/" + h.Name
		p := ""
		for _, k := range h.Keys {
			if paths[k] != "" {
				p = paths[k]
			}
		}
		if p == "" {
			if hasMount(mi, mp) {
				t.Errorf("%s mounted without a cgroup path", mp)
			}
			continue
		}
		m := findMount(t, mi, mp)
		rel := strings.TrimPrefix(p, filepath.Join(cgroupRoot, h.Name))
		if rel == "" {
			rel = "/"
		}
		if m.Root != rel || !hasOpt(m.Opts, "ro") || !hasOpt(m.Opts, "nosuid") {
			t.Errorf("%s: root %s (want %s), options %s", mp, m.Root, rel, m.Opts)
		}
	}
	if m := findMount(t, mi, "/sys/fs/cgroup"); m.FSType != "tmpfs" || !hasOpt(m.Opts, "ro") {
		t.Errorf("/sys/fs/cgroup: %+v", m)
	}
	for p, e := range res.Write {
		if !strings.Contains(e, "read-only") {
			t.Errorf("write %s: %q, want read-only", p, e)
		}
	}
}

func TestCgroupV1Namespace(t *testing.T) {
	layout, err := readCgroupLayout()
	if err != nil || layout.Unified || len(layout.Hierarchies) == 0 {
		t.Skip("needs a cgroup v1 or hybrid host")
	}
	dir := t.TempDir()
	rootfs := newRootfs(t, filepath.Join(dir, "rootfs"))
	cfg := defaultConfig(rootfs)
	cfg.Namespaces = append(cfg.Namespaces, configs.Namespace{Type: configs.NEWCGROUP})
	// rw this time
	for _, m := range cfg.Mounts {
		if m.Device == "cgroup" {
			m.Flags &^= unix.MS_RDONLY
		}
	}
	res := run(t, dir, childRequest{Config: cfg, Finalize: true, Exec: []string{"cat /proc/self/cgroup"}}, syscall.CLONE_NEWCGROUP, nil)
	mustOK(t, res)
	mi := mounts(t, res)
	for _, h := range layout.Hierarchies {
		m := findMount(t, mi, "/sys/fs/cgroup/"+h.Name)
		want := "cgroup"
		if h.V2 {
			want = "cgroup2"
		}
		if m.FSType != want || m.Root != "/" || !hasOpt(m.Opts, "rw") {
			t.Errorf("%s: %+v", h.Name, m)
		}
	}
	if out := res.Exec["cat /proc/self/cgroup"]; !strings.Contains(out, "memory:/\n") {
		t.Errorf("cgroup namespace view: %q", out)
	}
}

func TestCgroup2Mount(t *testing.T) {
	dir := t.TempDir()
	rootfs := newRootfs(t, filepath.Join(dir, "rootfs"))
	cfg := defaultConfig(rootfs)
	cfg.Namespaces = append(cfg.Namespaces, configs.Namespace{Type: configs.NEWCGROUP})
	for _, m := range cfg.Mounts {
		if m.Device == "cgroup" {
			m.Device = "cgroup2"
		}
	}
	res := run(t, dir, childRequest{Config: cfg, Finalize: true, Stat: []string{"/sys/fs/cgroup/cgroup.procs"}}, syscall.CLONE_NEWCGROUP, nil)
	mustOK(t, res)
	if m := findMount(t, mounts(t, res), "/sys/fs/cgroup"); m.FSType != "cgroup2" || !hasOpt(m.Opts, "ro") {
		t.Errorf("/sys/fs/cgroup: %+v", m)
	}
	if st := res.Stat["/sys/fs/cgroup/cgroup.procs"]; st.Err != "" {
		t.Errorf("cgroup.procs: %s", st.Err)
	}
}
