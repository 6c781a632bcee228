package libcontainer

import (
	"testing"
	"time"

	"github.com/opencontainers/runtime-spec/specs-go"

	"github.com/oci-run/oci-run/specconv"
)

// richSpec is `oci-run spec`'s spec with most of what a Config can hold
// set too: hooks, a user namespace with maps, resources of every
// controller, seccomp, personality, sysctls, annotations, devices and the
// process's scheduling and security settings. Some strings hold characters
// that encoding/json escapes.
func richSpec() *specs.Spec {
	s := specconv.Example()
	u16 := func(v uint16) *uint16 { return &v }
	u32 := func(v uint32) *uint32 { return &v }
	u64 := func(v uint64) *uint64 { return &v }
	i64 := func(v int64) *int64 { return &v }
	uint1 := uint(1)
	timeout, oom := 5, -500
	s.Annotations = map[string]string{
		"org.example/html": "<b>&amp;</b>",
		"org.example/uni":  "caf\u00e9 \u2028 line",
		"a":                "first",
	}
	s.Hooks = &specs.Hooks{
		CreateRuntime: []specs.Hook{{Path: "/usr/bin/net-setup", Args: []string{"net-setup", "--id=x"}, Timeout: &timeout}},
		Poststop:      []specs.Hook{{Path: "/usr/bin/cleanup", Env: []string{"A=1"}}},
	}
	s.Domainname = "example.org"
	s.Process.User = specs.User{UID: 1000, GID: 1000, AdditionalGids: []uint32{5, 10, 1000}, Umask: u32(0o22)}
	s.Process.OOMScoreAdj = &oom
	s.Process.ApparmorProfile = "oci-run-default"
	s.Process.SelinuxLabel = "system_u:system_r:container_t:s0:c1,c2"
	s.Process.IOPriority = &specs.LinuxIOPriority{Class: specs.IOPRIO_CLASS_BE, Priority: 4}
	s.Process.Scheduler = &specs.Scheduler{Policy: "SCHED_OTHER", Nice: -5}
	s.Process.Rlimits = append(s.Process.Rlimits, specs.POSIXRlimit{Type: "RLIMIT_NPROC", Hard: 4096, Soft: 2048})
	s.Process.Env = append(s.Process.Env, `QUOTE="a\b"`, "TAB=\t")
	s.Mounts = append(s.Mounts,
		specs.Mount{Destination: "/data", Type: "bind", Source: "/srv/data", Options: []string{"rbind", "rro", "nosuid"}},
		specs.Mount{Destination: "/run", Type: "tmpfs", Source: "tmpfs", Options: []string{"nosuid", "nodev", "mode=755"}})
	l := s.Linux
	l.Namespaces = append(l.Namespaces, specs.LinuxNamespace{Type: specs.UserNamespace})
	l.UIDMappings = []specs.LinuxIDMapping{{ContainerID: 0, HostID: 100000, Size: 65536}}
	l.GIDMappings = []specs.LinuxIDMapping{{ContainerID: 0, HostID: 100000, Size: 65536}}
	l.Sysctl = map[string]string{"net.ipv4.ip_forward": "1", "kernel.shm_rmid_forced": "1"}
	l.MountLabel = "system_u:object_r:container_file_t:s0"
	l.Devices = []specs.LinuxDevice{{Path: "/dev/fuse", Type: "c", Major: 10, Minor: 229, UID: u32(0), GID: u32(0)}}
	l.Personality = &specs.LinuxPersonality{Domain: specs.PerLinux}
	l.CgroupsPath = "/oci-run/rich"
	l.Resources.Memory = &specs.LinuxMemory{Limit: i64(512 << 20), Reservation: i64(256 << 20), Swap: i64(1 << 30), Swappiness: u64(10)}
	l.Resources.CPU = &specs.LinuxCPU{Shares: u64(512), Quota: i64(50000), Period: u64(100000), Cpus: "0-1", Mems: "0"}
	l.Resources.Pids = &specs.LinuxPids{Limit: i64(1024)}
	l.Resources.BlockIO = &specs.LinuxBlockIO{
		Weight:                u16(500),
		WeightDevice:          []specs.LinuxWeightDevice{{LinuxBlockIODevice: specs.LinuxBlockIODevice{Major: 8, Minor: 0}, Weight: u16(300)}},
		ThrottleReadBpsDevice: []specs.LinuxThrottleDevice{{LinuxBlockIODevice: specs.LinuxBlockIODevice{Major: 8, Minor: 0}, Rate: 1 << 20}},
	}
	l.Resources.HugepageLimits = []specs.LinuxHugepageLimit{{Pagesize: "2MB", Limit: 1 << 30}}
	l.Resources.Network = &specs.LinuxNetwork{ClassID: u32(0x100001), Priorities: []specs.LinuxInterfacePriority{{Name: "eth0", Priority: 5}}}
	l.Resources.Rdma = map[string]specs.LinuxRdma{"mlx5_1": {HcaHandles: u32(3), HcaObjects: u32(10000)}}
	l.Resources.Unified = map[string]string{"memory.high": "400M", "io.weight": "default 100"}
	l.Seccomp = &specs.LinuxSeccomp{
		DefaultAction:   specs.ActErrno,
		DefaultErrnoRet: &uint1,
		Architectures:   []specs.Arch{specs.ArchX86_64, specs.ArchX86, specs.ArchX32},
		Syscalls: []specs.LinuxSyscall{
			{Names: []string{"read", "write", "openat", "close", "exit_group"}, Action: specs.ActAllow},
			{Names: []string{"personality"}, Action: specs.ActAllow, Args: []specs.LinuxSeccompArg{{Index: 0, Value: 0xffffffff, Op: specs.OpEqualTo}}},
			{Names: []string{"clone"}, Action: specs.ActAllow, Args: []specs.LinuxSeccompArg{{Index: 0, Value: 0x7e020000, ValueTwo: 0, Op: specs.OpMaskedEqual}}},
		},
	}
	return s
}

// richState is the State create records for richSpec: converted by
// specconv as `oci-run run` does, with the init's pid, namespace paths
// and cgroup paths filled in.
func richState(tb testing.TB) *State {
	tb.Helper()
	cfg, err := specconv.ToConfig(richSpec(), specconv.Options{ID: "rich", BundleDir: "/var/lib/bundles/rich"})
	if err != nil {
		tb.Fatalf("specconv.ToConfig: %v", err)
	}
	const pid = 42817
	return &State{
		ID:             "rich",
		InitPid:        pid,
		InitStartTime:  123456789,
		Created:        time.Date(2025, 3, 4, 5, 6, 7, 890123456, time.FixedZone("CET", 3600)),
		Bundle:         bundleOf(cfg),
		Rootfs:         cfg.Rootfs,
		Annotations:    cfg.Annotations,
		Config:         cfg,
		NamespacePaths: namespacePaths(pid, cfg),
		CgroupPaths:    map[string]string{"": "/sys/fs/cgroup/oci-run/rich"},
	}
}
