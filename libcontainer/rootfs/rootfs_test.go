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

func TestDefaultMounts(t *testing.T) {
	dir := t.TempDir()
	rootfs := newRootfs(t, filepath.Join(dir, "rootfs"))
	cfg := defaultConfig(rootfs)
	res := run(t, dir, childRequest{
		Config:   cfg,
		Finalize: true,
		HookFile: "hook-was-here",
		Stat:     []string{"/dev/null", "/dev/zero", "/dev/tty", "/dev/fd", "/dev/stdin", "/dev/stdout", "/dev/stderr", "/dev/ptmx", "/hook-was-here", "/dev/core"},
		Read:     []string{"/proc/keys"},
		Write:    []string{"/proc/sys/kernel/hostname", "/tmp/rw-ok", "/sys/ro-test"},
		Exec:     []string{"ls /sys/firmware | wc -l; echo end", "cat /proc/self/cgroup >/dev/null && echo proc-ok"},
	}, 0, nil)
	mustOK(t, res)
	mi := mounts(t, res)

	want := map[string]struct {
		fstype string
		opts   []string
	}{
		"/":              {"", nil},
		"/proc":          {"proc", []string{"rw", "nosuid", "nodev", "noexec"}},
		"/dev":           {"tmpfs", []string{"rw", "nosuid"}},
		"/dev/pts":       {"devpts", []string{"nosuid", "noexec"}},
		"/dev/shm":       {"tmpfs", []string{"nosuid", "nodev", "noexec"}},
		"/dev/mqueue":    {"mqueue", []string{"nosuid", "nodev", "noexec"}},
		"/sys":           {"sysfs", []string{"ro", "nosuid", "nodev", "noexec"}},
		"/sys/fs/cgroup": {"tmpfs", []string{"ro", "nosuid", "nodev", "noexec"}},
		"/proc/sys":      {"proc", []string{"ro", "nosuid", "nodev", "noexec"}},
		"/sys/firmware":  {"tmpfs", []string{"ro"}},
	}
	for mp, w := range want {
		m := findMount(t, mi, mp)
		if w.fstype != "" && m.FSType != w.fstype {
			t.Errorf("%s: fstype %s, want %s", mp, m.FSType, w.fstype)
		}
		for _, o := range w.opts {
			if !hasOpt(m.Opts, o) {
				t.Errorf("%s: options %s lack %s", mp, m.Opts, o)
			}
		}
	}
	if m := findMount(t, mi, "/dev/pts"); !strings.Contains(m.SuperOpts, "ptmxmode=666") {
		t.Errorf("devpts super options %s: want ptmxmode=666", m.SuperOpts)
	}
	// pivot_root left no old root: every mount is one the config made.
	allowed := map[string]bool{}
	for mp := range want {
		allowed[mp] = true
	}
	for _, p := range append(append([]string{}, cfg.MaskPaths...), cfg.ReadonlyPaths...) {
		allowed[p] = true
	}
	roots := 0
	for _, m := range mi {
		if !allowed[m.Mountpoint] {
			t.Errorf("unexpected mount (old root left?): %s %s", m.Mountpoint, m.FSType)
		}
		if m.Mountpoint == "/" {
			roots++
		}
	}
	if roots != 1 {
		t.Errorf("%d mounts at /", roots)
	}
	if !res.HookRan || res.HookCwd != rootfs {
		t.Errorf("hook ran %v in %q, want in %q", res.HookRan, res.HookCwd, rootfs)
	}
	if _, err := os.Stat(filepath.Join(rootfs, "hook-was-here")); err != nil {
		t.Errorf("hook file: %v", err)
	}
	null := res.Stat["/dev/null"]
	if null.Err != "" || null.Mode&unix.S_IFMT != unix.S_IFCHR || null.Major != 1 || null.Minor != 3 || null.Mode&0o777 != 0o666 {
		t.Errorf("/dev/null: %+v", null)
	}
	if tty := res.Stat["/dev/tty"]; tty.Major != 5 || tty.Minor != 0 {
		t.Errorf("/dev/tty: %+v", tty)
	}
	links := map[string]string{"/dev/fd": "/proc/self/fd", "/dev/stdin": "/proc/self/fd/0",
		"/dev/stdout": "/proc/self/fd/1", "/dev/stderr": "/proc/self/fd/2", "/dev/ptmx": "pts/ptmx"}
	if _, err := os.Stat("/proc/kcore"); err == nil {
		links["/dev/core"] = "/proc/kcore"
	}
	for p, target := range links {
		if got := res.Stat[p].Link; got != target {
			t.Errorf("%s -> %q, want %q", p, got, target)
		}
	}
	if s, e := res.Read["/proc/keys"], res.ReadErr["/proc/keys"]; s != "" || e != "" {
		t.Errorf("masked /proc/keys read %q, err %q; want empty", s, e)
	}
	if e := res.Write["/proc/sys/kernel/hostname"]; !strings.Contains(e, "read-only") {
		t.Errorf("write /proc/sys: %q, want read-only file system", e)
	}
	if e := res.Write["/tmp/rw-ok"]; e != "" {
		t.Errorf("write /tmp: %s", e)
	}
	if e := res.Write["/sys/ro-test"]; !strings.Contains(e, "read-only") {
		t.Errorf("write /sys: %q", e)
	}
	if out := res.Exec["ls /sys/firmware | wc -l; echo end"]; !strings.HasPrefix(strings.TrimSpace(out), "0") {
		t.Errorf("masked dir /sys/firmware not empty: %q", out)
	}
	if out := res.Exec["cat /proc/self/cgroup >/dev/null && echo proc-ok"]; strings.TrimSpace(out) != "proc-ok" {
		t.Errorf("shell in container: %q", out)
	}
}

