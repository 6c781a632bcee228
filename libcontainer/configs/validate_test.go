package configs

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// validConfig returns a Config that passes Validate, rooted in a temporary
// directory.
func validConfig(t *testing.T) *Config {
	t.Helper()
	timeout := 5
	return &Config{
		Rootfs:     t.TempDir(),
		Hostname:   "box",
		Namespaces: Namespaces{{Type: NEWNS}, {Type: NEWUTS}, {Type: NEWIPC}, {Type: NEWPID}, {Type: NEWNET}},
		Mounts: []*Mount{
			{Source: "proc", Destination: "/proc", Device: "proc"},
			{Source: "/src", Destination: "/data", Device: "bind", Flags: unix.MS_BIND | unix.MS_REC},
		},
		Devices:       []*Device{{DeviceRule: DeviceRule{Type: CharDevice, Major: 1, Minor: 3}, Path: "/dev/null", FileMode: 0o666}},
		MaskPaths:     []string{"/proc/kcore"},
		ReadonlyPaths: []string{"/proc/sys"},
		Sysctl:        map[string]string{"net.ipv4.ip_forward": "1", "kernel.shmmax": "1000", "fs.mqueue.msg_max": "10"},
		Hooks:         Hooks{Prestart: {{Path: "/bin/true", Timeout: &timeout}}},
		Cgroups: &Cgroup{Path: "/oci-run/x", Resources: &Resources{
			Memory: 1 << 20, MemorySwap: 2 << 20, CPUPeriod: 100000, CPUQuota: 50000, PidsLimit: 10,
			Unified: map[string]string{"memory.high": "1M"},
			Devices: []*DeviceRule{{Type: AnyDevice, Major: Wildcard, Minor: Wildcard, Permissions: "rwm"}},
		}},
		Process: &Process{
			Args: []string{"sh"},
			Env:  []string{"PATH=/bin", "EMPTY="},
			Cwd:  "/",
			Capabilities: &Capabilities{
				Bounding: []string{"CAP_KILL", "CAP_CHECKPOINT_RESTORE"},
			},
			Rlimits:     []Rlimit{{Type: unix.RLIMIT_NOFILE, Name: "RLIMIT_NOFILE", Soft: 1024, Hard: 1024}},
			IOPriority:  &IOPriority{Class: "IOPRIO_CLASS_BE", Priority: 4},
			Scheduler:   &Scheduler{Policy: "SCHED_OTHER", Nice: 5},
			CPUAffinity: "0-1,3",
		},
	}
}

