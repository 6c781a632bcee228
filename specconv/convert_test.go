package specconv

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/oci-run/oci-run/libcontainer/configs"
)

// baseSpec is a small valid spec whose rootfs exists in the bundle that
// testOptions names.
func baseSpec(t *testing.T) *specs.Spec {
	t.Helper()
	return &specs.Spec{
		Version: "1.0.2",
		Root:    &specs.Root{Path: "rootfs"},
		Process: &specs.Process{Args: []string{"sh"}, Cwd: "/"},
		Mounts:  []specs.Mount{{Destination: "/proc", Type: "proc", Source: "proc"}},
		Linux: &specs.Linux{
			Namespaces: []specs.LinuxNamespace{{Type: specs.MountNamespace}, {Type: specs.PIDNamespace}},
		},
	}
}

// testOptions returns Options for a fresh bundle with a rootfs directory.
func testOptions(t *testing.T) Options {
	t.Helper()
	bundle := t.TempDir()
	if err := os.Mkdir(filepath.Join(bundle, "rootfs"), 0o755); err != nil {
		t.Fatal(err)
	}
	return Options{ID: "ctr1", BundleDir: bundle}
}

func TestToConfigBasics(t *testing.T) {
	spec := baseSpec(t)
	spec.Root.Readonly = true
	spec.Hostname = "box"
	spec.Domainname = "example.org"
	spec.Annotations = map[string]string{"a": "b"}
	spec.Linux.Namespaces = append(spec.Linux.Namespaces, specs.LinuxNamespace{Type: specs.UTSNamespace})
	spec.Linux.Sysctl = map[string]string{"kernel.shmmax": "1"}
	spec.Linux.MaskedPaths = []string{"/proc/kcore"}
	spec.Linux.ReadonlyPaths = []string{"/proc/sys"}
	spec.Linux.MountLabel = "system_u:object_r:container_file_t:s0"
	opts := testOptions(t)
	opts.NoPivotRoot = true
	opts.NoNewKeyring = true

	c, err := ToConfig(spec, opts)
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"Version", c.Version, "1.0.2"},
		{"Rootfs", c.Rootfs, filepath.Join(opts.BundleDir, "rootfs")},
		{"Readonlyfs", c.Readonlyfs, true},
		{"NoPivotRoot", c.NoPivotRoot, true},
		{"NoNewKeyring", c.NoNewKeyring, true},
		{"Hostname", c.Hostname, "box"},
		{"Domainname", c.Domainname, "example.org"},
		{"Labels", c.Labels, []string{"bundle=" + opts.BundleDir}},
		{"Annotations", c.Annotations, map[string]string{"a": "b"}},
		{"Sysctl", c.Sysctl, map[string]string{"kernel.shmmax": "1"}},
		{"MaskPaths", c.MaskPaths, []string{"/proc/kcore"}},
		{"ReadonlyPaths", c.ReadonlyPaths, []string{"/proc/sys"}},
		{"MountLabel", c.MountLabel, "system_u:object_r:container_file_t:s0"},
		{"Namespaces", c.Namespaces, configs.Namespaces{{Type: configs.NEWNS}, {Type: configs.NEWPID}, {Type: configs.NEWUTS}}},
		{"RootPropagation", c.RootPropagation, 0},
		{"Hooks", c.Hooks, configs.Hooks(nil)},
		{"Seccomp", c.Seccomp, (*configs.Seccomp)(nil)},
	}
	for _, ch := range checks {
		if !reflect.DeepEqual(ch.got, ch.want) {
			t.Errorf("%s = %#v, want %#v", ch.name, ch.got, ch.want)
		}
	}
}