func TestBindReadonlyAndTmpfs(t *testing.T) {
	dir := t.TempDir()
	rootfs := newRootfs(t, filepath.Join(dir, "rootfs"))
	src := filepath.Join(dir, "src")
	os.MkdirAll(src, 0o755)
	os.WriteFile(filepath.Join(src, "hello"), []byte("hi"), 0o644)
	srcFile := filepath.Join(dir, "file")
	os.WriteFile(srcFile, []byte("file-content"), 0o644)
	cfg := defaultConfig(rootfs)
	cfg.Mounts = append(cfg.Mounts,
		&configs.Mount{Source: src, Destination: "/data/ro", Device: "bind", Flags: unix.MS_BIND | unix.MS_REC | unix.MS_RDONLY | nosuid},
		&configs.Mount{Source: src, Destination: "/data/rw", Device: "bind", Flags: unix.MS_BIND, PropagationFlags: []int{unix.MS_PRIVATE}},
		&configs.Mount{Source: srcFile, Destination: "/etc/some/file", Device: "bind", Flags: unix.MS_BIND | unix.MS_RDONLY},
		&configs.Mount{Source: "tmpfs", Destination: "/scratch", Device: "tmpfs", Flags: nodev, Data: "size=1m,mode=0710"},
		&configs.Mount{Source: src, Destination: "/data/rro", Device: "bind", Flags: unix.MS_BIND | unix.MS_REC,
			RecAttr: &configs.MountAttr{Set: unix.MOUNT_ATTR_RDONLY | unix.MOUNT_ATTR_NOEXEC}},
	)
	res := run(t, dir, childRequest{
		Config:   cfg,
		Finalize: true,
		Stat:     []string{"/scratch", "/etc/some/file"},
		Read:     []string{"/data/ro/hello", "/etc/some/file"},
		Write:    []string{"/data/ro/new", "/data/rw/new", "/etc/some/file", "/scratch/x", "/data/rro/new"},
	}, 0, nil)
	mustOK(t, res)
	mi := mounts(t, res)
	if m := findMount(t, mi, "/data/ro"); !hasOpt(m.Opts, "ro") || !hasOpt(m.Opts, "nosuid") {
		t.Errorf("/data/ro options %s", m.Opts)
	}
	if m := findMount(t, mi, "/data/rw"); !hasOpt(m.Opts, "rw") {
		t.Errorf("/data/rw options %s", m.Opts)
	}
	if m := findMount(t, mi, "/data/rro"); !hasOpt(m.Opts, "ro") || !hasOpt(m.Opts, "noexec") {
		t.Errorf("/data/rro options %s", m.Opts)
	}
	m := findMount(t, mi, "/scratch")
	if m.FSType != "tmpfs" || !hasOpt(m.Opts, "nodev") || !strings.Contains(m.SuperOpts, "size=1024k") || !strings.Contains(m.SuperOpts, "mode=710") {
		t.Errorf("/scratch: %+v", m)
	}
	if st := res.Stat["/scratch"]; st.Mode&0o7777 != 0o710 {
		t.Errorf("/scratch mode %o", st.Mode&0o7777)
	}
	if res.Read["/data/ro/hello"] != "hi" || res.Read["/etc/some/file"] != "file-content" {
		t.Errorf("reads: %v %v", res.Read, res.ReadErr)
	}
	for _, p := range []string{"/data/ro/new", "/etc/some/file", "/data/rro/new"} {
		if !strings.Contains(res.Write[p], "read-only") {
			t.Errorf("write %s: %q, want read-only", p, res.Write[p])
		}
	}
	for _, p := range []string{"/data/rw/new", "/scratch/x"} {
		if res.Write[p] != "" {
			t.Errorf("write %s: %s", p, res.Write[p])
		}
	}
	if _, err := os.Stat(filepath.Join(src, "new")); err != nil {
		t.Errorf("write through rw bind not visible on host: %v", err)
	}
}

