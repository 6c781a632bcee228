package specconv

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/opencontainers/runtime-spec/specs-go"
)

// fuzzSeeds are specs that reach most conversion paths.
func fuzzSeeds() []*specs.Spec {
	example := Example()

	rootless := Example()
	ToRootless(rootless)

	rich := Example()
	rich.Linux.Namespaces = append(rich.Linux.Namespaces,
		specs.LinuxNamespace{Type: specs.UserNamespace}, specs.LinuxNamespace{Type: specs.TimeNamespace})
	rich.Linux.UIDMappings = []specs.LinuxIDMapping{{HostID: 100000, Size: 65536}}
	rich.Linux.GIDMappings = []specs.LinuxIDMapping{{HostID: 100000, Size: 65536}}
	rich.Linux.TimeOffsets = map[string]specs.LinuxTimeOffset{"monotonic": {Secs: 1}}
	rich.Linux.RootfsPropagation = "rslave"
	rich.Linux.Sysctl = map[string]string{"net.ipv4.ip_forward": "1", "kernel.shmmax": "1"}
	rich.Linux.Devices = []specs.LinuxDevice{{Path: "/dev/fuse", Type: "c", Major: 10, Minor: 229}}
	rich.Linux.Personality = &specs.LinuxPersonality{Domain: specs.PerLinux32}
	rich.Linux.CgroupsPath = "system.slice:oci-run:fuzz"
	rich.Linux.Seccomp = &specs.LinuxSeccomp{DefaultAction: specs.ActErrno,
		Syscalls: []specs.LinuxSyscall{{Names: []string{"read"}, Action: specs.ActAllow}}}
	rich.Linux.Resources.Memory = &specs.LinuxMemory{Limit: ptr(int64(1 << 20)), Swap: ptr(int64(2 << 20))}
	rich.Linux.Resources.CPU = &specs.LinuxCPU{Quota: ptr(int64(5000)), Period: ptr(uint64(10000)), Cpus: "0"}
	rich.Linux.Resources.Pids = &specs.LinuxPids{Limit: ptr(int64(0))}
	rich.Linux.Resources.Unified = map[string]string{"memory.high": "1M"}
	rich.Mounts = append(rich.Mounts,
		specs.Mount{Destination: "/data", Source: "data", Options: []string{"rbind", "ridmap", "rro", "rnoatime", "tmpcopyup"}})
	rich.Hooks = &specs.Hooks{Poststop: []specs.Hook{{Path: "/bin/true", Timeout: ptr(1)}}}
	rich.Process.Scheduler = &specs.Scheduler{Policy: specs.SchedOther}
	rich.Process.IOPriority = &specs.LinuxIOPriority{Class: specs.IOPRIO_CLASS_BE}
	rich.Process.ConsoleSize = &specs.Box{Width: 80, Height: 24}
	rich.Process.ExecCPUAffinity = &specs.CPUAffinity{Initial: "0", Final: "0-1"}

	return []*specs.Spec{example, rootless, rich, {}}
}

// FuzzSpecToConfig feeds arbitrary JSON through the whole pipeline: decode,
// convert (with both cgroup drivers) and validate. None of it may panic.
func FuzzSpecToConfig(f *testing.F) {
	for _, s := range fuzzSeeds() {
		data, err := json.Marshal(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, false)
		f.Add(data, true)
	}
	f.Add([]byte(`{"root":{"path":"r"},"mounts":[{"destination":"x","options":["idmap"]}]}`), false)
	f.Add([]byte(`{"linux":{"resources":{"devices":[{"type":"q"}]}}}`), true)
	// A real bundle with a rootfs lets Validate get past the rootfs check.
	bundle := f.TempDir()
	if err := os.Mkdir(filepath.Join(bundle, "rootfs"), 0o755); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte, systemd bool) {
		var spec specs.Spec
		if err := json.Unmarshal(data, &spec); err != nil {
			return
		}
		c, err := ToConfig(&spec, Options{ID: "fuzz", BundleDir: bundle, Systemd: systemd, Logger: discard()})
		if err != nil {
			return
		}
		_ = c.Validate()
	})
}

// The non-empty seeds are valid specs: they convert and validate.
func TestFuzzSeedsAreValid(t *testing.T) {
	seeds := fuzzSeeds()
	for i, s := range seeds[:len(seeds)-1] {
		for _, systemd := range []bool{false, true} {
			opts := testOptions(t)
			opts.Systemd = systemd
			c, err := ToConfig(s, opts)
			if err != nil {
				t.Fatalf("seed %d (systemd %v): %v", i, systemd, err)
			}
			if err := c.Validate(); err != nil {
				t.Errorf("seed %d (systemd %v): %v", i, systemd, err)
			}
		}
	}
}
