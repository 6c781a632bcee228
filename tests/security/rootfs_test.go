package security

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// symlinkInRootfs replaces rootfs/<name> (a directory or nothing) by a
// symlink to target.
func (e *env) symlinkInRootfs(name, target string) {
	e.t.Helper()
	p := filepath.Join(e.rootfs, name)
	must(e.t, os.RemoveAll(p))
	must(e.t, os.MkdirAll(filepath.Dir(p), 0o755))
	must(e.t, os.Symlink(target, p))
}

// victim creates an empty host directory under host/ (part of the canary:
// nothing may appear in it, nothing may be mounted on it).
func (e *env) victim(name string) string {
	e.t.Helper()
	p := filepath.Join(e.host, name)
	must(e.t, os.MkdirAll(p, 0o755))
	return p
}

// upToRoot is a relative path from rootfs/<one level> up to the host's /.
func (e *env) upToRoot() string {
	n := strings.Count(strings.Trim(e.rootfs, "/"), "/") + 2
	return strings.Repeat("../", n)
}

// withoutDevMounts drops every mount on /dev and below.
func (e *env) withoutDevMounts() {
	var ms []specs.Mount
	for _, m := range e.spec.Mounts {
		d := filepath.Clean(m.Destination)
		if d != "/dev" && !strings.HasPrefix(d, "/dev/") {
			ms = append(ms, m)
		}
	}
	e.spec.Mounts = ms
}

// CVE-2019-16884, CVE-2019-19921, CVE-2023-27561: a rootfs whose /proc is a
// symlink made runc mount procfs somewhere else (and AppArmor/LSM writes to
// /proc/self/attr went to a fake file). The runtime must refuse it.
func TestCVE_2019_16884_ProcSymlink(t *testing.T) {
	t.Parallel()
	for _, v := range []struct{ name, target string }{
		{"absolute-host-path", "HOST/victim"},
		{"relative-escape", "UP/HOST/victim"},
		{"tmp-inside", "/tmp"},
	} {
		v := v
		t.Run(v.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, "sh", "-c", "echo PWNED > /proc/self/attr/current; ls /proc")
			e.victim("victim")
			target := strings.NewReplacer("UP/", e.upToRoot(), "HOST", e.host).Replace(v.target)
			e.symlinkInRootfs("proc", target)
			e.writeConfig()
			expectRefused(t, e.rt("run", "--bundle", e.bundle, e.id), "/proc")
		})
	}
}

// The same for /sys (CVE-2019-19921 class: sysfs on a symlinked path).
func TestCVE_2019_19921_SysSymlink(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "ls", "/sys")
	e.victim("victim")
	e.symlinkInRootfs("sys", filepath.Join(e.host, "victim"))
	e.writeConfig()
	expectRefused(t, e.rt("run", "--bundle", e.bundle, e.id), "/sys")
}

// CVE-2019-19921 / CVE-2023-27561: mounts over /proc paths other than the
// lxcfs-style allow-list (here a host file over procfs control files, which
// would turn the container's writes into host writes, or hide what the
// runtime writes) must be refused, however the destination is spelled.
func TestCVE_2019_19921_MountOverProcPaths(t *testing.T) {
	t.Parallel()
	for _, v := range []struct {
		name, dest, link string
		tmpfs            bool
	}{
		{name: "core_pattern", dest: "/proc/sys/kernel/core_pattern"},
		{name: "attr-current", dest: "/proc/self/attr/current"},
		{name: "attr-exec", dest: "/proc/self/attr/exec"},
		{name: "sysrq-trigger", dest: "/proc/sysrq-trigger"},
		{name: "dotdot", dest: "/proc/../proc/./sys/kernel/core_pattern"},
		{name: "via-symlink", dest: "/p/sys/kernel/core_pattern", link: "/proc"},
		{name: "via-relative-symlink", dest: "/etc/p/sys/kernel/core_pattern", link: "../proc"},
		{name: "tmpfs-on-proc-sys", dest: "/proc/sys", tmpfs: true},
	} {
		v := v
		t.Run(v.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, "sh", "-c", "echo PWNED > /proc/sys/kernel/core_pattern; echo PWNED > /proc/self/attr/current")
			if v.link != "" {
				e.symlinkInRootfs(strings.TrimSuffix(strings.TrimSuffix(v.dest, "/sys/kernel/core_pattern"), "/"), v.link)
			}
			m := specs.Mount{Destination: v.dest, Type: "bind", Source: filepath.Join(e.canary, "secret"), Options: []string{"bind", "rw"}}
			if v.tmpfs {
				m = specs.Mount{Destination: v.dest, Type: "tmpfs", Source: "tmpfs"}
			}
			e.spec.Mounts = append(e.spec.Mounts, m)
			e.writeConfig()
			expectRefused(t, e.rt("run", "--bundle", e.bundle, e.id), "proc")
		})
	}
}