func TestReadonlyRootfs(t *testing.T) {
	dir := t.TempDir()
	rootfs := newRootfs(t, filepath.Join(dir, "rootfs"))
	cfg := defaultConfig(rootfs)
	cfg.Readonlyfs = true
	cfg.Mounts = append(cfg.Mounts, &configs.Mount{Source: "tmpfs", Destination: "/tmp", Device: "tmpfs"})
	res := run(t, dir, childRequest{Config: cfg, Finalize: true, Write: []string{"/etc/x", "/tmp/x", "/dev/shm/x"}}, 0, nil)
	mustOK(t, res)
	if m := findMount(t, mounts(t, res), "/"); !hasOpt(m.Opts, "ro") {
		t.Errorf("/ options %s", m.Opts)
	}
	if !strings.Contains(res.Write["/etc/x"], "read-only") {
		t.Errorf("write /etc/x: %q", res.Write["/etc/x"])
	}
	if res.Write["/tmp/x"] != "" || res.Write["/dev/shm/x"] != "" {
		t.Errorf("writes to tmpfs: %v", res.Write)
	}
}

func TestDevReadonly(t *testing.T) {
	dir := t.TempDir()
	rootfs := newRootfs(t, filepath.Join(dir, "rootfs"))
	cfg := defaultConfig(rootfs)
	cfg.Mounts[1].Flags |= unix.MS_RDONLY
	res := run(t, dir, childRequest{Config: cfg, Finalize: true, Stat: []string{"/dev/null"}, Write: []string{"/dev/x"}}, 0, nil)
	mustOK(t, res)
	if m := findMount(t, mounts(t, res), "/dev"); !hasOpt(m.Opts, "ro") {
		t.Errorf("/dev options %s", m.Opts)
	}
	if res.Stat["/dev/null"].Major != 1 {
		t.Errorf("/dev/null not created before the read-only remount: %+v", res.Stat["/dev/null"])
	}
	if !strings.Contains(res.Write["/dev/x"], "read-only") {
		t.Errorf("write /dev/x: %q", res.Write["/dev/x"])
	}
}

