package integration

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// runOut runs the container in the foreground and returns its stdout,
// failing the test unless it exits 0.
func (e *env) runOut() string {
	e.t.Helper()
	r := e.rt("run", "--bundle", e.bundle, e.id)
	mustOK(e.t, r)
	return r.stdout
}

func TestNamespaces(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sh", "-c", `for f in /proc/self/ns/*; do echo "${f##*/} $(readlink $f)"; done; echo "pid=$$"`)
	// New: pid, network, ipc, uts, mount, cgroup. Not configured: user and
	// time, which must stay the host's.
	e.spec.Linux.Namespaces = []specs.LinuxNamespace{
		{Type: specs.PIDNamespace}, {Type: specs.NetworkNamespace}, {Type: specs.IPCNamespace},
		{Type: specs.UTSNamespace}, {Type: specs.MountNamespace}, {Type: specs.CgroupNamespace},
	}
	e.writeConfig()
	out := e.runOut()

	host := nsLinks(t)
	got := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if v, ok := strings.CutPrefix(line, "pid="); ok {
			if v != "1" {
				t.Errorf("container shell pid = %s, want 1 (new pid namespace)", v)
			}
			continue
		}
		f := strings.Fields(line)
		if len(f) != 2 {
			t.Fatalf("unexpected line %q in:\n%s", line, out)
		}
		got[f[0]] = f[1]
	}
	if !strings.Contains(out, "pid=") {
		t.Errorf("no pid line in:\n%s", out)
	}
	// Configured: new. Not configured (user, time): the host's.
	for _, ns := range []string{"cgroup", "ipc", "mnt", "net", "pid", "uts"} {
		if got[ns] == "" {
			t.Errorf("container has no %s namespace link:\n%s", ns, out)
		} else if got[ns] == host[ns] {
			t.Errorf("%s namespace is the host's (%s)", ns, got[ns])
		}
	}
	for _, ns := range []string{"user", "time"} {
		if host[ns] != "" && got[ns] != host[ns] {
			t.Errorf("%s namespace %s differs from the host's %s though not configured", ns, got[ns], host[ns])
		}
	}
}

func TestHostname(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "hostname")
	e.spec.Hostname = "oirt-host"
	e.writeConfig()
	if got := strings.TrimSpace(e.runOut()); got != "oirt-host" {
		t.Errorf("hostname = %q, want oirt-host", got)
	}
	if h, _ := os.Hostname(); h == "oirt-host" {
		t.Errorf("the host's hostname was changed")
	}
}

type mountEntry struct {
	point, opts, fstype, super string
}

func parseMountinfo(t *testing.T, s string) map[string]mountEntry {
	t.Helper()
	m := map[string]mountEntry{}
	for _, line := range strings.Split(strings.TrimSpace(s), "\n") {
		pre, post, ok := strings.Cut(line, " - ")
		if !ok {
			t.Fatalf("bad mountinfo line %q", line)
		}
		a, b := strings.Fields(pre), strings.Fields(post)
		if len(a) < 6 || len(b) < 3 {
			t.Fatalf("bad mountinfo line %q", line)
		}
		m[a[4]] = mountEntry{point: a[4], opts: a[5], fstype: b[0], super: b[2]} // last mount on a point wins
	}
	return m
}

func hasOpt(opts, o string) bool { return slices.Contains(strings.Split(opts, ","), o) }

func TestMounts(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "cat", "/proc/self/mountinfo")
	out := e.runOut()
	m := parseMountinfo(t, out)
	want := map[string]string{
		"/proc":       "proc",
		"/sys":        "sysfs",
		"/dev":        "tmpfs",
		"/dev/pts":    "devpts",
		"/dev/mqueue": "mqueue",
		"/dev/shm":    "tmpfs",
	}
	for point, fstype := range want {
		me, ok := m[point]
		if !ok {
			t.Errorf("no mount at %s in:\n%s", point, out)
			continue
		}
		if me.fstype != fstype {
			t.Errorf("%s is %s, want %s", point, me.fstype, fstype)
		}
	}
	if me, ok := m["/sys"]; ok && !hasOpt(me.opts, "ro") {
		t.Errorf("/sys mounted %s, want ro", me.opts)
	}
	if _, ok := m["/"]; !ok {
		t.Errorf("no root mount in:\n%s", out)
	}
	// Nothing of the host's mount table beyond what was configured.
	for p := range m {
		if strings.HasPrefix(p, "/tmp/") || strings.HasPrefix(p, e.bundle) {
			t.Errorf("host path %s visible as a mount in the container", p)
		}
	}
}

