package rootfs

import (
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/oci-run/oci-run/libcontainer/configs"
	"github.com/oci-run/oci-run/nsenter"
)

// planBase is the smallest config Plan accepts.
func planBase() *configs.Config {
	return &configs.Config{
		Rootfs:     "/var/lib/c1/rootfs",
		Namespaces: configs.Namespaces{{Type: configs.NEWNS}, {Type: configs.NEWPID}},
	}
}

// withoutCgroupMounts drops cgroup mounts, whose plan depends on the host.
func withoutCgroupMounts(cfg *configs.Config) *configs.Config {
	cfg.Mounts = slices.DeleteFunc(cfg.Mounts, func(m *configs.Mount) bool {
		return m.Device == "cgroup" || m.Device == "cgroup2"
	})
	return cfg
}

func mustPlan(t *testing.T, cfg *configs.Config, opts PlanOptions) *nsenter.InitPlan {
	t.Helper()
	p, ok := Plan(cfg, opts)
	if !ok {
		t.Fatal("Plan declined")
	}
	if p == nil {
		t.Fatal("Plan returned ok with a nil plan")
	}
	return p
}

func charDev(path string, major, minor int64) *configs.Device {
	return &configs.Device{
		DeviceRule: configs.DeviceRule{Type: configs.CharDevice, Major: major, Minor: minor, Permissions: "rwm", Allow: true},
		Path:       path,
	}
}

// Configurations only the Go init handles.
func TestPlanDeclines(t *testing.T) {
	if _, ok := Plan(planBase(), PlanOptions{FifoFD: -1}); !ok {
		t.Fatal("the base config is declined")
	}
	addMount := func(m *configs.Mount) func(*configs.Config) {
		return func(c *configs.Config) {
			c.Mounts = append(c.Mounts, &configs.Mount{Source: "tmpfs", Destination: "/tmp", Device: "tmpfs"}, m)
		}
	}
	addDevice := func(d *configs.Device) func(*configs.Config) {
		return func(c *configs.Config) { c.Devices = append(c.Devices, charDev("/dev/null", 1, 3), d) }
	}
	hook := []configs.Hook{{Path: "/bin/true"}}
	idmap := []configs.IDMap{{ContainerID: 0, HostID: 100000, Size: 65536}}
	for _, tc := range []struct {
		name   string
		mutate func(*configs.Config)
	}{
		{"user namespace", func(c *configs.Config) { c.Namespaces = append(c.Namespaces, configs.Namespace{Type: configs.NEWUSER}) }},
		{"user namespace by path", func(c *configs.Config) {
			c.Namespaces = append(c.Namespaces, configs.Namespace{Type: configs.NEWUSER, Path: "/proc/1/ns/user"})
		}},
		{"no pivot_root", func(c *configs.Config) { c.NoPivotRoot = true }},
		{"mount label", func(c *configs.Config) { c.MountLabel = "system_u:object_r:container_file_t:s0:c1,c2" }},
		{"relative rootfs", func(c *configs.Config) { c.Rootfs = "rootfs" }},
		{"empty rootfs", func(c *configs.Config) { c.Rootfs = "" }},
		{"mount namespace by path", func(c *configs.Config) {
			c.Namespaces = configs.Namespaces{{Type: configs.NEWNS, Path: "/proc/1/ns/mnt"}, {Type: configs.NEWPID}}
		}},
		{"no mount namespace", func(c *configs.Config) { c.Namespaces = configs.Namespaces{{Type: configs.NEWPID}} }},
		{"createContainer hook", func(c *configs.Config) { c.Hooks = configs.Hooks{configs.CreateContainer: hook} }},
		{"startContainer hook", func(c *configs.Config) { c.Hooks = configs.Hooks{configs.StartContainer: hook} }},
		{"rshared root", func(c *configs.Config) { c.RootPropagation = unix.MS_SHARED | unix.MS_REC }},
		{"shared root", func(c *configs.Config) { c.RootPropagation = unix.MS_SHARED }},
		{"slave root, not recursive", func(c *configs.Config) { c.RootPropagation = unix.MS_SLAVE }},
		{"private root, not recursive", func(c *configs.Config) { c.RootPropagation = unix.MS_PRIVATE }},
		{"mount on /", addMount(&configs.Mount{Source: "tmpfs", Destination: "/", Device: "tmpfs"})},
		{"bind on /", addMount(&configs.Mount{Source: "/src", Destination: "/", Device: "bind", Flags: unix.MS_BIND})},
		{"mount on empty destination", addMount(&configs.Mount{Source: "tmpfs", Destination: "", Device: "tmpfs"})},
		{"mount on /x/..", addMount(&configs.Mount{Source: "tmpfs", Destination: "/x/..", Device: "tmpfs"})},
		{"mount with uid and gid mappings", addMount(&configs.Mount{Source: "/src", Destination: "/data", Device: "bind",
			Flags: unix.MS_BIND, UIDMappings: idmap, GIDMappings: idmap})},
		{"mount with uid mappings", addMount(&configs.Mount{Source: "/src", Destination: "/data", Device: "bind",
			Flags: unix.MS_BIND, UIDMappings: idmap})},
		{"mount with gid mappings", addMount(&configs.Mount{Source: "tmpfs", Destination: "/data", Device: "tmpfs",
			GIDMappings: idmap})},
		{"sysctl key with an empty part", func(c *configs.Config) { c.Sysctl = map[string]string{"kernel.msgmax": "1", "net..ipv4": "1"} }},
		{"sysctl key with ..", func(c *configs.Config) { c.Sysctl = map[string]string{"net/../kernel/x": "1"} }},
		{"sysctl key with a trailing slash", func(c *configs.Config) { c.Sysctl = map[string]string{"net/ipv4/": "1"} }},
		{"empty sysctl key", func(c *configs.Config) { c.Sysctl = map[string]string{"": "1"} }},
		{"device on /", addDevice(charDev("/", 1, 3))},
		{"device with an empty path", addDevice(charDev("", 1, 3))},
		{"device on /dev", addDevice(charDev("/dev", 1, 3))},
		{"device on /dev/", addDevice(charDev("/dev/", 1, 3))},
		{"device of type a", addDevice(&configs.Device{DeviceRule: configs.DeviceRule{Type: configs.AnyDevice, Major: 1, Minor: 3}, Path: "/dev/x"})},
		{"device with a negative major", addDevice(charDev("/dev/x", -1, 3))},
		{"device with a huge minor", addDevice(charDev("/dev/x", 1, 1<<32))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := planBase()
			tc.mutate(cfg)
			if p, ok := Plan(cfg, PlanOptions{ID: "c1", FifoFD: -1}); ok || p != nil {
				t.Errorf("Plan = %+v, %v; want nil, false", p, ok)
			}
		})
	}
}