func TestToConfigDoesNotAliasTheSpec(t *testing.T) {
	spec := baseSpec(t)
	spec.Annotations = map[string]string{"a": "b"}
	spec.Linux.Sysctl = map[string]string{"net.x": "1"}
	spec.Linux.MaskedPaths = []string{"/a"}
	c, err := ToConfig(spec, testOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	spec.Annotations["a"] = "changed"
	spec.Linux.Sysctl["net.x"] = "changed"
	spec.Linux.MaskedPaths[0] = "/changed"
	spec.Process.Args[0] = "changed"
	if c.Annotations["a"] != "b" || c.Sysctl["net.x"] != "1" || c.MaskPaths[0] != "/a" || c.Process.Args[0] != "sh" {
		t.Error("the config shares memory with the spec")
	}
}

func TestToConfigRootfs(t *testing.T) {
	tests := []struct {
		root, bundle, want string
	}{
		{"rootfs", "/b", "/b/rootfs"},
		{"./x/../rootfs/", "/b", "/b/rootfs"},
		{"/abs/rootfs", "/b", "/abs/rootfs"},
	}
	for _, tc := range tests {
		spec := baseSpec(t)
		spec.Root.Path = tc.root
		c, err := ToConfig(spec, Options{ID: "x", BundleDir: tc.bundle})
		if err != nil {
			t.Fatal(err)
		}
		if c.Rootfs != tc.want {
			t.Errorf("root %q in %q: Rootfs = %q, want %q", tc.root, tc.bundle, c.Rootfs, tc.want)
		}
	}
}

func TestToConfigRelativeBundle(t *testing.T) {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	c, err := ToConfig(baseSpec(t), Options{ID: "x", BundleDir: "some/bundle"})
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(wd, "some/bundle/rootfs"); c.Rootfs != want {
		t.Errorf("Rootfs = %q, want %q", c.Rootfs, want)
	}
	c, err = ToConfig(baseSpec(t), Options{ID: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Labels[0] != "bundle="+wd {
		t.Errorf("empty BundleDir: labels %v, want the working directory", c.Labels)
	}
}

func TestRootPropagation(t *testing.T) {
	tests := map[string]int{
		"":            0,
		"shared":      unix.MS_SHARED,
		"rshared":     unix.MS_SHARED | unix.MS_REC,
		"slave":       unix.MS_SLAVE,
		"rslave":      unix.MS_SLAVE | unix.MS_REC,
		"private":     unix.MS_PRIVATE,
		"rprivate":    unix.MS_PRIVATE | unix.MS_REC,
		"unbindable":  unix.MS_UNBINDABLE,
		"runbindable": unix.MS_UNBINDABLE | unix.MS_REC,
	}
	for name, want := range tests {
		spec := baseSpec(t)
		spec.Linux.RootfsPropagation = name
		c, err := ToConfig(spec, testOptions(t))
		if err != nil {
			t.Fatalf("%q: %v", name, err)
		}
		if c.RootPropagation != want {
			t.Errorf("%q: RootPropagation = %#x, want %#x", name, c.RootPropagation, want)
		}
	}
}

func TestToConfigErrors(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*specs.Spec)
		field  string
		want   string
	}{
		{"no root", func(s *specs.Spec) { s.Root = nil }, "root", "must be set"},
		{"empty root path", func(s *specs.Spec) { s.Root.Path = "" }, "root.path", "must be set"},
		{"version 2", func(s *specs.Spec) { s.Version = "2.0.0" }, "ociVersion", "unsupported version"},
		{"intelRdt", func(s *specs.Spec) { s.Linux.IntelRdt = &specs.LinuxIntelRdt{ClosID: "x"} }, "linux.intelRdt", "not supported"},
		{"memoryPolicy", func(s *specs.Spec) { s.Linux.MemoryPolicy = &specs.LinuxMemoryPolicy{Mode: specs.MpolBind} }, "linux.memoryPolicy", "not supported"},
		{"netDevices", func(s *specs.Spec) { s.Linux.NetDevices = map[string]specs.LinuxNetDevice{"eth0": {}} }, "linux.netDevices", "not supported"},
		{"propagation", func(s *specs.Spec) { s.Linux.RootfsPropagation = "rwhatever" }, "linux.rootfsPropagation", "unknown propagation"},
		{"namespace type", func(s *specs.Spec) {
			s.Linux.Namespaces = append(s.Linux.Namespaces, specs.LinuxNamespace{Type: "foo"})
		}, "linux.namespaces[2].type", `"foo": unknown namespace type`},
		{"duplicate namespace", func(s *specs.Spec) {
			s.Linux.Namespaces = append(s.Linux.Namespaces, specs.LinuxNamespace{Type: specs.PIDNamespace, Path: "/proc/1/ns/pid"})
		}, "linux.namespaces[2].type", "more than once"},
		{"personality", func(s *specs.Spec) { s.Linux.Personality = &specs.LinuxPersonality{Domain: "BSD"} }, "linux.personality.domain", "unknown domain"},
		{"rlimit", func(s *specs.Spec) {
			s.Process.Rlimits = []specs.POSIXRlimit{{Type: "RLIMIT_NOFILE"}, {Type: "RLIMIT_BOGUS"}}
		}, "process.rlimits[1].type", `"RLIMIT_BOGUS": unknown rlimit`},
		{"console size", func(s *specs.Spec) { s.Process.ConsoleSize = &specs.Box{Width: 70000, Height: 1} }, "process.consoleSize", "65535"},
		{"device type", func(s *specs.Spec) { s.Linux.Devices = []specs.LinuxDevice{{Path: "/dev/x", Type: "z"}} }, "linux.devices[0].type", "unknown device type"},
		{"device path", func(s *specs.Spec) { s.Linux.Devices = []specs.LinuxDevice{{Type: "c", Major: 1, Minor: 1}} }, "linux.devices[0].path", "must be set"},
		{"device negative", func(s *specs.Spec) {
			s.Linux.Devices = []specs.LinuxDevice{{Path: "/dev/x", Type: "c", Major: -1, Minor: 1}}
		}, "linux.devices[0]", "must not be negative"},
		{"device rule type", func(s *specs.Spec) {
			s.Linux.Resources = &specs.LinuxResources{Devices: []specs.LinuxDeviceCgroup{{Type: "p", Access: "rwm"}}}
		}, "linux.resources.devices[0].type", "unknown device type"},
		{"device rule access", func(s *specs.Spec) {
			s.Linux.Resources = &specs.LinuxResources{Devices: []specs.LinuxDeviceCgroup{{Allow: true}}}
		}, "linux.resources.devices[0].access", "must be set"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			spec := baseSpec(t)
			tc.mutate(spec)
			_, err := ToConfig(spec, testOptions(t))
			var se *SpecError
			if !errors.As(err, &se) {
				t.Fatalf("want *SpecError, got %T: %v", err, err)
			}
			if se.Field != tc.field {
				t.Errorf("field = %q, want %q", se.Field, tc.field)
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "spec: "+tc.field) {
				t.Errorf("error %q: want prefix %q and %q", err, "spec: "+tc.field, tc.want)
			}
		})
	}
}