func TestDevices(t *testing.T) {
	dir := t.TempDir()
	rootfs := newRootfs(t, filepath.Join(dir, "rootfs"))
	cfg := defaultConfig(rootfs)
	cfg.Devices = append(cfg.Devices,
		&configs.Device{DeviceRule: configs.DeviceRule{Type: configs.CharDevice, Major: 10, Minor: 200}, Path: "/dev/net/tun", FileMode: 0o600, UID: 1000, GID: 1001},
		&configs.Device{DeviceRule: configs.DeviceRule{Type: configs.BlockDevice, Major: 7, Minor: 0}, Path: "/dev/loop-test", FileMode: 0o640},
		&configs.Device{DeviceRule: configs.DeviceRule{Type: configs.FifoDevice}, Path: "/dev/fifo-test", FileMode: 0o620},
	)
	res := run(t, dir, childRequest{Config: cfg, Finalize: true, Stat: []string{"/dev/net/tun", "/dev/loop-test", "/dev/fifo-test", "/dev/null", "/dev/urandom"}}, 0, nil)
	mustOK(t, res)
	check := func(p string, typ uint32, major, minor, perm, uid, gid uint32) {
		st := res.Stat[p]
		if st.Err != "" || st.Mode&unix.S_IFMT != typ || st.Major != major || st.Minor != minor || st.Mode&0o7777 != perm || st.UID != uid || st.GID != gid {
			t.Errorf("%s: %+v (mode %o), want type %o %d:%d perm %o owner %d:%d", p, st, st.Mode, typ, major, minor, perm, uid, gid)
		}
	}
	check("/dev/net/tun", unix.S_IFCHR, 10, 200, 0o600, 1000, 1001)
	check("/dev/loop-test", unix.S_IFBLK, 7, 0, 0o640, 0, 0)
	check("/dev/fifo-test", unix.S_IFIFO, 0, 0, 0o620, 0, 0)
	check("/dev/null", unix.S_IFCHR, 1, 3, 0o666, 0, 0)
	check("/dev/urandom", unix.S_IFCHR, 1, 9, 0o666, 0, 0)
}

func TestChrootVariant(t *testing.T) {
	dir := t.TempDir()
	rootfs := newRootfs(t, filepath.Join(dir, "rootfs"))
	cfg := defaultConfig(rootfs)
	cfg.NoPivotRoot = true
	res := run(t, dir, childRequest{Config: cfg, Finalize: true, Exec: []string{"ls /bin/busybox"}}, 0, nil)
	mustOK(t, res)
	mi := mounts(t, res)
	findMount(t, mi, "/proc")
	if out := res.Exec["ls /bin/busybox"]; strings.TrimSpace(out) != "/bin/busybox" {
		t.Errorf("exec in chroot: %q", out)
	}
	// The host's full procfs and sysfs were unmounted or covered; mounts
	// outside the new root are not reachable (mountinfo shows none of the
	// old paths relative to the chroot).
	for _, m := range mi {
		if strings.HasPrefix(m.Mountpoint, dir) {
			t.Errorf("host path visible: %s", m.Mountpoint)
		}
	}
}

func TestProcSymlinkRefused(t *testing.T) {
	dir := t.TempDir()
	rootfs := newRootfs(t, filepath.Join(dir, "rootfs"))
	os.Remove(filepath.Join(rootfs, "proc"))
	os.MkdirAll(filepath.Join(rootfs, "fakeproc"), 0o755)
	os.Symlink("/fakeproc", filepath.Join(rootfs, "proc"))
	res := run(t, dir, childRequest{Config: defaultConfig(rootfs)}, 0, nil)
	if res.Step != "prepare" || !hasKind(res, "ErrSymlinkDest") || !strings.Contains(res.Err, "/proc") {
		t.Fatalf("want symlink error naming /proc, got %s: %s %v", res.Step, res.Err, res.ErrKinds)
	}
	if res.MountErr == nil || res.MountErr.Dest != "/proc" || res.MountErr.Type != "proc" {
		t.Errorf("MountError: %+v", res.MountErr)
	}
	t.Log(res.Err)
}