// runc's default config (less its cgroup mount, see TestPlanAwaitCgroup)
// compiles to exactly the steps the Go init takes.
func TestPlanDefaultConfig(t *testing.T) {
	const base = unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC
	for _, prop := range []int{0, unix.MS_SLAVE | unix.MS_REC, unix.MS_PRIVATE | unix.MS_REC} {
		cfg := withoutCgroupMounts(defaultConfig("/var/lib/c1/rootfs"))
		cfg.RootPropagation = prop
		got := mustPlan(t, cfg, PlanOptions{ID: "c1", FifoFD: 4, HasParentHooks: true})
		dev := func(path string, major, minor uint32) nsenter.Device {
			return nsenter.Device{Path: path, Mode: unix.S_IFCHR | 0o666, Major: major, Minor: minor}
		}
		want := &nsenter.InitPlan{
			Rootfs:          "/var/lib/c1/rootfs",
			RootPropagation: uint32(prop),
			Mounts: []nsenter.MountOp{
				{Kind: nsenter.MountFS, Source: "proc", Dest: "/proc", FSType: "proc", Flags: base, RealDir: true},
				{Kind: nsenter.MountFS, Source: "tmpfs", Dest: "/dev", FSType: "tmpfs", Data: "mode=755,size=65536k",
					Flags: unix.MS_NOSUID | unix.MS_STRICTATIME},
				{Kind: nsenter.MountFS, Source: "devpts", Dest: "/dev/pts", FSType: "devpts",
					Data: "newinstance,ptmxmode=0666,mode=0620,gid=5", Flags: unix.MS_NOSUID | unix.MS_NOEXEC},
				{Kind: nsenter.MountFS, Source: "shm", Dest: "/dev/shm", FSType: "tmpfs", Data: "mode=1777,size=65536k", Flags: base},
				{Kind: nsenter.MountFS, Source: "mqueue", Dest: "/dev/mqueue", FSType: "mqueue", Flags: base},
				{Kind: nsenter.MountFS, Source: "sysfs", Dest: "/sys", FSType: "sysfs", Flags: base | unix.MS_RDONLY, RealDir: true},
			},
			DevSetup: true,
			Devices: []nsenter.Device{dev("/dev/null", 1, 3), dev("/dev/zero", 1, 5), dev("/dev/full", 1, 7),
				dev("/dev/random", 1, 8), dev("/dev/urandom", 1, 9), dev("/dev/tty", 5, 0)},
			Hooks:         true,
			ReadonlyPaths: cfg.ReadonlyPaths,
			Masks:         cfg.MaskPaths,
			Keyring:       "_ses.c1",
			FifoFD:        4,
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("root propagation %#x:\n got %+v\nwant %+v", prop, got, want)
		}
		// The plan encodes (no NUL bytes, known kinds).
		if _, err := (&nsenter.ExecSpec{Args: []string{"sh"}, Init: got}).Encode(); err != nil {
			t.Errorf("root propagation %#x: encode: %v", prop, err)
		}
	}
}

