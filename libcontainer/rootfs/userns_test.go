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

// TestUserNamespace runs the default config inside a user namespace (as
// runc does for rootless-style setups): devices become binds of the host's
// nodes, sysfs falls back to a bind of /sys, and a bind of a mount whose
// nosuid/nodev/noexec are locked keeps them even when the options ask for
// "suid" and "exec".
func TestUserNamespace(t *testing.T) {
	dir := t.TempDir()
	rootfs := newRootfs(t, filepath.Join(dir, "rootfs"))
	locked := filepath.Join(dir, "locked")
	os.MkdirAll(locked, 0o755)
	cfg := defaultConfig(rootfs)
	cfg.Namespaces = append(cfg.Namespaces, configs.Namespace{Type: configs.NEWUSER})
	cfg.UIDMappings = []configs.IDMap{{ContainerID: 0, HostID: 0, Size: 65536}}
	cfg.GIDMappings = cfg.UIDMappings
	cfg.Mounts = append(cfg.Mounts, &configs.Mount{Source: locked, Destination: "/locked", Device: "bind",
		Flags: unix.MS_BIND | unix.MS_RDONLY, ClearedFlags: unix.MS_NOSUID | unix.MS_NOEXEC})
	res := run(t, dir, childRequest{
		Config: cfg, Finalize: true,
		Outer: &outerStage{Path: locked, UserNS: true,
			Clone: syscall.CLONE_NEWNS | syscall.CLONE_NEWPID | syscall.CLONE_NEWIPC},
		Stat:  []string{"/dev/null", "/dev/tty"},
		Read:  []string{"/locked/outer"},
		Write: []string{"/locked/x"},
	}, 0, nil)
	mustOK(t, res)
	mi := mounts(t, res)
	null := res.Stat["/dev/null"]
	if null.Mode&unix.S_IFMT != unix.S_IFCHR || null.Major != 1 || null.Minor != 3 {
		t.Errorf("/dev/null: %+v", null)
	}
	if m := findMount(t, mi, "/dev/null"); m.FSType != "devtmpfs" {
		t.Errorf("/dev/null is not a bind of the host's node: %+v", m)
	}
	if m := findMount(t, mi, "/sys"); m.FSType != "sysfs" || !hasOpt(m.Opts, "ro") {
		t.Errorf("/sys: %+v", m)
	}
	m := findMount(t, mi, "/locked")
	for _, o := range []string{"ro", "nosuid", "nodev", "noexec"} {
		if !hasOpt(m.Opts, o) {
			t.Errorf("/locked options %s lack %s", m.Opts, o)
		}
	}
	if res.Read["/locked/outer"] != "outer" {
		t.Errorf("read /locked/outer: %v %v", res.Read, res.ReadErr)
	}
	if !strings.Contains(res.Write["/locked/x"], "read-only") {
		t.Errorf("write /locked/x: %q", res.Write["/locked/x"])
	}
}