func TestSysSymlinkRefused(t *testing.T) {
	dir := t.TempDir()
	rootfs := newRootfs(t, filepath.Join(dir, "rootfs"))
	os.Remove(filepath.Join(rootfs, "sys"))
	os.Symlink("/tmp", filepath.Join(rootfs, "sys"))
	res := run(t, dir, childRequest{Config: defaultConfig(rootfs)}, 0, nil)
	if !hasKind(res, "ErrSymlinkDest") || !strings.Contains(res.Err, "/sys") {
		t.Fatalf("got %s: %s %v", res.Step, res.Err, res.ErrKinds)
	}
}

func TestSymlinkDestStaysInRootfs(t *testing.T) {
	dir := t.TempDir()
	rootfs := newRootfs(t, filepath.Join(dir, "a", "b", "rootfs"))
	os.Symlink("/../../host-canary", filepath.Join(rootfs, "escape"))
	os.Symlink("../../../../host-canary2/sub", filepath.Join(rootfs, "mnt", "escape2"))
	src := filepath.Join(dir, "src")
	os.MkdirAll(src, 0o755)
	os.WriteFile(filepath.Join(src, "marker"), []byte("m"), 0o644)
	cfg := defaultConfig(rootfs)
	cfg.Mounts = append(cfg.Mounts,
		&configs.Mount{Source: src, Destination: "/escape", Device: "bind", Flags: unix.MS_BIND},
		&configs.Mount{Source: "tmpfs", Destination: "/mnt/escape2", Device: "tmpfs"},
	)
	res := run(t, dir, childRequest{Config: cfg, Finalize: true, Read: []string{"/host-canary/marker"}}, 0, nil)
	mustOK(t, res)
	for _, p := range []string{filepath.Join(dir, "a", "host-canary"), filepath.Join(dir, "host-canary"),
		filepath.Join(dir, "a", "b", "host-canary"), "/host-canary", "/host-canary2", filepath.Join(dir, "host-canary2")} {
		if _, err := os.Lstat(p); err == nil {
			t.Errorf("created outside the rootfs: %s", p)
		}
	}
	if _, err := os.Stat(filepath.Join(rootfs, "host-canary")); err != nil {
		t.Errorf("mount point not created inside the rootfs: %v", err)
	}
	if _, err := os.Stat(filepath.Join(rootfs, "host-canary2", "sub")); err != nil {
		t.Errorf("mount point 2 not created inside the rootfs: %v", err)
	}
	mi := mounts(t, res)
	findMount(t, mi, "/host-canary")
	findMount(t, mi, "/host-canary2/sub")
	if res.Read["/host-canary/marker"] != "m" {
		t.Errorf("bind through symlink: %v %v", res.Read, res.ReadErr)
	}
}

func TestBindMissingSource(t *testing.T) {
	dir := t.TempDir()
	rootfs := newRootfs(t, filepath.Join(dir, "rootfs"))
	cfg := defaultConfig(rootfs)
	missing := filepath.Join(dir, "does-not-exist")
	cfg.Mounts = append(cfg.Mounts, &configs.Mount{Source: missing, Destination: "/data", Device: "bind", Flags: unix.MS_BIND})
	res := run(t, dir, childRequest{Config: cfg}, 0, nil)
	if !strings.Contains(res.Err, missing) || !hasKind(res, "ENOENT") {
		t.Fatalf("got %s: %s %v", res.Step, res.Err, res.ErrKinds)
	}
	if res.MountErr == nil || res.MountErr.Source != missing || res.MountErr.Dest != "/data" {
		t.Errorf("MountError %+v", res.MountErr)
	}
	if _, err := os.Stat(filepath.Join(rootfs, "data")); err == nil {
		t.Errorf("destination created for a failed bind")
	}
	t.Log(res.Err)
}