// Each kind of configured mount becomes the step the Go init's mount takes.
func TestPlanMounts(t *testing.T) {
	const (
		ro     = unix.MOUNT_ATTR_RDONLY
		nosuid = unix.MOUNT_ATTR_NOSUID
		nodev  = unix.MOUNT_ATTR_NODEV
		noexec = unix.MOUNT_ATTR_NOEXEC
		atime  = unix.MOUNT_ATTR__ATIME
	)
	for _, tc := range []struct {
		name     string
		mount    configs.Mount
		want     nsenter.MountOp
		devRO    bool // plan.DevReadonly
		noDevSet bool // !plan.DevSetup
	}{
		{
			name:  "bind ro,nosuid",
			mount: configs.Mount{Source: "/src", Destination: "/data", Device: "bind", Flags: unix.MS_BIND | unix.MS_RDONLY | unix.MS_NOSUID},
			want:  nsenter.MountOp{Kind: nsenter.MountBind, Source: "/src", Dest: "/data", AttrSet: ro | nosuid},
		},
		{
			name: "rbind rw,dev,exec",
			mount: configs.Mount{Source: "/src", Destination: "/data", Device: "bind", Flags: unix.MS_BIND | unix.MS_REC,
				ClearedFlags: unix.MS_RDONLY | unix.MS_NODEV | unix.MS_NOEXEC},
			want: nsenter.MountOp{Kind: nsenter.MountBind, Source: "/src", Dest: "/data", AttrClr: ro | nodev | noexec, Recursive: true},
		},
		{
			name: "bind set wins over cleared",
			mount: configs.Mount{Source: "/src", Destination: "/data", Device: "bind", Flags: unix.MS_BIND | unix.MS_NODEV,
				ClearedFlags: unix.MS_NODEV | unix.MS_NOSUID},
			want: nsenter.MountOp{Kind: nsenter.MountBind, Source: "/src", Dest: "/data", AttrSet: nodev, AttrClr: nosuid},
		},
		{
			name:  "bind noatime",
			mount: configs.Mount{Source: "/src", Destination: "/data", Device: "bind", Flags: unix.MS_BIND | unix.MS_NOATIME},
			want:  nsenter.MountOp{Kind: nsenter.MountBind, Source: "/src", Dest: "/data", AttrSet: unix.MOUNT_ATTR_NOATIME, AttrClr: atime},
		},
		{
			name: "bind strictatime,nodiratime",
			mount: configs.Mount{Source: "/src", Destination: "/data", Device: "bind",
				Flags: unix.MS_BIND | unix.MS_STRICTATIME | unix.MS_NODIRATIME},
			want: nsenter.MountOp{Kind: nsenter.MountBind, Source: "/src", Dest: "/data",
				AttrSet: unix.MOUNT_ATTR_STRICTATIME | unix.MOUNT_ATTR_NODIRATIME, AttrClr: atime},
		},
		{
			name: "bind by flag, recursive attributes and propagation",
			mount: configs.Mount{Source: "/src", Destination: "/data", Device: "none", Flags: unix.MS_BIND | unix.MS_REC,
				RecAttr:          &configs.MountAttr{Set: ro, Clear: nosuid},
				PropagationFlags: []int{unix.MS_REC, unix.MS_PRIVATE, unix.MS_SLAVE | unix.MS_REC}},
			want: nsenter.MountOp{Kind: nsenter.MountBind, Source: "/src", Dest: "/data", Recursive: true,
				HasRec: true, RecSet: ro, RecClr: nosuid,
				Propagation: []uint32{unix.MS_PRIVATE, unix.MS_SLAVE | unix.MS_REC}},
		},
		{
			name:  "bind destination cleaned",
			mount: configs.Mount{Source: "/src", Destination: "data/../x//y/", Device: "bind", Flags: unix.MS_BIND},
			want:  nsenter.MountOp{Kind: nsenter.MountBind, Source: "/src", Dest: "/x/y"},
		},
		{
			name:  "devpts gets newinstance and ptmxmode",
			mount: configs.Mount{Source: "devpts", Destination: "/dev/pts", Device: "devpts", Flags: unix.MS_NOSUID, Data: "mode=0620,gid=5"},
			want: nsenter.MountOp{Kind: nsenter.MountFS, Source: "devpts", Dest: "/dev/pts", FSType: "devpts",
				Data: "mode=0620,gid=5,newinstance,ptmxmode=0666", Flags: unix.MS_NOSUID},
		},
		{
			name:  "devpts without options",
			mount: configs.Mount{Source: "devpts", Destination: "/dev/pts", Device: "devpts"},
			want:  nsenter.MountOp{Kind: nsenter.MountFS, Source: "devpts", Dest: "/dev/pts", FSType: "devpts", Data: "newinstance,ptmxmode=0666"},
		},
		{
			name:  "devpts keeps its own ptmxmode",
			mount: configs.Mount{Source: "devpts", Destination: "/dev/pts", Device: "devpts", Data: "ptmxmode=0600,newinstance"},
			want:  nsenter.MountOp{Kind: nsenter.MountFS, Source: "devpts", Dest: "/dev/pts", FSType: "devpts", Data: "ptmxmode=0600,newinstance"},
		},
		{
			name:  "tmpfs on /dev loses ro",
			mount: configs.Mount{Source: "tmpfs", Destination: "/dev/", Device: "tmpfs", Flags: unix.MS_RDONLY | unix.MS_NOSUID, Data: "mode=755"},
			want:  nsenter.MountOp{Kind: nsenter.MountFS, Source: "tmpfs", Dest: "/dev", FSType: "tmpfs", Data: "mode=755", Flags: unix.MS_NOSUID},
			devRO: true,
		},
		{
			name:  "tmpfs under /dev keeps ro",
			mount: configs.Mount{Source: "shm", Destination: "/dev/shm", Device: "tmpfs", Flags: unix.MS_RDONLY},
			want:  nsenter.MountOp{Kind: nsenter.MountFS, Source: "shm", Dest: "/dev/shm", FSType: "tmpfs", Flags: unix.MS_RDONLY},
		},
		{
			name:  "proc needs a real directory",
			mount: configs.Mount{Source: "proc", Destination: "/proc", Device: "proc"},
			want:  nsenter.MountOp{Kind: nsenter.MountFS, Source: "proc", Dest: "/proc", FSType: "proc", RealDir: true},
		},
		{
			name:  "sysfs needs a real directory",
			mount: configs.Mount{Source: "sysfs", Destination: "/sys", Device: "sysfs", Flags: unix.MS_RDONLY},
			want:  nsenter.MountOp{Kind: nsenter.MountFS, Source: "sysfs", Dest: "/sys", FSType: "sysfs", Flags: unix.MS_RDONLY, RealDir: true},
		},
		{
			name: "tmpfs: propagation bits leave the flags",
			mount: configs.Mount{Source: "tmpfs", Destination: "/run", Device: "tmpfs",
				Flags:            unix.MS_NOSUID | unix.MS_REC | unix.MS_SHARED | unix.MS_PRIVATE | unix.MS_SLAVE | unix.MS_UNBINDABLE,
				PropagationFlags: []int{unix.MS_SHARED | unix.MS_REC}, RecAttr: &configs.MountAttr{Set: noexec}},
			want: nsenter.MountOp{Kind: nsenter.MountFS, Source: "tmpfs", Dest: "/run", FSType: "tmpfs", Flags: unix.MS_NOSUID,
				HasRec: true, RecSet: noexec, Propagation: []uint32{unix.MS_SHARED | unix.MS_REC}},
		},
		{
			name:  "overlay data kept",
			mount: configs.Mount{Source: "overlay", Destination: "/merged", Device: "overlay", Data: "lowerdir=/a,upperdir=/b,workdir=/c"},
			want: nsenter.MountOp{Kind: nsenter.MountFS, Source: "overlay", Dest: "/merged", FSType: "overlay",
				Data: "lowerdir=/a,upperdir=/b,workdir=/c"},
		},
		{
			name:     "bind onto /dev: no device setup, no read-only /dev",
			mount:    configs.Mount{Source: "/hostdev", Destination: "/dev", Device: "bind", Flags: unix.MS_BIND | unix.MS_REC | unix.MS_RDONLY},
			want:     nsenter.MountOp{Kind: nsenter.MountBind, Source: "/hostdev", Dest: "/dev", AttrSet: ro, Recursive: true},
			noDevSet: true,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := planBase()
			m := tc.mount
			cfg.Mounts = []*configs.Mount{&m}
			cfg.Devices = []*configs.Device{charDev("/dev/null", 1, 3)}
			p := mustPlan(t, cfg, PlanOptions{ID: "c1", FifoFD: -1})
			if want := []nsenter.MountOp{tc.want}; !reflect.DeepEqual(p.Mounts, want) {
				t.Errorf("mounts:\n got %+v\nwant %+v", p.Mounts, want)
			}
			if p.DevReadonly != tc.devRO {
				t.Errorf("DevReadonly = %v, want %v", p.DevReadonly, tc.devRO)
			}
			if p.DevSetup == tc.noDevSet {
				t.Errorf("DevSetup = %v, want %v", p.DevSetup, !tc.noDevSet)
			}
			if wantDevs := !tc.noDevSet; (len(p.Devices) == 1) != wantDevs {
				t.Errorf("devices %+v with DevSetup %v", p.Devices, p.DevSetup)
			}
			if !reflect.DeepEqual(cfg.Mounts[0], &tc.mount) {
				t.Errorf("Plan changed the config's mount: %+v", cfg.Mounts[0])
			}
		})
	}
}