func TestMaskedAndReadonlyPaths(t *testing.T) {
	t.Parallel()
	// /proc/kcore is the classic masked path, but kernels without
	// CONFIG_PROC_KCORE (this machine's) lack it: check every candidate
	// that the host has with content, and require at least one.
	var masked []string
	for _, p := range []string{"/proc/kcore", "/proc/timer_list"} {
		f, err := os.Open(p)
		if err != nil {
			continue
		}
		n, _ := f.Read(make([]byte, 1))
		f.Close()
		if n > 0 {
			masked = append(masked, p)
		}
	}
	if len(masked) == 0 {
		t.Fatalf("cannot test masking: neither /proc/kcore nor /proc/timer_list is readable with content on the host")
	}
	script := ""
	for _, p := range masked {
		script += fmt.Sprintf("echo \"%s=$(wc -c < %s)\"\n", p, p)
	}
	script += `if echo oirt > /proc/sys/kernel/domainname; then echo WROTE; else echo REFUSED; fi
cat /proc/self/mountinfo`
	e := newEnv(t, "sh", "-c", script)
	for _, p := range masked {
		if !slices.Contains(e.spec.Linux.MaskedPaths, p) {
			e.spec.Linux.MaskedPaths = append(e.spec.Linux.MaskedPaths, p)
		}
	}
	if !slices.Contains(e.spec.Linux.ReadonlyPaths, "/proc/sys") {
		e.spec.Linux.ReadonlyPaths = append(e.spec.Linux.ReadonlyPaths, "/proc/sys")
	}
	e.writeConfig()
	r := e.rt("run", "--bundle", e.bundle, e.id)
	mustOK(t, r)
	lines := strings.Split(r.stdout, "\n")
	if len(lines) < len(masked)+2 {
		t.Fatalf("short output: %s", r)
	}
	for i, p := range masked {
		if lines[i] != p+"=0" {
			t.Errorf("%s not masked: got %q, want 0 bytes: %s", p, lines[i], r)
		}
	}
	if lines[len(masked)] != "REFUSED" {
		t.Errorf("/proc/sys was writable: %s", r)
	}
	if !strings.Contains(r.stderr, "Read-only file system") {
		t.Errorf("write to /proc/sys should fail with EROFS: %s", r)
	}
	m := parseMountinfo(t, strings.Join(lines[len(masked)+1:], "\n"))
	if me, ok := m["/proc/sys"]; !ok || !hasOpt(me.opts, "ro") {
		t.Errorf("/proc/sys not a read-only mount: %s", r)
	}
	for _, p := range masked {
		if _, ok := m[p]; !ok {
			t.Errorf("no mount over masked %s: %s", p, r)
		}
	}
}

func TestCapabilities(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "grep", "-E", "^(Cap|NoNewPrivs)", "/proc/self/status")
	set := []string{"CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_AUDIT_WRITE"}
	e.spec.Process.Capabilities = &specs.LinuxCapabilities{
		Bounding:  set,
		Effective: set,
		Permitted: set,
	}
	e.spec.Process.NoNewPrivileges = true
	e.writeConfig()
	out := e.runOut()
	want := fmt.Sprintf("%016x", capMask(t, set))
	for field, w := range map[string]string{
		"CapInh": "0000000000000000",
		"CapAmb": "0000000000000000",
		"CapBnd": want,
		"CapPrm": want,
		"CapEff": want,
	} {
		got, ok := procStatusField(out, field)
		if !ok {
			t.Errorf("%s missing from:\n%s", field, out)
		} else if got != w {
			t.Errorf("%s = %s, want %s", field, got, w)
		}
	}
	if v, _ := procStatusField(out, "NoNewPrivs"); v != "1" {
		t.Errorf("NoNewPrivs = %q, want 1", v)
	}
}