func TestProcAllowList(t *testing.T) {
	dir := t.TempDir()
	rootfs := newRootfs(t, filepath.Join(dir, "rootfs"))
	fake := filepath.Join(dir, "fake")
	os.WriteFile(fake, []byte("fake-uptime"), 0o644)
	t.Run("allowed", func(t *testing.T) {
		cfg := defaultConfig(rootfs)
		cfg.Mounts = append(cfg.Mounts, &configs.Mount{Source: fake, Destination: "/proc/uptime", Device: "bind", Flags: unix.MS_BIND})
		res := run(t, dir, childRequest{Config: cfg, Finalize: true, Read: []string{"/proc/uptime"}}, 0, nil)
		mustOK(t, res)
		if res.Read["/proc/uptime"] != "fake-uptime" {
			t.Errorf("read %q", res.Read["/proc/uptime"])
		}
	})
	for _, dest := range []string{"/proc/sys/kernel/core_pattern", "/proc/self/attr/current", "/proc/1/fd"} {
		t.Run(strings.ReplaceAll(dest, "/", "_"), func(t *testing.T) {
			cfg := defaultConfig(rootfs)
			cfg.Mounts = append(cfg.Mounts, &configs.Mount{Source: fake, Destination: dest, Device: "bind", Flags: unix.MS_BIND})
			res := run(t, dir, childRequest{Config: cfg}, 0, nil)
			if res.Step != "prepare" || (!hasKind(res, "ErrProcDest") && !hasKind(res, "ELOOP")) {
				t.Fatalf("got %s: %s %v", res.Step, res.Err, res.ErrKinds)
			}
			t.Log(res.Err)
		})
	}
	t.Run("via-symlink", func(t *testing.T) {
		os.Symlink("/proc/sys/kernel/core_pattern", filepath.Join(rootfs, "sneaky"))
		defer os.Remove(filepath.Join(rootfs, "sneaky"))
		cfg := defaultConfig(rootfs)
		cfg.Mounts = append(cfg.Mounts, &configs.Mount{Source: fake, Destination: "/sneaky", Device: "bind", Flags: unix.MS_BIND})
		res := run(t, dir, childRequest{Config: cfg}, 0, nil)
		if !hasKind(res, "ErrProcDest") || !strings.Contains(res.Err, "/proc/sys/kernel/core_pattern") {
			t.Fatalf("got %s: %s %v", res.Step, res.Err, res.ErrKinds)
		}
		t.Log(res.Err)
	})
	t.Run("bind-non-proc-on-proc", func(t *testing.T) {
		cfg := defaultConfig(rootfs)
		cfg.Mounts[0] = &configs.Mount{Source: dir, Destination: "/proc", Device: "bind", Flags: unix.MS_BIND}
		res := run(t, dir, childRequest{Config: cfg}, 0, nil)
		if !hasKind(res, "ErrNotProc") {
			t.Fatalf("got %s: %s %v", res.Step, res.Err, res.ErrKinds)
		}
	})
}

func TestDevSymlinkRefused(t *testing.T) {
	dir := t.TempDir()
	rootfs := newRootfs(t, filepath.Join(dir, "rootfs"))
	os.Remove(filepath.Join(rootfs, "dev"))
	os.MkdirAll(filepath.Join(rootfs, "evil"), 0o755)
	os.Symlink("/evil", filepath.Join(rootfs, "dev"))
	cfg := defaultConfig(rootfs)
	// No /dev mount: devices are created in the image's /dev.
	var ms []*configs.Mount
	for _, m := range cfg.Mounts {
		if !strings.HasPrefix(m.Destination, "/dev") {
			ms = append(ms, m)
		}
	}
	cfg.Mounts = ms
	res := run(t, dir, childRequest{Config: cfg}, 0, nil)
	if !hasKind(res, "ErrDevSymlink") {
		t.Fatalf("got %s: %s %v", res.Step, res.Err, res.ErrKinds)
	}
	if ents, _ := os.ReadDir(filepath.Join(rootfs, "evil")); len(ents) != 0 {
		t.Errorf("created through the /dev symlink: %v", ents)
	}
}

