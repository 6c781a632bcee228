package specconv

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/opencontainers/runtime-spec/specs-go"

	"github.com/oci-run/oci-run/libcontainer/configs"
)

func TestExample(t *testing.T) {
	s := Example()
	if s.Version != specs.Version || s.Hostname != "oci-run" || s.Root.Path != "rootfs" || !s.Root.Readonly {
		t.Errorf("header: %+v %+v", s.Version, s.Root)
	}
	p := s.Process
	if !p.Terminal || !reflect.DeepEqual(p.Args, []string{"sh"}) || p.Cwd != "/" || !p.NoNewPrivileges {
		t.Errorf("process: %+v", p)
	}
	wantEnv := []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"}
	if !reflect.DeepEqual(p.Env, wantEnv) {
		t.Errorf("env: %v", p.Env)
	}
	caps := []string{"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"}
	c := p.Capabilities
	if !reflect.DeepEqual(c.Bounding, caps) || !reflect.DeepEqual(c.Effective, caps) || !reflect.DeepEqual(c.Permitted, caps) ||
		c.Inheritable != nil || c.Ambient != nil {
		t.Errorf("capabilities: %+v", c)
	}
	c.Bounding[0] = "x"
	if c.Effective[0] != "CAP_AUDIT_WRITE" {
		t.Error("capability sets share memory")
	}
	if !reflect.DeepEqual(p.Rlimits, []specs.POSIXRlimit{{Type: "RLIMIT_NOFILE", Hard: 1024, Soft: 1024}}) {
		t.Errorf("rlimits: %+v", p.Rlimits)
	}
	var dests []string
	for _, m := range s.Mounts {
		dests = append(dests, m.Destination)
	}
	if !reflect.DeepEqual(dests, []string{"/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys", "/sys/fs/cgroup"}) {
		t.Errorf("mounts: %v", dests)
	}
	var ns []specs.LinuxNamespaceType
	for _, n := range s.Linux.Namespaces {
		ns = append(ns, n.Type)
	}
	if !reflect.DeepEqual(ns, []specs.LinuxNamespaceType{"pid", "network", "ipc", "uts", "mount", "cgroup"}) {
		t.Errorf("namespaces: %v", ns)
	}
	if !reflect.DeepEqual(s.Linux.Resources.Devices, []specs.LinuxDeviceCgroup{{Allow: false, Access: "rwm"}}) {
		t.Errorf("device rules: %+v", s.Linux.Resources.Devices)
	}
	if !slices.Contains(s.Linux.MaskedPaths, "/proc/kcore") || !slices.Contains(s.Linux.ReadonlyPaths, "/proc/sysrq-trigger") {
		t.Error("masked/readonly paths incomplete")
	}
}

func TestExampleRoundTripsAndValidates(t *testing.T) {
	data, err := json.MarshalIndent(Example(), "", "\t")
	if err != nil {
		t.Fatal(err)
	}
	bundle := t.TempDir()
	if err := os.Mkdir(filepath.Join(bundle, "rootfs"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bundle, ConfigFile), data, 0o600); err != nil {
		t.Fatal(err)
	}
	spec, err := LoadSpec(bundle)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(spec, Example()) {
		t.Error("Example does not survive a JSON round trip")
	}
	c, err := ToConfig(spec, Options{ID: "ex", BundleDir: bundle})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestToRootless(t *testing.T) {
	s := Example()
	s.Linux.Namespaces = append(s.Linux.Namespaces, specs.LinuxNamespace{Type: specs.UserNamespace, Path: "/x"})
	ToRootless(s)
	var ns []specs.LinuxNamespaceType
	for _, n := range s.Linux.Namespaces {
		ns = append(ns, n.Type)
		if n.Type == specs.UserNamespace && n.Path != "" {
			t.Error("kept the old user namespace path")
		}
	}
	if !reflect.DeepEqual(ns, []specs.LinuxNamespaceType{"pid", "ipc", "uts", "mount", "cgroup", "user"}) {
		t.Errorf("namespaces: %v", ns)
	}
	wantUID := []specs.LinuxIDMapping{{ContainerID: 0, HostID: uint32(os.Geteuid()), Size: 1}}
	wantGID := []specs.LinuxIDMapping{{ContainerID: 0, HostID: uint32(os.Getegid()), Size: 1}}
	if !reflect.DeepEqual(s.Linux.UIDMappings, wantUID) || !reflect.DeepEqual(s.Linux.GIDMappings, wantGID) {
		t.Errorf("mappings: %+v %+v", s.Linux.UIDMappings, s.Linux.GIDMappings)
	}
	if s.Linux.Resources != nil {
		t.Error("resources kept")
	}
	for _, m := range s.Mounts {
		switch m.Destination {
		case "/sys":
			if m.Source != "/sys" || !slices.Contains(m.Options, "rbind") || !slices.Contains(m.Options, "ro") {
				t.Errorf("/sys mount: %+v", m)
			}
		case "/dev/pts":
			if slices.Contains(m.Options, "gid=5") || !slices.Contains(m.Options, "newinstance") {
				t.Errorf("/dev/pts options: %v", m.Options)
			}
		}
	}

	bundle := testOptions(t)
	c, err := ToConfig(s, bundle)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatalf("rootless example does not validate: %v", err)
	}
	for _, m := range c.Mounts {
		if m.Destination == "/sys" && (m.Device != "bind" || m.Source != "/sys") {
			t.Errorf("/sys converted to %+v", m)
		}
	}
	if len(c.Cgroups.Resources.Devices) == 0 || c.Cgroups.Resources.Devices[0].Type != configs.CharDevice {
		t.Errorf("rootless rules should be just the defaults: %v", c.Cgroups.Resources.Devices[0])
	}
}

func TestToRootlessWithoutLinux(t *testing.T) {
	s := &specs.Spec{Mounts: []specs.Mount{{Destination: "/sys/", Type: "sysfs", Source: "sysfs"}}}
	ToRootless(s)
	if s.Linux == nil || len(s.Linux.Namespaces) != 1 || s.Mounts[0].Source != "/sys" {
		t.Errorf("got %+v / %+v", s.Linux, s.Mounts)
	}
}