// Several mounts keep their order.
func TestPlanMountOrder(t *testing.T) {
	cfg := planBase()
	dests := []string{"/z", "/a", "/m/n", "/b", "/a/b"}
	for i, d := range dests {
		if i%2 == 0 {
			cfg.Mounts = append(cfg.Mounts, &configs.Mount{Source: "tmpfs", Destination: d, Device: "tmpfs"})
		} else {
			cfg.Mounts = append(cfg.Mounts, &configs.Mount{Source: "/src" + d, Destination: d, Device: "bind", Flags: unix.MS_BIND})
		}
	}
	p := mustPlan(t, cfg, PlanOptions{FifoFD: -1})
	var got []string
	for _, m := range p.Mounts {
		got = append(got, m.Dest)
	}
	if !slices.Equal(got, dests) {
		t.Errorf("mount destinations %v, want %v", got, dests)
	}
}

func TestPlanSysctls(t *testing.T) {
	cfg := planBase()
	cfg.Sysctl = map[string]string{
		"net.ipv4.ip_forward":               "1",
		"net/ipv4/conf/eth0.100/forwarding": "0",
		"kernel.shm_rmid_forced":            "1",
		"fs.mqueue.queues_max":              "",
		"net.core.somaxconn":                "4096",
	}
	p := mustPlan(t, cfg, PlanOptions{FifoFD: -1})
	want := []nsenter.Sysctl{
		{Key: "fs.mqueue.queues_max", Path: "sys/fs/mqueue/queues_max", Value: ""},
		{Key: "kernel.shm_rmid_forced", Path: "sys/kernel/shm_rmid_forced", Value: "1"},
		{Key: "net.core.somaxconn", Path: "sys/net/core/somaxconn", Value: "4096"},
		{Key: "net.ipv4.ip_forward", Path: "sys/net/ipv4/ip_forward", Value: "1"},
		{Key: "net/ipv4/conf/eth0.100/forwarding", Path: "sys/net/ipv4/conf/eth0.100/forwarding", Value: "0"},
	}
	if !reflect.DeepEqual(p.Sysctls, want) {
		t.Errorf("sysctls:\n got %+v\nwant %+v", p.Sysctls, want)
	}
	for _, s := range p.Sysctls {
		if path, err := sysctlPath(s.Key); err != nil || path != s.Path {
			t.Errorf("%s: path %q, sysctlPath gives %q, %v", s.Key, s.Path, path, err)
		}
	}
	if p := mustPlan(t, planBase(), PlanOptions{FifoFD: -1}); len(p.Sysctls) != 0 {
		t.Errorf("no sysctls configured, plan has %+v", p.Sysctls)
	}
}

