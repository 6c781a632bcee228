package integration

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// The unprivileged user the rootless tests run oci-run as, with
// subordinate id ranges for newuidmap/newgidmap (Debian's uidmap).
const rootlessUser = "oirt-rootless"

var rootlessOnce sync.Once
var rootlessErr error

// rootlessAccount makes sure the test user and its /etc/subuid and
// /etc/subgid ranges exist (idempotent) and returns its uid and gid.
func rootlessAccount(t *testing.T) (int, int) {
	t.Helper()
	rootlessOnce.Do(func() {
		if _, err := user.Lookup(rootlessUser); err != nil {
			if out, err := exec.Command("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", rootlessUser).CombinedOutput(); err != nil {
				rootlessErr = err
				t.Logf("useradd: %s", out)
				return
			}
		}
		for _, f := range []string{"/etc/subuid", "/etc/subgid"} {
			b, _ := os.ReadFile(f)
			if !strings.Contains("\n"+string(b), "\n"+rootlessUser+":") {
				fh, err := os.OpenFile(f, os.O_APPEND|os.O_WRONLY|os.O_CREATE, 0o644)
				if err != nil {
					rootlessErr = err
					return
				}
				fh.WriteString(rootlessUser + ":400000:65536\n") // an unused range on a test machine
				fh.Close()
			}
		}
	})
	if rootlessErr != nil {
		t.Fatalf("setting up the rootless test user: %v", rootlessErr)
	}
	if _, err := exec.LookPath("newuidmap"); err != nil {
		t.Fatal("newuidmap missing: apt-get install uidmap")
	}
	u, err := user.Lookup(rootlessUser)
	if err != nil {
		t.Fatal(err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return uid, gid
}

// rootlessEnv is a bundle owned by the test user, with its own state dir.
type rootlessEnv struct {
	t        *testing.T
	dir      string
	bundle   string
	runtime  string // XDG_RUNTIME_DIR
	uid, gid int
	id       string
}

func newRootlessEnv(t *testing.T, args ...string) *rootlessEnv {
	uid, gid := rootlessAccount(t)
	dir := t.TempDir()
	e := &rootlessEnv{t: t, dir: dir, bundle: filepath.Join(dir, "bundle"), runtime: filepath.Join(dir, "xdg"),
		uid: uid, gid: gid, id: newID()}
	makeRootfs(t, filepath.Join(e.bundle, "rootfs"))
	for _, d := range []string{e.runtime} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range []string{filepath.Dir(dir), dir} {
		os.Chmod(d, 0o755)
	}
	filepath.Walk(dir, func(p string, _ os.FileInfo, _ error) error { return os.Lchown(p, uid, gid) })
	// spec --rootless maps the caller's own ids, so it runs as the user.
	if r := e.run("spec", "--rootless", "--bundle", e.bundle); r.code != 0 {
		t.Fatalf("spec --rootless: %s", r)
	}
	e.edit(func(s *specs.Spec) {
		s.Process.Terminal = false
		s.Process.Args = args
	})
	t.Cleanup(func() {
		e.run("delete", "-f", e.id)
		if ents, _ := os.ReadDir(filepath.Join(e.runtime, "oci-run")); len(ents) > 0 {
			t.Errorf("rootless state left: %v", ents)
		}
		if m, _ := filepath.Glob("/sys/fs/cgroup/*/" + e.id); len(m) > 0 {
			t.Errorf("cgroups left: %v", m)
		}
		if mi, _ := os.ReadFile("/proc/self/mountinfo"); strings.Contains(string(mi), e.bundle) {
			t.Errorf("mounts under %s left on the host", e.bundle)
		}
	})
	return e
}

func (e *rootlessEnv) edit(f func(*specs.Spec)) {
	e.t.Helper()
	path := filepath.Join(e.bundle, "config.json")
	b, err := os.ReadFile(path)
	if err != nil {
		e.t.Fatal(err)
	}
	var s specs.Spec
	if err := json.Unmarshal(b, &s); err != nil {
		e.t.Fatal(err)
	}
	f(&s)
	b, _ = json.MarshalIndent(&s, "", "\t")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		e.t.Fatal(err)
	}
}

// run runs the runtime as the unprivileged user, without --root: the
// default state dir for a non-root caller is $XDG_RUNTIME_DIR/oci-run.
func (e *rootlessEnv) run(args ...string) result {
	ctx, cancel := context.WithTimeout(context.Background(), defaultTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, runtimeBin, args...)
	cmd.Dir = e.bundle
	cmd.Env = []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "XDG_RUNTIME_DIR=" + e.runtime}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(e.uid), Gid: uint32(e.gid)}}
	// Files, not pipes: a detached container keeps the runtime's stdio.
	outF, err := os.CreateTemp(e.dir, "out-*")
	if err != nil {
		e.t.Fatal(err)
	}
	defer os.Remove(outF.Name())
	defer outF.Close()
	errF, err := os.CreateTemp(e.dir, "err-*")
	if err != nil {
		e.t.Fatal(err)
	}
	defer os.Remove(errF.Name())
	defer errF.Close()
	cmd.Stdout, cmd.Stderr = outF, errF
	err = cmd.Run()
	o, _ := os.ReadFile(outF.Name())
	eb, _ := os.ReadFile(errF.Name())
	r := result{args: args, stdout: string(o), stderr: string(eb), code: -1}
	if cmd.ProcessState != nil {
		r.code = cmd.ProcessState.ExitCode()
	} else if err != nil {
		r.stderr += err.Error()
	}
	if ctx.Err() != nil {
		e.t.Errorf("hang: %s", r)
	}
	return r
}

