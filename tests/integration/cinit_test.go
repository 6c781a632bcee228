package integration

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// goInit makes the runtime use the Go init (libcontainer.EnvGoInit);
// cInit lets it use the C init even when the suite runs with goInit.
const (
	goInit = "OCIRUN_GO_INIT=1"
	cInit  = "OCIRUN_GO_INIT=0"
)

// initThreads creates the container and returns the thread count of its
// init while it waits to be started: 1 for the C init, more for the Go
// init (whose runtime starts threads of its own).
func (e *env) initThreads() int {
	e.t.Helper()
	mustOK(e.t, e.rt("create", e.id))
	st := e.mustState(e.id)
	status, err := os.ReadFile("/proc/" + strconv.Itoa(st.Pid) + "/status")
	if err != nil {
		e.t.Fatal(err)
	}
	v, ok := procStatusField(string(status), "Threads")
	if !ok {
		e.t.Fatalf("no Threads in the init's status:\n%s", status)
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		e.t.Fatal(err)
	}
	mustOK(e.t, e.rt("delete", "--force", e.id))
	return n
}

// The default config is set up by the C init (no Go runtime in the
// container's init); OCIRUN_GO_INIT=1 and a terminal select the Go init.
func TestCInitIsUsed(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "true")
	e.extraEnv = []string{cInit}
	if n := e.initThreads(); n != 1 {
		t.Errorf("the init of the default config has %d threads, want 1 (the C init)", n)
	}
	e.extraEnv = []string{goInit}
	e.id = newID()
	e.track(e.id)
	if n := e.initThreads(); n < 2 {
		t.Errorf("with %s the init has %d threads, want the Go init's several", goInit, n)
	}
}

// parityScript prints what the container sees of its setup, without what
// differs between two runs (mount ids, peer group numbers, times).
const parityScript = `
cut -d' ' -f4- /proc/self/mountinfo | sed -e 's/ shared:[0-9]*//' -e 's/ master:[0-9]*//'
ls -ln /dev /dev/custom | sed -e 's/[A-Z][a-z][a-z] [ 0-9][0-9] [0-9:]* //'
ls -ln /etc/hostfile /data /lnk/x | sed -e 's/[A-Z][a-z][a-z] [ 0-9][0-9] [0-9:]* //'
hostname
cat /proc/sys/kernel/domainname /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shm_rmid_forced
cat /proc/self/oom_score_adj
grep -E '^(Cap|NoNewPrivs|Seccomp)' /proc/self/status
ulimit -n
ulimit -Hn
id
pwd
echo HOME=$HOME
umask
echo masked-file: $(cat /etc/secret 2>&1)
echo masked-dir: $(ls /opt/hide)
touch /sys/x 2>&1 | head -1
touch /ro/x 2>&1 | head -1
echo x > /out/x && echo out writable
`