func TestRlimitNofile(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sh", "-c", "ulimit -n; ulimit -Hn")
	e.spec.Process.Rlimits = []specs.POSIXRlimit{{Type: "RLIMIT_NOFILE", Hard: 1000, Soft: 1000}}
	e.writeConfig()
	if got := e.runOut(); got != "1000\n1000\n" {
		t.Errorf("ulimit -n, -Hn = %q, want 1000 twice", got)
	}
}

// runc: fails against runc 1.1.5, whose message ("error setting rlimit type
// 7: operation not permitted") does not name RLIMIT_NOFILE.
func TestRlimitAboveHardLimitFails(t *testing.T) {
	t.Parallel()
	var lim unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	if lim.Max == unix.RLIM_INFINITY {
		t.Fatalf("cannot test: the hard RLIMIT_NOFILE is unlimited here, nothing is above it")
	}
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	eff, _ := procStatusField(string(status), "CapEff")
	if v, err := strconv.ParseUint(eff, 16, 64); err != nil || v&(1<<capBits["CAP_SYS_RESOURCE"]) != 0 {
		t.Fatalf("cannot test: this process has CAP_SYS_RESOURCE (CapEff %s), so raising the hard limit is allowed", eff)
	}
	e := newEnv(t, "true")
	e.spec.Process.Rlimits = []specs.POSIXRlimit{{Type: "RLIMIT_NOFILE", Hard: lim.Max + 1000, Soft: lim.Max + 1000}}
	e.writeConfig()
	r := e.rt("run", "--bundle", e.bundle, e.id)
	expectError(t, r, "RLIMIT_NOFILE")
}

func TestUser(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "id")
	e.spec.Process.User = specs.User{UID: 1000, GID: 1000, AdditionalGids: []uint32{10, 2000}}
	e.writeConfig()
	out := strings.TrimSpace(e.runOut())
	f := strings.Fields(out)
	if len(f) < 3 || f[0] != "uid=1000" || f[1] != "gid=1000" || !strings.HasPrefix(f[2], "groups=") {
		t.Fatalf("id = %q, want uid=1000 gid=1000 groups=...", out)
	}
	groups := strings.Split(strings.TrimPrefix(f[2], "groups="), ",")
	for _, g := range []string{"10", "2000"} {
		if !slices.Contains(groups, g) {
			t.Errorf("groups %v lack additional gid %s (id: %q)", groups, g, out)
		}
	}
	for _, g := range groups {
		if g == "0" {
			t.Errorf("groups %v still hold root's group", groups)
		}
	}
}

func TestEnvAndCwd(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sh", "-c", `echo "var=$OIRT_VAR"; echo "cwd=$(pwd)"; env`)
	e.spec.Process.Env = []string{"PATH=/bin", "OIRT_VAR=hello world", "HOME=/work"}
	e.spec.Process.Cwd = "/work"
	e.writeConfig()
	out := e.runOut()
	if !strings.Contains(out, "var=hello world\n") {
		t.Errorf("OIRT_VAR not passed: %q", out)
	}
	if !strings.Contains(out, "cwd=/work\n") {
		t.Errorf("cwd not /work: %q", out)
	}
	// The environment is the configured one (plus what sh itself exports):
	// nothing of the test's or the runtime's own leaks in.
	allowed := map[string]bool{"PATH": true, "OIRT_VAR": true, "HOME": true, "PWD": true, "SHLVL": true, "OLDPWD": true}
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "var=") || strings.HasPrefix(line, "cwd=") || line == "" {
			continue
		}
		k, _, ok := strings.Cut(line, "=")
		if ok && !allowed[k] {
			t.Errorf("unexpected variable in the container: %q", line)
		}
	}
}