// CVE-2026-41579 class: a rootfs whose /dev is a symlink, before
// pivot_root: devices, /dev links and the console would be created wherever
// it points. Refused, with or without a tmpfs mounted on /dev.
func TestCVE_2026_41579_DevSymlink(t *testing.T) {
	t.Parallel()
	for _, v := range []struct {
		name    string
		devTmpf bool
		target  string
	}{
		{"tmpfs-dev-absolute", true, "HOST/victim"},
		{"no-dev-mount-absolute", false, "HOST/victim"},
		{"no-dev-mount-relative", false, "UP/HOST/victim"},
	} {
		v := v
		t.Run(v.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, "sh", "-c", "ls -l /dev; echo PWNED > /dev/null")
			e.victim("victim")
			if !v.devTmpf {
				e.withoutDevMounts()
			}
			e.symlinkInRootfs("dev", strings.NewReplacer("UP/", e.upToRoot(), "HOST", e.host).Replace(v.target))
			e.writeConfig()
			expectRefused(t, e.rt("run", "--bundle", e.bundle, e.id), "/dev")
		})
	}
}

// CVE-2021-30465 / CVE-2024-45310, static form: mount destinations that
// reach outside the rootfs through symlinks, existing or dangling, absolute
// or relative. The mounts may be refused or land inside the rootfs; nothing
// may be created, changed or mounted on the host.
func TestCVE_2021_30465_MountDestThroughSymlink(t *testing.T) {
	t.Parallel()
	for _, v := range []struct {
		name, link, target, dest, typ string
	}{
		{"bind-on-abs-dotdot", "data", "/../../../../HOST/canary", "/data", "bind"},
		{"bind-on-relative", "data", "UP/HOST/canary", "/data", "bind"},
		{"tmpfs-on-dangling", "data", "HOST/newdir", "/data", "tmpfs"},
		{"tmpfs-under-symlinked-parent", "lnk", "HOST", "/lnk/made/deep", "tmpfs"},
		{"file-bind-on-secret", "etc/hostname", "HOST/canary/secret", "/etc/hostname", "bind-file"},
	} {
		v := v
		t.Run(v.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, "sh", "-c", "ls /data /lnk/made; echo PWNED > /etc/hostname; touch /data/PWNED /lnk/made/deep/PWNED")
			vol := e.hostDir("vol")
			must(t, os.WriteFile(filepath.Join(vol, "from-volume"), []byte("volume\n"), 0o644))
			e.symlinkInRootfs(v.link, strings.NewReplacer("UP/", e.upToRoot(), "HOST", e.host).Replace(v.target))
			var m specs.Mount
			switch v.typ {
			case "bind":
				m = specs.Mount{Destination: v.dest, Type: "bind", Source: vol, Options: []string{"rbind", "rw"}}
			case "bind-file":
				m = specs.Mount{Destination: v.dest, Type: "bind", Source: filepath.Join(vol, "from-volume"), Options: []string{"bind", "rw"}}
			default:
				m = specs.Mount{Destination: v.dest, Type: "tmpfs", Source: "tmpfs"}
			}
			e.spec.Mounts = append(e.spec.Mounts, m)
			e.writeConfig()
			r := e.rt("run", "--bundle", e.bundle, e.id)
			checkNoCrash(t, r)
			t.Logf("outcome: %s", r)
		})
	}
}