func TestMaskRefusesFakeDevNull(t *testing.T) {
	for _, how := range []string{"symlink", "file"} {
		t.Run(how, func(t *testing.T) {
			dir := t.TempDir()
			rootfs := newRootfs(t, filepath.Join(dir, "rootfs"))
			cfg := defaultConfig(rootfs)
			cfg.ReadonlyPaths = nil
			res := run(t, dir, childRequest{Config: cfg, Finalize: true, SabotageDevNull: how}, 0, nil)
			if res.Step != "finalize" || (!hasKind(res, "ErrNotDevNull") && !hasKind(res, "ELOOP")) {
				t.Fatalf("got %s: %s %v", res.Step, res.Err, res.ErrKinds)
			}
			t.Log(res.Err)
		})
	}
}

func TestSysctls(t *testing.T) {
	dir := t.TempDir()
	rootfs := newRootfs(t, filepath.Join(dir, "rootfs"))
	cfg := defaultConfig(rootfs)
	cfg.Namespaces = append(cfg.Namespaces, configs.Namespace{Type: configs.NEWUTS}, configs.Namespace{Type: configs.NEWNET})
	cfg.Sysctl = map[string]string{"kernel.domainname": "rootfs-test", "net.ipv4.ip_forward": "1"}
	res := run(t, dir, childRequest{Config: cfg, Sysctls: true, Finalize: true,
		Read: []string{"/proc/sys/kernel/domainname", "/proc/sys/net/ipv4/ip_forward"}},
		syscall.CLONE_NEWUTS|syscall.CLONE_NEWNET, nil)
	mustOK(t, res)
	if strings.TrimSpace(res.Read["/proc/sys/kernel/domainname"]) != "rootfs-test" || strings.TrimSpace(res.Read["/proc/sys/net/ipv4/ip_forward"]) != "1" {
		t.Errorf("sysctls: %v %v", res.Read, res.ReadErr)
	}

	t.Run("overmounted", func(t *testing.T) {
		res := run(t, dir, childRequest{Config: cfg, Sysctls: true, OvermountSysctl: "/proc/sys/kernel/domainname"},
			syscall.CLONE_NEWUTS|syscall.CLONE_NEWNET, nil)
		if res.Step != "sysctl" || !hasKind(res, "EXDEV") {
			t.Fatalf("got %s: %s %v", res.Step, res.Err, res.ErrKinds)
		}
		t.Log(res.Err)
	})
	t.Run("bad-key", func(t *testing.T) {
		c := *cfg
		c.Sysctl = map[string]string{"kernel/../../self/attr/current": "x"}
		res := run(t, dir, childRequest{Config: &c, Sysctls: true}, syscall.CLONE_NEWUTS|syscall.CLONE_NEWNET, nil)
		if res.Step != "sysctl" {
			t.Fatalf("got %s: %s", res.Step, res.Err)
		}
	})
}

func TestConsole(t *testing.T) {
	dir := t.TempDir()
	rootfs := newRootfs(t, filepath.Join(dir, "rootfs"))
	res := run(t, dir, childRequest{Config: defaultConfig(rootfs), Console: true, Finalize: true}, 0, nil)
	mustOK(t, res)
	if res.Console.Slave == 0 || res.Console.Slave != res.Console.Console {
		t.Errorf("console rdev %x, slave %x", res.Console.Console, res.Console.Slave)
	}
	findMount(t, mounts(t, res), "/dev/console")
}

func TestNeedsMountNamespace(t *testing.T) {
	cfg := &configs.Config{Rootfs: t.TempDir()}
	if err := Prepare(cfg, Options{}); err == nil || !strings.Contains(err.Error(), "mount namespace") {
		t.Fatalf("got %v", err)
	}
}
