package specconv

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/opencontainers/runtime-spec/specs-go"
	"github.com/opencontainers/runtime-spec/specs-go/features"

	"github.com/oci-run/oci-run/libcontainer/configs"
)

func TestFeatures(t *testing.T) {
	f := Features()
	if f.OCIVersionMin != "1.0.0" || f.OCIVersionMax != specs.Version {
		t.Errorf("versions %q..%q", f.OCIVersionMin, f.OCIVersionMax)
	}
	if !slices.Equal(f.Hooks, []string{"prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"}) {
		t.Errorf("hooks %v", f.Hooks)
	}
	if !slices.Equal(f.MountOptions, KnownMountOptions()) {
		t.Error("mount options differ from KnownMountOptions")
	}
	l := f.Linux
	for _, ns := range []string{"cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts"} {
		if !slices.Contains(l.Namespaces, ns) {
			t.Errorf("namespace %q missing", ns)
		}
	}
	if len(l.Capabilities) != 41 || !slices.Equal(l.Capabilities, configs.CapabilityNames()) {
		t.Errorf("%d capabilities", len(l.Capabilities))
	}
	flags := []struct {
		name string
		got  *bool
		want bool
	}{
		{"cgroup.v1", l.Cgroup.V1, true}, {"cgroup.v2", l.Cgroup.V2, true}, {"cgroup.systemd", l.Cgroup.Systemd, true},
		{"cgroup.systemdUser", l.Cgroup.SystemdUser, false}, {"cgroup.rdma", l.Cgroup.Rdma, true},
		{"seccomp", l.Seccomp.Enabled, true}, {"apparmor", l.Apparmor.Enabled, false}, {"selinux", l.Selinux.Enabled, false},
		{"intelRdt", l.IntelRdt.Enabled, false}, {"netDevices", l.NetDevices.Enabled, false},
		{"idmap", l.MountExtensions.IDMap.Enabled, true},
	}
	for _, fl := range flags {
		if fl.got == nil || *fl.got != fl.want {
			t.Errorf("%s = %v, want %v", fl.name, fl.got, fl.want)
		}
	}
	sc := l.Seccomp
	if !slices.Contains(sc.Actions, "SCMP_ACT_NOTIFY") || !slices.Contains(sc.Operators, "SCMP_CMP_MASKED_EQ") ||
		!slices.Contains(sc.Archs, "SCMP_ARCH_X86_64") || !slices.Contains(sc.KnownFlags, "SECCOMP_FILTER_FLAG_TSYNC") {
		t.Errorf("seccomp features %+v", sc)
	}
	for _, fl := range sc.SupportedFlags {
		if !slices.Contains(sc.KnownFlags, fl) {
			t.Errorf("seccomp supported flag %s not known", fl)
		}
	}
	if f.Annotations != nil {
		t.Errorf("annotations %v", f.Annotations)
	}
	// It must round-trip through the features schema types.
	data, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	var back features.Features
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
}

// Every namespace Features advertises must convert.
func TestFeaturesNamespacesConvert(t *testing.T) {
	for _, ns := range Features().Linux.Namespaces {
		if _, err := convertNamespaces([]specs.LinuxNamespace{{Type: specs.LinuxNamespaceType(ns)}}); err != nil {
			t.Errorf("%s: %v", ns, err)
		}
	}
}