// CVE-2025-31133: maskedPaths bind the rootfs's /dev/null over the masked
// files. If the container controls /dev/null (a symlink to a host file, or
// a regular file), the runtime bound that instead, read-write: writes to a
// "masked" path then reached the host. Masking must use a node verified to
// be char 1:3, or fail.
func TestCVE_2025_31133_MaskedPathsDevNull(t *testing.T) {
	t.Parallel()
	script := "echo PWNED > /etc/masked; echo PWNED > /dev/null; cat /etc/masked; echo ran"
	for _, v := range []string{"rootfs-dev-symlink", "bind-dev-symlink", "bind-dev-regular-file"} {
		v := v
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, "sh", "-c", script)
			must(t, os.WriteFile(filepath.Join(e.rootfs, "etc", "masked"), []byte("masked content\n"), 0o644))
			e.spec.Linux.MaskedPaths = append(e.spec.Linux.MaskedPaths, "/etc/masked")
			secret := filepath.Join(e.canary, "secret")
			var devNull string
			switch v {
			case "rootfs-dev-symlink":
				e.withoutDevMounts()
				e.symlinkInRootfs("dev/null", secret)
			default:
				devdir := e.hostDir("devdir")
				devNull = filepath.Join(devdir, "null")
				if v == "bind-dev-symlink" {
					must(t, os.Symlink(secret, devNull))
				} else {
					must(t, os.WriteFile(devNull, []byte("not a device\n"), 0o666))
				}
				e.withoutDevMounts()
				e.spec.Mounts = append(e.spec.Mounts, specs.Mount{Destination: "/dev", Type: "bind", Source: devdir, Options: []string{"rbind", "rw"}})
			}
			e.writeConfig()
			r := e.rt("run", "--bundle", e.bundle, e.id)
			checkNoCrash(t, r)
			if v == "bind-dev-regular-file" {
				if b, _ := os.ReadFile(devNull); string(b) != "not a device\n" {
					t.Errorf("VULNERABLE: the container wrote through a masked path into the host file %s: %q", devNull, b)
				}
			}
			if r.code == 0 && strings.Contains(r.stdout, "PWNED") {
				t.Errorf("VULNERABLE: the masked path kept what the container wrote: %s", r)
			}
			if v != "rootfs-dev-symlink" && r.code == 0 {
				t.Errorf("masking with a /dev/null that is not char 1:3 should be refused: %s", r)
			}
			t.Logf("outcome: %s", r)
		})
	}
}

// CVE-2025-52881: writes the runtime makes to procfs (sysctls,
// /proc/self/oom_score_adj, /proc/self/attr/*) redirected by a mount the
// config places over them. Refused, or written only to the real procfs:
// the host file mounted there must not change.
func TestCVE_2025_52881_RedirectedProcWrites(t *testing.T) {
	t.Parallel()
	for _, v := range []struct {
		name, dest string
		src        string
		sysctl     map[string]string
		oom        bool
		refuse     bool
	}{
		{name: "sysctl-ns_last_pid-over-allowlisted", dest: "/proc/sys/kernel/ns_last_pid",
			sysctl: map[string]string{"kernel.ns_last_pid": "4242"}},
		{name: "sysctl-hostname-file", dest: "/proc/sys/kernel/hostname",
			sysctl: map[string]string{"kernel.hostname": "pwned"}, refuse: true},
		{name: "oom_score_adj", dest: "/proc/self/oom_score_adj", oom: true, refuse: true},
		{name: "attr-exec", dest: "/proc/self/attr/exec", refuse: true},
		{name: "procfs-subdir-bound-over-proc", dest: "/proc", src: "/proc/sys/kernel",
			sysctl: map[string]string{"net.ipv4.ip_forward": "1"}, refuse: true},
		{name: "sysctl-key-traversal", sysctl: map[string]string{"net/../../../../../../../../HOST/canary/secret": "pwned"}, refuse: true},
	} {
		v := v
		t.Run(v.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, "sh", "-c", "cat /proc/sys/kernel/ns_last_pid /proc/self/oom_score_adj")
			if v.dest != "" {
				src := filepath.Join(e.canary, "secret")
				if v.src != "" {
					src = v.src
				}
				e.spec.Mounts = append(e.spec.Mounts, specs.Mount{Destination: v.dest, Type: "bind",
					Source: src, Options: []string{"rbind", "rw"}})
			}
			if v.sysctl != nil {
				e.spec.Linux.Sysctl = map[string]string{}
				for k, val := range v.sysctl {
					e.spec.Linux.Sysctl[strings.ReplaceAll(k, "HOST", strings.TrimPrefix(e.host, "/"))] = val
				}
			}
			if v.oom {
				adj := 500
				e.spec.Process.OOMScoreAdj = &adj
			}
			e.writeConfig()
			r := e.rt("run", "--bundle", e.bundle, e.id)
			checkNoCrash(t, r)
			if v.refuse && r.code == 0 {
				t.Errorf("should be refused: %s", r)
			}
			t.Logf("outcome: %s", r)
		})
	}
}