func TestPlanKeyring(t *testing.T) {
	for _, tc := range []struct {
		id           string
		noNewKeyring bool
		want         string
	}{
		{"c1", false, "_ses.c1"},
		{"my-container_2", false, "_ses.my-container_2"},
		{"c1", true, ""},
	} {
		cfg := planBase()
		cfg.NoNewKeyring = tc.noNewKeyring
		if p := mustPlan(t, cfg, PlanOptions{ID: tc.id, FifoFD: -1}); p.Keyring != tc.want {
			t.Errorf("id %q, NoNewKeyring %v: keyring %q, want %q", tc.id, tc.noNewKeyring, p.Keyring, tc.want)
		}
	}
}

func TestPlanCgroupNS(t *testing.T) {
	for _, tc := range []struct {
		name string
		ns   []configs.Namespace
		want bool
	}{
		{"none", nil, false},
		{"new", []configs.Namespace{{Type: configs.NEWCGROUP}}, true},
		{"joined by path", []configs.Namespace{{Type: configs.NEWCGROUP, Path: "/proc/1/ns/cgroup"}}, false},
		{"other namespaces", []configs.Namespace{{Type: configs.NEWUTS}, {Type: configs.NEWNET}, {Type: configs.NEWIPC}}, false},
	} {
		cfg := planBase()
		cfg.Namespaces = append(cfg.Namespaces, tc.ns...)
		if p := mustPlan(t, cfg, PlanOptions{FifoFD: -1}); p.CgroupNS != tc.want {
			t.Errorf("%s: CgroupNS = %v, want %v", tc.name, p.CgroupNS, tc.want)
		}
	}
}

// Settings the plan copies from the config and the options.
func TestPlanSettings(t *testing.T) {
	cfg := planBase()
	cfg.Hostname, cfg.Domainname = "box", "example.org"
	cfg.Readonlyfs = true
	cfg.MaskPaths = []string{"/proc/kcore", "/sys/firmware"}
	cfg.ReadonlyPaths = []string{"/proc/sys"}
	cfg.RootPropagation = unix.MS_SLAVE | unix.MS_REC
	// Hooks the parent runs are fine.
	cfg.Hooks = configs.Hooks{configs.Prestart: {{Path: "/bin/true"}}, configs.CreateRuntime: {{Path: "/bin/true"}},
		configs.Poststart: {{Path: "/bin/true"}}, configs.Poststop: {{Path: "/bin/true"}}}
	for _, tc := range []struct {
		fifo  int
		hooks bool
	}{{-1, false}, {0, true}, {7, false}} {
		p := mustPlan(t, cfg, PlanOptions{ID: "x", FifoFD: tc.fifo, HasParentHooks: tc.hooks})
		if p.Rootfs != cfg.Rootfs || p.RootPropagation != unix.MS_SLAVE|unix.MS_REC ||
			p.Hostname != "box" || p.Domainname != "example.org" || !p.Readonly ||
			!slices.Equal(p.Masks, cfg.MaskPaths) || !slices.Equal(p.ReadonlyPaths, cfg.ReadonlyPaths) ||
			p.FifoFD != tc.fifo || p.Hooks != tc.hooks || p.DevReadonly {
			t.Errorf("fifo %d, hooks %v: plan %+v", tc.fifo, tc.hooks, p)
		}
	}
	p := mustPlan(t, planBase(), PlanOptions{FifoFD: -1})
	if p.Hostname != "" || p.Domainname != "" || p.Readonly || len(p.Masks) != 0 || len(p.ReadonlyPaths) != 0 ||
		len(p.Mounts) != 0 || !p.DevSetup || len(p.Devices) != 0 || p.RootPropagation != 0 {
		t.Errorf("base config: plan %+v", p)
	}
}

func TestPlanDevices(t *testing.T) {
	cfg := planBase()
	cfg.Devices = []*configs.Device{
		charDev("/dev/null", 1, 3),
		{DeviceRule: configs.DeviceRule{Type: configs.CharDevice, Major: 136, Minor: 0xfffff}, Path: "dev/pts/../ttyX",
			FileMode: os.ModeDevice | os.ModeCharDevice | 0o620, UID: 1000, GID: 5},
		{DeviceRule: configs.DeviceRule{Type: configs.BlockDevice, Major: 8, Minor: 16}, Path: "/dev/sdb", FileMode: 0o640},
		{DeviceRule: configs.DeviceRule{Type: configs.FifoDevice}, Path: "/run/fifo", FileMode: 0o600, UID: 1, GID: 2},
		{DeviceRule: configs.DeviceRule{Type: configs.CharDevice, Major: 0xffffffff, Minor: 0xffffffff}, Path: "/dev/big"},
	}
	p := mustPlan(t, cfg, PlanOptions{FifoFD: -1})
	want := []nsenter.Device{
		{Path: "/dev/null", Mode: unix.S_IFCHR | 0o666, Major: 1, Minor: 3},
		{Path: "/dev/ttyX", Mode: unix.S_IFCHR | 0o620, Major: 136, Minor: 0xfffff, UID: 1000, GID: 5},
		{Path: "/dev/sdb", Mode: unix.S_IFBLK | 0o640, Major: 8, Minor: 16},
		{Path: "/run/fifo", Mode: unix.S_IFIFO | 0o600, UID: 1, GID: 2},
		{Path: "/dev/big", Mode: unix.S_IFCHR | 0o666, Major: 0xffffffff, Minor: 0xffffffff},
	}
	if !p.DevSetup || !reflect.DeepEqual(p.Devices, want) {
		t.Errorf("DevSetup %v, devices:\n got %+v\nwant %+v", p.DevSetup, p.Devices, want)
	}
	for i, d := range cfg.Devices {
		if mode, err := deviceMode(d); err != nil || mode != p.Devices[i].Mode {
			t.Errorf("%s: mode %#o, deviceMode gives %#o, %v", d.Path, p.Devices[i].Mode, mode, err)
		}
	}
}