// The C init and the Go init set up a config that uses most of what the
// C init handles (bind, rbind and tmpfs mounts through symlinks and into
// missing directories, propagation, cgroup, devices in a sub-directory,
// sysctls, hostname and domainname, masked and read-only paths, a
// read-only root, rlimits, OOM score, capabilities, no_new_privs, a cwd)
// identically: the container sees the same mount table, devices, kernel
// parameters and identity.
func TestCInitParity(t *testing.T) {
	t.Parallel()
	var outs [2]string
	for i, mode := range []string{"c", "go"} {
		e := newEnv(t, "sh", "-c", parityScript)
		e.extraEnv = []string{cInit}
		if mode == "go" {
			e.extraEnv = []string{goInit}
		}
		host := filepath.Join(e.dir, "hostdata")
		must(t, os.MkdirAll(filepath.Join(host, "sub"), 0o755))
		must(t, os.WriteFile(filepath.Join(host, "file"), []byte("hello"), 0o644))
		must(t, os.MkdirAll(filepath.Join(e.rootfs, "opt", "hide"), 0o755))
		must(t, os.WriteFile(filepath.Join(e.rootfs, "opt", "hide", "f"), nil, 0o644))
		must(t, os.WriteFile(filepath.Join(e.rootfs, "etc", "secret"), []byte("s3cret"), 0o644))
		must(t, os.Symlink("/opt", filepath.Join(e.rootfs, "lnk")))
		e.outDir()
		e.spec.Root.Readonly = true
		e.spec.Hostname = "parity"
		e.spec.Domainname = "example.org"
		e.spec.Process.Cwd = "/data"
		adj := 123
		e.spec.Process.OOMScoreAdj = &adj
		e.spec.Process.Rlimits = []specs.POSIXRlimit{{Type: "RLIMIT_NOFILE", Soft: 512, Hard: 768}}
		e.spec.Mounts = append(e.spec.Mounts,
			specs.Mount{Destination: "/etc/hostfile", Type: "bind", Source: filepath.Join(host, "file"), Options: []string{"bind", "ro"}},
			specs.Mount{Destination: "/data", Type: "bind", Source: host, Options: []string{"rbind", "nosuid", "nodev", "rprivate"}},
			specs.Mount{Destination: "/lnk/x/y", Type: "tmpfs", Source: "tmpfs", Options: []string{"size=1m", "mode=700", "noexec"}},
			specs.Mount{Destination: "/ro", Type: "tmpfs", Source: "tmpfs", Options: []string{"ro"}},
		)
		e.spec.Linux.Sysctl = map[string]string{"net.ipv4.ip_forward": "1", "kernel.shm_rmid_forced": "1"}
		e.spec.Linux.MaskedPaths = append(e.spec.Linux.MaskedPaths, "/etc/secret", "/opt/hide", "/does/not/exist")
		e.spec.Linux.ReadonlyPaths = append(e.spec.Linux.ReadonlyPaths, "/data/sub")
		mode640 := os.FileMode(0o640)
		uid, gid := uint32(1000), uint32(1001)
		e.spec.Linux.Devices = append(e.spec.Linux.Devices, specs.LinuxDevice{
			Path: "/dev/custom/full", Type: "c", Major: 1, Minor: 7, FileMode: &mode640, UID: &uid, GID: &gid})
		e.writeConfig()
		r := e.rt("run", e.id)
		mustOK(t, r)
		outs[i] = strings.ReplaceAll(r.stdout, e.dir, "DIR")
	}
	if outs[0] != outs[1] {
		t.Errorf("the C init and the Go init set the container up differently\n--- C init:\n%s\n--- Go init:\n%s", outs[0], outs[1])
	}
	for _, want := range []string{"parity", "example.org", "/data/sub ro,", "/ro ro,", "out writable",
		"masked-file:\n", "masked-dir:\n", "HOME=/\n", "123\n", "crw-r-----    1 1000     1001"} {
		if !strings.Contains(outs[0], want) {
			t.Errorf("the C init's container output lacks %q:\n%s", want, outs[0])
		}
	}
}

// A failure in the C init's root filesystem setup is a clear error naming
// the mount, with nothing left behind (the leak checker runs on cleanup).
func TestCInitErrors(t *testing.T) {
	t.Parallel()
	for _, v := range []struct {
		name  string
		edit  func(e *env)
		wants []string
	}{
		{"missing-bind-source", func(e *env) {
			e.spec.Mounts = append(e.spec.Mounts, specs.Mount{Destination: "/x", Type: "bind",
				Source: "/nonexistent/oirt-src", Options: []string{"bind"}})
		}, []string{"/nonexistent/oirt-src", "/x", "no such file or directory"}},
		{"bad-fs-type", func(e *env) {
			e.spec.Mounts = append(e.spec.Mounts, specs.Mount{Destination: "/x", Type: "nosuchfs", Source: "none"})
		}, []string{"mount none on /x (nosuchfs)", "no such device"}},
		{"bad-sysctl", func(e *env) {
			e.spec.Linux.Sysctl = map[string]string{"net.ipv4.no_such_key": "1"}
		}, []string{"sysctl net.ipv4.no_such_key=1"}},
		{"missing-program", func(e *env) {
			e.spec.Process.Args = []string{"/bin/oirt-missing"}
		}, []string{"/bin/oirt-missing"}},
	} {
		v := v
		t.Run(v.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, "true")
			e.extraEnv = []string{cInit}
			v.edit(e)
			e.writeConfig()
			expectError(t, e.rt("run", e.id), v.wants...)
			if _, err := os.Stat(filepath.Join(e.root, e.id)); err == nil {
				t.Errorf("state directory of %s left behind", e.id)
			}
		})
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