func TestValidateAcceptsValidConfig(t *testing.T) {
	if err := validConfig(t).Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestValidate(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		mutate func(c *Config)
		field  string // expected ValidationError.Field
		want   string // substring of the message
	}{
		// rootfs
		{"rootfs empty", func(c *Config) { c.Rootfs = "" }, "rootfs", "must be set"},
		{"rootfs relative", func(c *Config) { c.Rootfs = "rootfs" }, "rootfs", `"rootfs": must be an absolute path`},
		{"rootfs missing", func(c *Config) { c.Rootfs = "/nonexistent/rootfs" }, "rootfs", "no such file"},
		{"rootfs file", func(c *Config) { c.Rootfs = file }, "rootfs", "must be a directory"},
		{"private root without pivot", func(c *Config) { c.NoPivotRoot = true; c.RootPropagation = unix.MS_PRIVATE | unix.MS_REC }, "rootPropagation", "not safe"},
		{"bad root propagation", func(c *Config) { c.RootPropagation = unix.MS_BIND }, "rootPropagation", "must be one of"},
		// process
		{"no process", func(c *Config) { c.Process = nil }, "process", "must be set"},
		{"no args", func(c *Config) { c.Process.Args = nil }, "process.args", "must not be empty"},
		{"nul in args", func(c *Config) { c.Process.Args = []string{"a\x00b"} }, "process.args[0]", "NUL"},
		{"no cwd", func(c *Config) { c.Process.Cwd = "" }, "process.cwd", "must be set"},
		{"relative cwd", func(c *Config) { c.Process.Cwd = "home" }, "process.cwd", "absolute"},
		{"bad env", func(c *Config) { c.Process.Env = []string{"PATH=/bin", "NOEQUALS"} }, "process.env[1]", "NAME=VALUE"},
		{"rlimit soft above hard", func(c *Config) { c.Process.Rlimits[0].Soft = 2048 }, "process.rlimits[0]", "soft limit 2048 is above hard limit 1024"},
		{"rlimit duplicate", func(c *Config) {
			c.Process.Rlimits = append(c.Process.Rlimits, Rlimit{Type: unix.RLIMIT_NOFILE, Soft: 1, Hard: 1})
		}, "process.rlimits[1]", `"RLIMIT_NOFILE": is set more than once`},
		{"rlimit unknown", func(c *Config) { c.Process.Rlimits[0].Type = 99 }, "process.rlimits[0]", "unknown resource number 99"},
		{"unknown capability", func(c *Config) {
			c.Process.Capabilities.Ambient = []string{"CAP_KILL", "CAP_FLY"}
		}, "process.capabilities.ambient[1]", `"CAP_FLY": unknown capability`},
		{"lower case capability", func(c *Config) {
			c.Process.Capabilities.Effective = []string{"cap_kill"}
		}, "process.capabilities.effective[0]", "unknown capability"},
		{"ioprio class", func(c *Config) { c.Process.IOPriority.Class = "IOPRIO_CLASS_X" }, "process.ioPriority.class", "unknown"},
		{"ioprio level", func(c *Config) { c.Process.IOPriority.Priority = 8 }, "process.ioPriority.priority", "between 0 and 7"},
		{"sched policy", func(c *Config) { c.Process.Scheduler.Policy = "SCHED_FAST" }, "process.scheduler.policy", "unknown"},
		{"sched nice", func(c *Config) { c.Process.Scheduler.Nice = 20 }, "process.scheduler.nice", "between -20 and 19"},
		{"sched deadline params", func(c *Config) { c.Process.Scheduler.Runtime = 10 }, "process.scheduler", "only valid with SCHED_DEADLINE"},
		{"sched flag", func(c *Config) { c.Process.Scheduler.Flags = []string{"SCHED_FLAG_X"} }, "process.scheduler.flags[0]", "unknown"},
		{"cpu affinity", func(c *Config) { c.Process.CPUAffinity = "0-x" }, "process.cpuAffinity", "not a cpu list"},
		{"cpu affinity reversed", func(c *Config) { c.Process.CPUAffinity = "3-1" }, "process.cpuAffinity", "ends before it starts"},
		// namespaces
		{"unknown namespace", func(c *Config) { c.Namespaces = append(c.Namespaces, Namespace{Type: "foo"}) }, "namespaces[5].type", "unknown namespace type"},
		{"duplicate namespace", func(c *Config) { c.Namespaces = append(c.Namespaces, Namespace{Type: NEWPID}) }, "namespaces[5].type", "more than once"},
		{"relative ns path", func(c *Config) { c.Namespaces[3].Path = "proc/1/ns/pid" }, "namespaces[3].path", "absolute"},
		{"missing ns path", func(c *Config) { c.Namespaces[3].Path = "/proc/999999999/ns/pid" }, "namespaces[3].path", "cannot be joined"},
		{"userns without mappings", func(c *Config) { c.Namespaces = append(c.Namespaces, Namespace{Type: NEWUSER}) }, "uidMappings", "needs uid mappings"},
		{"userns without gid mappings", func(c *Config) {
			c.Namespaces = append(c.Namespaces, Namespace{Type: NEWUSER})
			c.UIDMappings = []IDMap{{ContainerID: 0, HostID: 1000, Size: 1}}
		}, "gidMappings", "needs gid mappings"},
		{"mappings without userns", func(c *Config) { c.UIDMappings = []IDMap{{HostID: 1000, Size: 1}} }, "uidMappings", "without a user namespace"},
		{"gid mappings without userns", func(c *Config) { c.GIDMappings = []IDMap{{HostID: 1000, Size: 1}} }, "gidMappings", "without a user namespace"},
		{"zero size mapping", func(c *Config) {
			c.Namespaces = append(c.Namespaces, Namespace{Type: NEWUSER})
			c.UIDMappings = []IDMap{{HostID: 1000, Size: 0}}
			c.GIDMappings = []IDMap{{HostID: 1000, Size: 1}}
		}, "uidMappings[0]", "size must be positive"},
		{"mapping past 32 bits", func(c *Config) {
			c.Namespaces = append(c.Namespaces, Namespace{Type: NEWUSER})
			c.UIDMappings = []IDMap{{HostID: 1000, Size: 1}}
			c.GIDMappings = []IDMap{{HostID: 1 << 32, Size: 1}}
		}, "gidMappings[0]", "largest id"},
		{"hostname without uts", func(c *Config) { c.Namespaces = c.Namespaces[:1] }, "hostname", "without a UTS namespace"},
		{"domainname without uts", func(c *Config) {
			c.Namespaces = c.Namespaces[:1]
			c.Hostname = ""
			c.Domainname = "example.org"
			c.Sysctl = nil
		}, "domainname", "without a UTS namespace"},
		{"time offsets without timens", func(c *Config) {
			c.TimeOffsets = map[string]TimeOffset{"monotonic": {Secs: 1}}
		}, "timeOffsets", "without a time namespace"},
		{"time offsets with joined timens", func(c *Config) {
			c.Namespaces = append(c.Namespaces, Namespace{Type: NEWTIME, Path: "/proc/self/ns/time"})
			c.TimeOffsets = map[string]TimeOffset{"monotonic": {Secs: 1}}
		}, "timeOffsets", "joined time namespace"},
		{"time offsets unknown clock", func(c *Config) {
			c.Namespaces = append(c.Namespaces, Namespace{Type: NEWTIME})
			c.TimeOffsets = map[string]TimeOffset{"realtime": {Secs: 1}}
		}, "timeOffsets", "unknown clock"},
		// mounts and paths
		{"relative mount destination", func(c *Config) { c.Mounts[1].Destination = "tmp" }, "mounts[1].destination", `"tmp": must be an absolute path`},
		{"dotdot mount destination", func(c *Config) { c.Mounts[1].Destination = "/a/../../etc" }, "mounts[1].destination", `".."`},
		{"empty mount destination", func(c *Config) { c.Mounts[0].Destination = "" }, "mounts[0].destination", "must be set"},
		{"nil mount", func(c *Config) { c.Mounts[0] = nil }, "mounts[0]", "null"},
		{"idmap on non-bind", func(c *Config) { c.Mounts[0].UIDMappings = []IDMap{{Size: 1}} }, "mounts[0]", "must be bind mounts"},
		{"idmap recursive without maps", func(c *Config) { c.Mounts[1].IDMapRecursive = true }, "mounts[1]", "no id mappings"},
		{"idmap without gid", func(c *Config) { c.Mounts[1].UIDMappings = []IDMap{{Size: 1}} }, "mounts[1]", "both uid and gid"},
		{"device relative", func(c *Config) { c.Devices[0].Path = "dev/null" }, "devices[0].path", "absolute"},
		{"device type", func(c *Config) { c.Devices[0].Type = AnyDevice }, "devices[0].type", "must be 'c', 'b' or 'p'"},
		{"masked relative", func(c *Config) { c.MaskPaths = []string{"proc/kcore"} }, "maskPaths[0]", "absolute"},
		{"readonly relative", func(c *Config) { c.ReadonlyPaths = []string{"/proc/sys", "sys"} }, "readonlyPaths[1]", "absolute"},
		{"hook relative", func(c *Config) { c.Hooks[Poststop] = []Hook{{Path: "true"}} }, "hooks.poststop[0].path", "absolute"},
		{"hook timeout", func(c *Config) { z := 0; c.Hooks[Prestart][0].Timeout = &z }, "hooks.prestart[0].timeout", "positive"},
		{"hook point", func(c *Config) { c.Hooks["preboot"] = []Hook{{Path: "/bin/true"}} }, "hooks", "unknown hook point"},
		// sysctl
		{"net sysctl without netns", func(c *Config) { c.Namespaces = c.Namespaces[:4] }, "sysctl", `"net.ipv4.ip_forward": needs a network namespace`},
		{"net sysctl in host netns", func(c *Config) { c.Namespaces[4].Path = "/proc/self/ns/net" }, "sysctl", "is the host's"},
		{"ipc sysctl without ipcns", func(c *Config) { c.Namespaces = append(c.Namespaces[:2], c.Namespaces[3:]...) }, "sysctl", `"fs.mqueue.msg_max": needs an IPC namespace`},
		{"kernel.hostname", func(c *Config) { c.Sysctl["kernel.hostname"] = "x" }, "sysctl", "use the hostname field"},
		{"kernel.domainname", func(c *Config) { c.Sysctl["kernel/domainname"] = "x" }, "sysctl", "use the domainname field"},
		{"global sysctl", func(c *Config) { c.Sysctl["vm.swappiness"] = "1" }, "sysctl", `"vm.swappiness": is not namespaced`},
		{"slash sysctl", func(c *Config) {
			c.Namespaces = c.Namespaces[:4]
			c.Sysctl = map[string]string{"net/core/somaxconn": "1"}
		}, "sysctl", "needs a network namespace"},
		// cgroups
		{"cgroup dotdot", func(c *Config) { c.Cgroups.Path = "../escape" }, "cgroups.path", `".."`},
		{"systemd without name", func(c *Config) { c.Cgroups.Systemd = true; c.Cgroups.Parent = "system.slice" }, "cgroups.name", "must be set"},
		{"systemd bad parent", func(c *Config) { c.Cgroups.Systemd = true; c.Cgroups.Parent = "system"; c.Cgroups.Name = "x" }, "cgroups.parent", ".slice"},
		{"swap below memory", func(c *Config) { c.Cgroups.Resources.MemorySwap = 1 << 19 }, "cgroups.resources.memorySwap", "must not be below"},
		{"memory negative", func(c *Config) { c.Cgroups.Resources.Memory = -2 }, "cgroups.resources.memory", "-1, 0 or positive"},
		{"swappiness", func(c *Config) { v := uint64(101); c.Cgroups.Resources.MemorySwappiness = &v }, "cgroups.resources.memorySwappiness", "0 and 100"},
		{"cpu period low", func(c *Config) { c.Cgroups.Resources.CPUPeriod = 999 }, "cgroups.resources.cpuPeriod", "between 1000 and 1000000"},
		{"cpu period high", func(c *Config) { c.Cgroups.Resources.CPUPeriod = 1000001 }, "cgroups.resources.cpuPeriod", "between"},
		{"cpu quota", func(c *Config) { c.Cgroups.Resources.CPUQuota = 10 }, "cgroups.resources.cpuQuota", "at least 1000"},
		{"cpu idle", func(c *Config) { v := int64(2); c.Cgroups.Resources.CPUIdle = &v }, "cgroups.resources.cpuIdle", "0 or 1"},
		{"cpuset", func(c *Config) { c.Cgroups.Resources.CpusetCpus = "a" }, "cgroups.resources.cpusetCpus", "cpu list"},
		{"pids", func(c *Config) { c.Cgroups.Resources.PidsLimit = -5 }, "cgroups.resources.pidsLimit", "-1, 0 or positive"},
		{"unified slash", func(c *Config) { c.Cgroups.Resources.Unified["../memory.max"] = "1" }, "cgroups.resources.unified", `without "/" or ".."`},
		{"unified dotdot", func(c *Config) { c.Cgroups.Resources.Unified["..memory.max"] = "1" }, "cgroups.resources.unified", `".."`},
		{"device rule perms", func(c *Config) { c.Cgroups.Resources.Devices[0].Permissions = "rx" }, "cgroups.resources.devices[0].permissions", "subset"},
		{"device rule type", func(c *Config) { c.Cgroups.Resources.Devices[0].Type = FifoDevice }, "cgroups.resources.devices[0].type", "'a', 'b' or 'c'"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := validConfig(t)
			tc.mutate(c)
			err := c.Validate()
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("want *ValidationError, got %T: %v", err, err)
			}
			if ve.Field != tc.field {
				t.Errorf("field = %q, want %q (error: %v)", ve.Field, tc.field, err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
			if !strings.HasPrefix(err.Error(), "config: "+tc.field) {
				t.Errorf("error %q does not start with the field", err)
			}
		})
	}
}