func TestRootlessRun(t *testing.T) {
	t.Parallel()
	e := newRootlessEnv(t, "sh", "-c", "id -u; cat /proc/self/uid_map; echo x > /dev/null && echo devnull-ok")
	r := e.run("run", e.id)
	if r.code != 0 {
		t.Fatalf("rootless run: %s", r)
	}
	f := strings.Fields(r.stdout)
	if len(f) < 5 || f[0] != "0" || f[1] != "0" || f[2] != strconv.Itoa(e.uid) || f[3] != "1" || f[4] != "devnull-ok" {
		t.Errorf("output %q: want uid 0 mapped to %d and /dev/null usable", r.stdout, e.uid)
	}
}

func TestRootlessLifecycle(t *testing.T) {
	t.Parallel()
	e := newRootlessEnv(t, "sleep", "1000")
	if r := e.run("create", e.id); r.code != 0 {
		t.Fatalf("create: %s", r)
	}
	if r := e.run("start", e.id); r.code != 0 {
		t.Fatalf("start: %s", r)
	}
	r := e.run("state", e.id)
	var st specs.State
	if err := json.Unmarshal([]byte(r.stdout), &st); err != nil || st.Status != specs.StateRunning {
		t.Fatalf("state: %v %s", err, r)
	}
	if _, err := os.Stat(filepath.Join(e.runtime, "oci-run", e.id, "state.json")); err != nil {
		t.Errorf("state not under $XDG_RUNTIME_DIR/oci-run: %v", err)
	}
	if r := e.run("exec", e.id, "true"); r.code != 0 {
		t.Errorf("exec: %s", r)
	}
	if r := e.run("delete", "-f", e.id); r.code != 0 {
		t.Errorf("delete -f: %s", r)
	}
	// The init is really gone.
	deadline := time.Now().Add(5 * time.Second)
	for st.Pid > 0 && time.Now().Before(deadline) {
		if _, err := os.Stat("/proc/" + strconv.Itoa(st.Pid)); err != nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// subRange returns the user's first subordinate range from /etc/subuid or
// /etc/subgid.
func subRange(t *testing.T, file string) (start, size int) {
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Split(line, ":")
		if len(f) == 3 && f[0] == rootlessUser {
			start, _ = strconv.Atoi(f[1])
			size, _ = strconv.Atoi(f[2])
			return start, size
		}
	}
	t.Fatalf("no %s range in %s", rootlessUser, file)
	return 0, 0
}

// More than the caller's own ids: newuidmap/newgidmap with /etc/subuid.
func TestRootlessSubordinateIDs(t *testing.T) {
	t.Parallel()
	e := newRootlessEnv(t, "sh", "-c", "cat /proc/self/uid_map /proc/self/gid_map")
	us, un := subRange(t, "/etc/subuid")
	gs, gn := subRange(t, "/etc/subgid")
	e.edit(func(s *specs.Spec) {
		s.Linux.UIDMappings = []specs.LinuxIDMapping{{ContainerID: 0, HostID: uint32(e.uid), Size: 1}, {ContainerID: 1, HostID: uint32(us), Size: uint32(un)}}
		s.Linux.GIDMappings = []specs.LinuxIDMapping{{ContainerID: 0, HostID: uint32(e.gid), Size: 1}, {ContainerID: 1, HostID: uint32(gs), Size: uint32(gn)}}
	})
	r := e.run("run", e.id)
	if r.code != 0 {
		t.Fatalf("run: %s", r)
	}
	want := fmt.Sprintf("0 %d 1 1 %d %d 0 %d 1 1 %d %d", e.uid, us, un, e.gid, gs, gn)
	if got := strings.Join(strings.Fields(r.stdout), " "); got != want {
		t.Errorf("maps %q", got)
	}
}

// Limits a rootless caller cannot apply are an error, not silently dropped.
func TestRootlessResourcesRefused(t *testing.T) {
	t.Parallel()
	e := newRootlessEnv(t, "true")
	limit := int64(64 << 20)
	e.edit(func(s *specs.Spec) {
		s.Linux.Resources = &specs.LinuxResources{Memory: &specs.LinuxMemory{Limit: &limit}}
	})
	r := e.run("run", e.id)
	if r.code != 1 || !strings.Contains(r.stderr, "cgroup") {
		t.Errorf("want a cgroup error: %s", r)
	}
}