// A cgroup mount is preceded by one wait for the cgroup, however many
// cgroup mounts there are. The expansion of each one depends on the host's
// layout; with a cgroup namespace it is planned whatever the layout.
func TestPlanAwaitCgroup(t *testing.T) {
	if _, err := readCgroupLayout(); err != nil {
		t.Skipf("cannot read the cgroup layout: %v", err)
	}
	cfg := planBase()
	cfg.Namespaces = append(cfg.Namespaces, configs.Namespace{Type: configs.NEWCGROUP})
	cfg.Mounts = []*configs.Mount{
		{Source: "tmpfs", Destination: "/a", Device: "tmpfs"},
		{Source: "cgroup", Destination: "/sys/fs/cgroup", Device: "cgroup", Flags: unix.MS_NOSUID | unix.MS_RDONLY},
		{Source: "/src", Destination: "/b", Device: "bind", Flags: unix.MS_BIND},
		{Source: "cgroup2", Destination: "/c", Device: "cgroup2"},
	}
	p := mustPlan(t, cfg, PlanOptions{FifoFD: -1})
	if !p.CgroupNS {
		t.Error("CgroupNS not set")
	}
	if len(p.Mounts) < 5 {
		t.Fatalf("%d mount steps: %+v", len(p.Mounts), p.Mounts)
	}
	if m := p.Mounts[0]; m.Kind != nsenter.MountFS || m.Dest != "/a" {
		t.Errorf("step 0 is %+v, want the tmpfs on /a", m)
	}
	if p.Mounts[1].Kind != nsenter.MountAwaitCgroup {
		t.Errorf("step 1 is %+v, want the wait for the cgroup", p.Mounts[1])
	}
	awaits, bind := 0, -1
	for i, m := range p.Mounts {
		switch {
		case m.Kind == nsenter.MountAwaitCgroup:
			awaits++
		case m.Kind == nsenter.MountBind && m.Dest == "/b":
			bind = i
		}
	}
	if awaits != 1 {
		t.Errorf("%d waits for the cgroup, want 1: %+v", awaits, p.Mounts)
	}
	if bind < 3 {
		t.Fatalf("the bind on /b is step %d, want after the first cgroup mount's steps: %+v", bind, p.Mounts)
	}
	// Steps of the first cgroup mount, between the wait and the bind.
	for _, m := range p.Mounts[2:bind] {
		if m.Dest != "/sys/fs/cgroup" && !strings.HasPrefix(m.Dest, "/sys/fs/cgroup/") {
			t.Errorf("step %+v of the cgroup mount on /sys/fs/cgroup", m)
		}
	}
	// The cgroup2 mount: one cgroup2 filesystem (in a cgroup namespace).
	want := nsenter.MountOp{Kind: nsenter.MountFS, Source: "cgroup2", Dest: "/c", FSType: "cgroup2"}
	if rest := p.Mounts[bind+1:]; len(rest) != 1 || !reflect.DeepEqual(rest[0], want) {
		t.Errorf("steps of the cgroup2 mount:\n got %+v\nwant [%+v]", rest, want)
	}
}