func TestToConfigArgumentErrors(t *testing.T) {
	if _, err := ToConfig(nil, Options{ID: "x"}); err == nil {
		t.Error("nil spec accepted")
	}
	if _, err := ToConfig(baseSpec(t), Options{}); err == nil || !strings.Contains(err.Error(), "id") {
		t.Errorf("missing id: %v", err)
	}
}

func TestToConfigWithoutLinuxOrProcess(t *testing.T) {
	spec := baseSpec(t)
	spec.Linux = nil
	spec.Process = nil
	c, err := ToConfig(spec, testOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	if c.Process != nil || len(c.Namespaces) != 0 {
		t.Errorf("unexpected process/namespaces: %+v %+v", c.Process, c.Namespaces)
	}
	if len(c.Devices) != 6 || c.Cgroups == nil || c.Cgroups.Path != "/ctr1" {
		t.Errorf("defaults missing: %d devices, cgroups %+v", len(c.Devices), c.Cgroups)
	}
	var ve *configs.ValidationError
	if err := c.Validate(); !errors.As(err, &ve) || ve.Field != "process" {
		t.Errorf("Validate: %v, want a missing process", err)
	}
}

func TestNamespacesAndMappings(t *testing.T) {
	spec := baseSpec(t)
	spec.Linux.Namespaces = []specs.LinuxNamespace{
		{Type: specs.UserNamespace}, {Type: specs.NetworkNamespace, Path: "/proc/1/ns/net"}, {Type: specs.TimeNamespace},
		{Type: specs.CgroupNamespace}, {Type: specs.IPCNamespace}, {Type: specs.UTSNamespace}, {Type: specs.MountNamespace}, {Type: specs.PIDNamespace},
	}
	spec.Linux.UIDMappings = []specs.LinuxIDMapping{{ContainerID: 0, HostID: 1000, Size: 1}, {ContainerID: 1, HostID: 100000, Size: 65535}}
	spec.Linux.GIDMappings = []specs.LinuxIDMapping{{ContainerID: 0, HostID: 1000, Size: 1}}
	spec.Linux.TimeOffsets = map[string]specs.LinuxTimeOffset{"monotonic": {Secs: 10, Nanosecs: 5}, "boottime": {Secs: -3}}
	c, err := ToConfig(spec, testOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	wantNS := configs.Namespaces{
		{Type: configs.NEWUSER}, {Type: configs.NEWNET, Path: "/proc/1/ns/net"}, {Type: configs.NEWTIME},
		{Type: configs.NEWCGROUP}, {Type: configs.NEWIPC}, {Type: configs.NEWUTS}, {Type: configs.NEWNS}, {Type: configs.NEWPID},
	}
	if !reflect.DeepEqual(c.Namespaces, wantNS) {
		t.Errorf("Namespaces = %+v", c.Namespaces)
	}
	wantUID := []configs.IDMap{{ContainerID: 0, HostID: 1000, Size: 1}, {ContainerID: 1, HostID: 100000, Size: 65535}}
	if !reflect.DeepEqual(c.UIDMappings, wantUID) || !reflect.DeepEqual(c.GIDMappings, []configs.IDMap{{HostID: 1000, Size: 1}}) {
		t.Errorf("mappings = %+v / %+v", c.UIDMappings, c.GIDMappings)
	}
	wantTime := map[string]configs.TimeOffset{"monotonic": {Secs: 10, Nanos: 5}, "boottime": {Secs: -3}}
	if !reflect.DeepEqual(c.TimeOffsets, wantTime) {
		t.Errorf("TimeOffsets = %+v", c.TimeOffsets)
	}
	if host, ok := c.HostUID(5); !ok || host != 100004 {
		t.Errorf("HostUID(5) = %d, %v", host, ok)
	}
}

func TestHooks(t *testing.T) {
	spec := baseSpec(t)
	ten := 10
	spec.Hooks = &specs.Hooks{
		Prestart:        []specs.Hook{{Path: "/bin/pre", Args: []string{"pre", "x"}, Env: []string{"A=1"}, Timeout: &ten}},
		CreateRuntime:   []specs.Hook{{Path: "/bin/cr1"}, {Path: "/bin/cr2"}},
		CreateContainer: []specs.Hook{{Path: "/bin/cc"}},
		StartContainer:  []specs.Hook{{Path: "/bin/sc"}},
		Poststart:       []specs.Hook{{Path: "/bin/ps"}},
		Poststop:        []specs.Hook{{Path: "/bin/pst"}},
	}
	c, err := ToConfig(spec, testOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	want := configs.Hooks{
		configs.Prestart:        {{Path: "/bin/pre", Args: []string{"pre", "x"}, Env: []string{"A=1"}, Timeout: &ten}},
		configs.CreateRuntime:   {{Path: "/bin/cr1"}, {Path: "/bin/cr2"}},
		configs.CreateContainer: {{Path: "/bin/cc"}},
		configs.StartContainer:  {{Path: "/bin/sc"}},
		configs.Poststart:       {{Path: "/bin/ps"}},
		configs.Poststop:        {{Path: "/bin/pst"}},
	}
	if !reflect.DeepEqual(c.Hooks, want) {
		t.Errorf("Hooks = %+v", c.Hooks)
	}
	ten = 99
	if *c.Hooks[configs.Prestart][0].Timeout != 10 {
		t.Error("hook timeout aliases the spec")
	}
	if got := convertHooks(&specs.Hooks{}); got != nil {
		t.Errorf("empty hooks: %+v, want nil", got)
	}
}

func TestSeccompCopied(t *testing.T) {
	errno := uint(1)
	spec := baseSpec(t)
	spec.Linux.Seccomp = &specs.LinuxSeccomp{
		DefaultAction:    specs.ActErrno,
		DefaultErrnoRet:  &errno,
		Architectures:    []specs.Arch{specs.ArchX86_64, specs.ArchX86},
		Flags:            []specs.LinuxSeccompFlag{specs.LinuxSeccompFlagLog},
		ListenerPath:     "/run/l.sock",
		ListenerMetadata: "meta",
		Syscalls: []specs.LinuxSyscall{
			{Names: []string{"read", "write"}, Action: specs.ActAllow},
			{Names: []string{"personality"}, Action: specs.ActAllow, ErrnoRet: &errno,
				Args: []specs.LinuxSeccompArg{{Index: 0, Value: 8, ValueTwo: 1, Op: specs.OpEqualTo}}},
		},
	}
	c, err := ToConfig(spec, testOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	want := &configs.Seccomp{
		DefaultAction:    "SCMP_ACT_ERRNO",
		DefaultErrnoRet:  &errno,
		Architectures:    []string{"SCMP_ARCH_X86_64", "SCMP_ARCH_X86"},
		Flags:            []string{"SECCOMP_FILTER_FLAG_LOG"},
		ListenerPath:     "/run/l.sock",
		ListenerMetadata: "meta",
		Syscalls: []*configs.SeccompSyscall{
			{Names: []string{"read", "write"}, Action: "SCMP_ACT_ALLOW"},
			{Names: []string{"personality"}, Action: "SCMP_ACT_ALLOW", ErrnoRet: &errno,
				Args: []*configs.SeccompArg{{Index: 0, Value: 8, ValueTwo: 1, Op: "SCMP_CMP_EQ"}}},
		},
	}
	if !reflect.DeepEqual(c.Seccomp, want) {
		t.Errorf("Seccomp = %+v", c.Seccomp)
	}
	// Empty flags stay distinguishable from absent ones.
	spec.Linux.Seccomp.Flags = []specs.LinuxSeccompFlag{}
	if s := convertSeccomp(spec.Linux.Seccomp); s.Flags == nil || len(s.Flags) != 0 {
		t.Errorf("explicit empty flags: %#v", s.Flags)
	}
	spec.Linux.Seccomp.Flags = nil
	if s := convertSeccomp(spec.Linux.Seccomp); s.Flags != nil {
		t.Errorf("absent flags: %#v", s.Flags)
	}
	if s := convertSeccomp(&specs.LinuxSeccomp{}); s != nil {
		t.Errorf("empty profile: %+v, want nil", s)
	}
}

func TestPersonality(t *testing.T) {
	tests := []struct {
		in   specs.LinuxPersonality
		want configs.Personality
	}{
		{specs.LinuxPersonality{Domain: specs.PerLinux}, configs.Personality{Domain: 0}},
		{specs.LinuxPersonality{Domain: specs.PerLinux32, Flags: []specs.LinuxPersonalityFlag{"ADDR_NO_RANDOMIZE"}},
			configs.Personality{Domain: 8, Flags: []string{"ADDR_NO_RANDOMIZE"}}},
	}
	for _, tc := range tests {
		got, err := convertPersonality(&tc.in)
		if err != nil || !reflect.DeepEqual(*got, tc.want) {
			t.Errorf("%+v: got %+v, %v", tc.in, got, err)
		}
	}
}