func TestValidationErrorFormat(t *testing.T) {
	e := &ValidationError{Field: "mounts[3].destination", Value: "tmp", Msg: "must be an absolute path"}
	if got, want := e.Error(), `config: mounts[3].destination "tmp": must be an absolute path`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	e = &ValidationError{Field: "rootfs", Value: "/x", Msg: "cannot be used", Err: fs.ErrNotExist}
	if !errors.Is(e, fs.ErrNotExist) {
		t.Error("Unwrap does not expose the cause")
	}
	if got, want := e.Error(), `config: rootfs "/x": cannot be used: file does not exist`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestValidateRootfsMissingIsNotExist(t *testing.T) {
	c := validConfig(t)
	c.Rootfs = filepath.Join(c.Rootfs, "missing")
	if err := c.Validate(); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("want an error wrapping fs.ErrNotExist, got %v", err)
	}
}

func TestValidateAcceptsUserNamespaceVariants(t *testing.T) {
	c := validConfig(t)
	c.Namespaces = append(c.Namespaces, Namespace{Type: NEWUSER})
	c.UIDMappings = []IDMap{{ContainerID: 0, HostID: 100000, Size: 65536}}
	c.GIDMappings = []IDMap{{ContainerID: 0, HostID: 100000, Size: 65536}}
	c.Mounts[1].UIDMappings = c.UIDMappings
	c.Mounts[1].GIDMappings = c.GIDMappings
	if err := c.Validate(); err != nil {
		t.Fatalf("new user namespace: %v", err)
	}
	// A joined user namespace may come with or without its mappings.
	c.Namespaces[len(c.Namespaces)-1].Path = "/proc/self/ns/user"
	if err := c.Validate(); err != nil {
		t.Fatalf("joined user namespace with mappings: %v", err)
	}
	c.UIDMappings, c.GIDMappings = nil, nil
	if err := c.Validate(); err != nil {
		t.Fatalf("joined user namespace without mappings: %v", err)
	}
}

func TestValidateAcceptsTimeNamespaceAndOptionalParts(t *testing.T) {
	c := validConfig(t)
	c.Namespaces = append(c.Namespaces, Namespace{Type: NEWTIME})
	c.TimeOffsets = map[string]TimeOffset{"monotonic": {Secs: 10}, "boottime": {Secs: -5, Nanos: 999999999}}
	c.Cgroups = nil
	c.Process.Capabilities = nil
	c.Process.Scheduler = &Scheduler{Policy: "SCHED_DEADLINE", Runtime: 1, Deadline: 2, Period: 3}
	c.Sysctl = map[string]string{"kernel.msgmax": "8192", "kernel.sem": "1 2 3 4", "net/ipv4/ip_forward": "1"}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
}