// planCgroup with hand-made layouts: v1, hybrid and unified hosts, with and
// without a cgroup namespace.
func TestPlanCgroup(t *testing.T) {
	const (
		fsFlags = unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC
		mFlags  = fsFlags | unix.MS_RELATIME
		dest    = "/sys/fs/cgroup"
		// The bind of a cgroup directory for mFlags|MS_RDONLY: relatime
		// sets MOUNT_ATTR_RELATIME (0) within MOUNT_ATTR__ATIME.
		roAttrs = unix.MOUNT_ATTR_RDONLY | unix.MOUNT_ATTR_NOSUID | unix.MOUNT_ATTR_NODEV | unix.MOUNT_ATTR_NOEXEC | unix.MOUNT_ATTR_RELATIME
		rwAttrs = unix.MOUNT_ATTR_NOSUID | unix.MOUNT_ATTR_NODEV | unix.MOUNT_ATTR_NOEXEC | unix.MOUNT_ATTR_RELATIME
	)
	hybrid := &cgroupLayout{Hierarchies: []cgroupHierarchy{
		{Name: "cpu,cpuacct", Keys: []string{"cpu", "cpuacct"}, Data: "cpu,cpuacct"},
		{Name: "memory", Keys: []string{"memory"}, Data: "memory"},
		{Name: "systemd", Keys: []string{"name=systemd", "systemd", "systemd"}, Data: "name=systemd"},
		{Name: "net_cls,net_prio", Keys: []string{"net_cls", "net_prio"}, Data: "net_cls,net_prio"},
		{Name: "unified", V2: true, Keys: []string{"", "unified"}},
	}}
	v1 := &cgroupLayout{Hierarchies: []cgroupHierarchy{
		{Name: "memory", Keys: []string{"memory"}, Data: "memory"},
	}}
	unified := &cgroupLayout{Unified: true}
	roMount := &configs.Mount{Source: "cgroup", Destination: dest, Device: "cgroup", Flags: mFlags | unix.MS_RDONLY}
	rwMount := &configs.Mount{Source: "cgroup", Destination: dest, Device: "cgroup", Flags: mFlags,
		PropagationFlags: []int{unix.MS_SLAVE | unix.MS_REC}, RecAttr: &configs.MountAttr{Set: unix.MOUNT_ATTR_NOSYMFOLLOW}}
	cg2Mount := &configs.Mount{Destination: dest, Device: "cgroup2", Flags: mFlags | unix.MS_RDONLY}
	paths := map[string]string{
		"cpuacct":  "/sys/fs/cgroup/cpu,cpuacct/c1", // the second key of cpu,cpuacct
		"memory":   "/sys/fs/cgroup/memory/c1",
		"net_prio": "/sys/fs/cgroup/net_cls,net_prio/c1",
		"":         "/sys/fs/cgroup/unified/c1",
	}
	tmpfs := nsenter.MountOp{Kind: nsenter.MountFS, Source: "tmpfs", Dest: dest, FSType: "tmpfs", Data: "mode=755", Flags: fsFlags}
	roBind := func(src, d string) nsenter.MountOp {
		return nsenter.MountOp{Kind: nsenter.MountBind, Source: src, Dest: d, AttrSet: roAttrs,
			AttrClr: unix.MOUNT_ATTR__ATIME, Recursive: true}
	}
	cgfs := func(name, data string, flags uint32) nsenter.MountOp {
		return nsenter.MountOp{Kind: nsenter.MountFS, Source: "cgroup", Dest: dest + "/" + name, FSType: "cgroup", Data: data, Flags: flags}
	}
	links := func(name string, names ...string) nsenter.MountOp {
		return nsenter.MountOp{Kind: nsenter.MountSymlinks, Dest: dest, Target: name, Names: names}
	}
	readonly := nsenter.MountOp{Kind: nsenter.MountReadonly, Dest: dest}
	roFS := uint32(mFlags | unix.MS_RDONLY)

	for _, tc := range []struct {
		name     string
		m        *configs.Mount
		layout   *cgroupLayout
		cgroupns bool
		paths    map[string]string
		want     []nsenter.MountOp // nil: declined
	}{
		{
			name: "v1 without cgroupns binds the paths", m: roMount, layout: hybrid, paths: paths,
			want: []nsenter.MountOp{
				tmpfs,
				roBind("/sys/fs/cgroup/cpu,cpuacct/c1", dest+"/cpu,cpuacct"),
				links("cpu,cpuacct", "cpu", "cpuacct"),
				roBind("/sys/fs/cgroup/memory/c1", dest+"/memory"),
				// systemd: no path, skipped
				roBind("/sys/fs/cgroup/net_cls,net_prio/c1", dest+"/net_cls,net_prio"),
				links("net_cls,net_prio", "net_cls", "net_prio"),
				roBind("/sys/fs/cgroup/unified/c1", dest+"/unified"),
				readonly,
			},
		},
		{
			name: "v1 without cgroupns: named hierarchy by name=", m: roMount, layout: hybrid,
			paths: map[string]string{"name=systemd": "/sys/fs/cgroup/systemd/c1", "memory": ""},
			want:  []nsenter.MountOp{tmpfs, roBind("/sys/fs/cgroup/systemd/c1", dest+"/systemd"), readonly},
		},
		{
			name: "v1 without cgroupns and without paths", m: roMount, layout: hybrid,
			want: []nsenter.MountOp{tmpfs, readonly},
		},
		{
			name: "v1 without cgroupns, rw, propagation and recursive attributes", m: rwMount, layout: v1, paths: paths,
			want: []nsenter.MountOp{
				{Kind: nsenter.MountFS, Source: "tmpfs", Dest: dest, FSType: "tmpfs", Data: "mode=755", Flags: fsFlags,
					Propagation: []uint32{unix.MS_SLAVE | unix.MS_REC}},
				{Kind: nsenter.MountBind, Source: "/sys/fs/cgroup/memory/c1", Dest: dest + "/memory", AttrSet: rwAttrs,
					AttrClr: unix.MOUNT_ATTR__ATIME, Recursive: true, HasRec: true, RecSet: unix.MOUNT_ATTR_NOSYMFOLLOW,
					Propagation: []uint32{unix.MS_SLAVE | unix.MS_REC}},
			},
		},
		{
			name: "v1 with cgroupns mounts each hierarchy", m: roMount, layout: hybrid, cgroupns: true, paths: paths,
			want: []nsenter.MountOp{
				tmpfs,
				cgfs("cpu,cpuacct", "cpu,cpuacct", roFS),
				links("cpu,cpuacct", "cpu", "cpuacct"),
				cgfs("memory", "memory", roFS),
				cgfs("systemd", "name=systemd", roFS),
				cgfs("net_cls,net_prio", "net_cls,net_prio", roFS),
				links("net_cls,net_prio", "net_cls", "net_prio"),
				{Kind: nsenter.MountFS, Source: "cgroup2", Dest: dest + "/unified", FSType: "cgroup2", Flags: roFS},
				readonly,
			},
		},
		{
			name: "v1 with cgroupns, rw", m: rwMount, layout: v1, cgroupns: true,
			want: []nsenter.MountOp{
				{Kind: nsenter.MountFS, Source: "tmpfs", Dest: dest, FSType: "tmpfs", Data: "mode=755", Flags: fsFlags,
					Propagation: []uint32{unix.MS_SLAVE | unix.MS_REC}},
				{Kind: nsenter.MountFS, Source: "cgroup", Dest: dest + "/memory", FSType: "cgroup", Data: "memory",
					Flags: mFlags, Propagation: []uint32{unix.MS_SLAVE | unix.MS_REC}},
			},
		},
		{
			name: "unified with cgroupns mounts cgroup2", m: roMount, layout: unified, cgroupns: true, paths: paths,
			want: []nsenter.MountOp{{Kind: nsenter.MountFS, Source: "cgroup", Dest: dest, FSType: "cgroup2", Flags: roFS}},
		},
		{
			name: "unified with cgroupns, no source", m: cg2Mount, layout: unified, cgroupns: true,
			want: []nsenter.MountOp{{Kind: nsenter.MountFS, Source: "cgroup2", Dest: dest, FSType: "cgroup2", Flags: roFS}},
		},
		{
			name: "unified without cgroupns binds the path", m: roMount, layout: unified, paths: paths,
			want: []nsenter.MountOp{roBind("/sys/fs/cgroup/unified/c1", dest)},
		},
		{
			name: "unified without cgroupns, recursive attributes kept", m: rwMount, layout: unified, paths: paths,
			want: []nsenter.MountOp{{Kind: nsenter.MountBind, Source: "/sys/fs/cgroup/unified/c1", Dest: dest,
				AttrSet: rwAttrs, AttrClr: unix.MOUNT_ATTR__ATIME, Recursive: true, HasRec: true,
				RecSet: unix.MOUNT_ATTR_NOSYMFOLLOW, Propagation: []uint32{unix.MS_SLAVE | unix.MS_REC}}},
		},
		{
			name: "unified without cgroupns and without a path", m: roMount, layout: unified,
			paths: map[string]string{"memory": "/sys/fs/cgroup/memory/c1", "unified": "/x"},
		},
		{
			name: "unified without cgroupns, nil paths", m: roMount, layout: unified,
		},
		{
			name: "cgroup2 asked on a v1 host, with cgroupns", m: cg2Mount, layout: hybrid, cgroupns: true, paths: paths,
			want: []nsenter.MountOp{{Kind: nsenter.MountFS, Source: "cgroup2", Dest: dest, FSType: "cgroup2", Flags: roFS}},
		},
		{
			name: "cgroup2 asked on a v1 host, with a path", m: cg2Mount, layout: v1, paths: paths,
			want: []nsenter.MountOp{roBind("/sys/fs/cgroup/unified/c1", dest)},
		},
		{
			name: "cgroup2 asked on a v1 host, without cgroupns or path", m: cg2Mount, layout: v1,
			paths: map[string]string{"memory": "/sys/fs/cgroup/memory/c1"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			orig := *tc.m
			got, ok := planCgroup(tc.m, dest, tc.layout, tc.cgroupns, tc.paths)
			if tc.want == nil {
				if ok || got != nil {
					t.Errorf("planCgroup = %+v, %v; want nil, false", got, ok)
				}
				return
			}
			if !ok {
				t.Fatal("planCgroup declined")
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("steps:\n got %+v\nwant %+v", got, tc.want)
				for i := range max(len(got), len(tc.want)) {
					if i >= len(got) || i >= len(tc.want) || !reflect.DeepEqual(got[i], tc.want[i]) {
						t.Logf("first difference at step %d", i)
						break
					}
				}
			}
			if !reflect.DeepEqual(*tc.m, orig) {
				t.Errorf("planCgroup changed the mount: %+v", *tc.m)
			}
		})
	}
}

// A cgroup namespace joined by path is still a cgroup namespace for the
// cgroup mount: the plan mounts cgroup2 (as mountCgroup does), it does not
// bind the container's directory; and it does not unshare a new one.
func TestPlanCgroupMountInJoinedNS(t *testing.T) {
	cfg := planBase()
	cfg.Namespaces = append(cfg.Namespaces, configs.Namespace{Type: configs.NEWCGROUP, Path: "/proc/1/ns/cgroup"})
	cfg.Mounts = append(cfg.Mounts, &configs.Mount{Source: "cgroup", Destination: "/sys/fs/cgroup", Device: "cgroup2"})
	p := mustPlan(t, cfg, PlanOptions{FifoFD: -1, CgroupPaths: map[string]string{"": "/sys/fs/cgroup/c1"}})
	if p.CgroupNS {
		t.Error("CgroupNS set for a joined cgroup namespace")
	}
	var kinds []nsenter.MountKind
	for _, m := range p.Mounts {
		kinds = append(kinds, m.Kind)
		if m.Kind == nsenter.MountBind {
			t.Errorf("the cgroup mount became a bind of %s", m.Source)
		}
	}
	last := p.Mounts[len(p.Mounts)-1]
	if last.Kind != nsenter.MountFS || last.FSType != "cgroup2" || last.Dest != "/sys/fs/cgroup" {
		t.Errorf("last step %+v, want a cgroup2 mount on /sys/fs/cgroup (steps %v)", last, kinds)
	}
}
