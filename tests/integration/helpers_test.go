package integration

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/oci-run/oci-run/tests/internal/proccheck"
	"github.com/oci-run/oci-run/tests/internal/testbundle"
	"golang.org/x/sys/unix"
)

// defaultTimeout bounds every CLI invocation: a hang is a failure.
const defaultTimeout = 15 * time.Second

// applets are linked to busybox in every rootfs.
var applets = []string{
	"sh", "true", "false", "cat", "echo", "sleep", "ls", "id", "ps", "hostname",
	"grep", "mount", "touch", "stat", "readlink", "kill", "wc", "head", "pwd",
	"cut", "sed", "sort",
}

// env is one test's sandbox: a temp dir holding the runtime's --root, a
// bundle with a busybox rootfs, and the spec that becomes config.json.
type env struct {
	t      *testing.T
	dir    string
	root   string // passed as --root to every call
	bundle string
	rootfs string
	id     string // the main container id
	spec   *specs.Spec
	// extraEnv is added to the environment of every runtime call.
	extraEnv []string

	mu  sync.Mutex
	ids []string // every id to force-delete and check on cleanup
}

// newEnv builds a busybox bundle whose config.json comes from `$OCIRUN_BIN
// spec` (terminal false, args as given) and registers the leak checker.
func newEnv(t *testing.T, args ...string) *env {
	t.Helper()
	dir := t.TempDir()
	e := &env{
		t:      t,
		dir:    dir,
		root:   filepath.Join(dir, "root"),
		bundle: filepath.Join(dir, "bundle"),
		id:     newID(),
	}
	e.rootfs = filepath.Join(e.bundle, "rootfs")
	makeRootfs(t, e.rootfs)

	r := e.runIn(e.bundle, defaultTimeout, "spec")
	if r.code != 0 {
		t.Fatalf("`spec` failed: %s", r)
	}
	data, err := os.ReadFile(filepath.Join(e.bundle, "config.json"))
	if err != nil {
		t.Fatalf("`spec` wrote no config.json: %v (%s)", err, r)
	}
	var s specs.Spec
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatalf("`spec` wrote invalid JSON: %v\n%s", err, data)
	}
	if s.Process == nil || s.Root == nil || s.Linux == nil {
		t.Fatalf("`spec` output lacks process, root or linux:\n%s", data)
	}
	s.Process.Terminal = false
	if len(args) > 0 {
		s.Process.Args = args
	}
	e.spec = &s
	e.writeConfig()
	e.track(e.id)
	t.Cleanup(e.checkLeaks)
	return e
}

// makeRootfs creates a busybox rootfs at dir.
func makeRootfs(t *testing.T, dir string) {
	t.Helper()
	if err := testbundle.MakeRootfs(dir, applets, "work"); err != nil {
		t.Fatal(err)
	}
}

// track adds id to the ids the leak checker force-deletes and checks.
func (e *env) track(id string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, x := range e.ids {
		if x == id {
			return
		}
	}
	e.ids = append(e.ids, id)
}

// dropNamespace removes the namespace of type typ from e.spec (call
// writeConfig after).
func (e *env) dropNamespace(typ specs.LinuxNamespaceType) {
	e.spec.Linux.Namespaces = slices.DeleteFunc(e.spec.Linux.Namespaces,
		func(n specs.LinuxNamespace) bool { return n.Type == typ })
}

// writeConfig writes e.spec to the bundle's config.json.
func (e *env) writeConfig() {
	e.t.Helper()
	data, err := json.MarshalIndent(e.spec, "", "\t")
	if err != nil {
		e.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(e.bundle, "config.json"), data, 0o644); err != nil {
		e.t.Fatal(err)
	}
}

// outDir bind-mounts a fresh host directory read-write at /out in the
// container (the rootfs itself is read-only) and returns its host path.
func (e *env) outDir() string {
	e.t.Helper()
	host := filepath.Join(e.dir, "out")
	if err := os.MkdirAll(host, 0o777); err != nil {
		e.t.Fatal(err)
	}
	if err := os.Chmod(host, 0o777); err != nil {
		e.t.Fatal(err)
	}
	e.spec.Mounts = append(e.spec.Mounts, specs.Mount{
		Destination: "/out",
		Type:        "bind",
		Source:      host,
		Options:     []string{"rbind", "rw"},
	})
	return host
}

// result is one CLI invocation's outcome.
type result struct {
	args     []string
	stdout   string
	stderr   string
	code     int
	timedOut bool
}

func (r result) String() string {
	return fmt.Sprintf("`%s` exit %d (timed out: %v)\nstdout: %q\nstderr: %q",
		strings.Join(r.args, " "), r.code, r.timedOut, r.stdout, r.stderr)
}

// rt runs `$OCIRUN_BIN --root <root> args...` from the bundle directory.
func (e *env) rt(args ...string) result {
	return e.rtTimeout(defaultTimeout, args...)
}

func (e *env) rtTimeout(d time.Duration, args ...string) result {
	return e.runIn(e.bundle, d, append([]string{"--root", e.root}, args...)...)
}

// runIn runs the binary under test in dir with a timeout. Output goes to
// files, not pipes, so a detached container holding our stdout cannot make
// the wait hang. A timeout is reported as a test error (safe from any
// goroutine) and as code -1.
func (e *env) runIn(dir string, d time.Duration, args ...string) result {
	r := result{args: append([]string{filepath.Base(runtimeBin)}, args...), code: -1}
	outF, err := os.CreateTemp(e.dir, "stdout-*")
	if err != nil {
		e.t.Errorf("temp file: %v", err)
		return r
	}
	defer outF.Close()
	errF, err := os.CreateTemp(e.dir, "stderr-*")
	if err != nil {
		e.t.Errorf("temp file: %v", err)
		return r
	}
	defer errF.Close()

	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	cmd := exec.CommandContext(ctx, runtimeBin, args...)
	cmd.Dir = dir
	if len(e.extraEnv) > 0 {
		cmd.Env = append(os.Environ(), e.extraEnv...)
	}
	cmd.Stdout = outF
	cmd.Stderr = errF
	err = cmd.Run()
	if ctx.Err() != nil {
		r.timedOut = true
	}
	if cmd.ProcessState != nil {
		r.code = cmd.ProcessState.ExitCode()
	} else if err != nil {
		r.stderr = err.Error()
	}
	o, _ := os.ReadFile(outF.Name())
	s, _ := os.ReadFile(errF.Name())
	r.stdout = string(o)
	r.stderr += string(s)
	os.Remove(outF.Name())
	os.Remove(errF.Name())
	if r.timedOut {
		e.t.Errorf("hang: %s did not finish within %s", r, d)
		r.code = -1
	}
	return r
}

// mustOK fails the test unless r exited 0.
func mustOK(t *testing.T, r result) {
	t.Helper()
	if r.code != 0 {
		t.Fatalf("unexpected failure: %s", r)
	}
}

// expectError asserts a clear failure: exit code 1, and stderr that is not
// empty and mentions each of want (case-insensitive).
func expectError(t *testing.T, r result, want ...string) {
	t.Helper()
	if r.code != 1 {
		t.Errorf("want exit code 1, got %d: %s", r.code, r)
	}
	if strings.TrimSpace(r.stderr) == "" {
		t.Errorf("want an error message on stderr: %s", r)
	}
	low := strings.ToLower(r.stderr)
	for _, w := range want {
		if !strings.Contains(low, strings.ToLower(w)) {
			t.Errorf("stderr should name %q: %s", w, r)
		}
	}
}

// state runs `state id` and decodes it.
func (e *env) state(id string) (specs.State, result) {
	r := e.rt("state", id)
	var st specs.State
	if r.code == 0 {
		if err := json.Unmarshal([]byte(r.stdout), &st); err != nil {
			e.t.Errorf("`state %s` printed invalid JSON: %v: %s", id, err, r)
		}
	}
	return st, r
}

// mustState returns the state of id, failing the test if it cannot.
func (e *env) mustState(id string) specs.State {
	e.t.Helper()
	st, r := e.state(id)
	mustOK(e.t, r)
	if st.ID != id {
		e.t.Fatalf("state id = %q, want %q: %s", st.ID, id, r)
	}
	return st
}

// waitStatus polls `state id` until its status is want.
func (e *env) waitStatus(id string, want specs.ContainerState, d time.Duration) specs.State {
	e.t.Helper()
	deadline := time.Now().Add(d)
	for {
		st, r := e.state(id)
		if r.code == 0 && st.Status == want {
			return st
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("container %s did not reach %q within %s; last: %s", id, want, d, r)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitFile waits until path exists and is not empty, and returns it.
func waitFile(t *testing.T, path string, d time.Duration) string {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		b, err := os.ReadFile(path)
		if err == nil && len(b) > 0 {
			return string(b)
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not written within %s (last error: %v)", path, d, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// bgProc is a runtime call left running in the background (events, a
// foreground run or exec).
type bgProc struct {
	cmd    *exec.Cmd
	out    string // stdout file
	errOut string // stderr file
	done   chan struct{}
	cancel context.CancelFunc
}

// rtBackground starts `$OCIRUN_BIN --root <root> args...` without waiting.
// It is killed at cleanup if still running.
func (e *env) rtBackground(args ...string) *bgProc {
	e.t.Helper()
	outF, err := os.CreateTemp(e.dir, "bg-stdout-*")
	if err != nil {
		e.t.Fatal(err)
	}
	errF, err := os.CreateTemp(e.dir, "bg-stderr-*")
	if err != nil {
		e.t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	p := &bgProc{
		cmd:    exec.CommandContext(ctx, runtimeBin, append([]string{"--root", e.root}, args...)...),
		out:    outF.Name(),
		errOut: errF.Name(),
		done:   make(chan struct{}),
		cancel: cancel,
	}
	p.cmd.Dir = e.bundle
	if len(e.extraEnv) > 0 {
		p.cmd.Env = append(os.Environ(), e.extraEnv...)
	}
	p.cmd.Stdout, p.cmd.Stderr = outF, errF
	if err := p.cmd.Start(); err != nil {
		cancel()
		e.t.Fatalf("start %v: %v", args, err)
	}
	outF.Close()
	errF.Close()
	go func() {
		p.cmd.Wait()
		close(p.done)
	}()
	e.t.Cleanup(func() {
		cancel()
		<-p.done
	})
	return p
}

func (p *bgProc) stdout() string { b, _ := os.ReadFile(p.out); return string(b) }
func (p *bgProc) stderr() string { b, _ := os.ReadFile(p.errOut); return string(b) }

// wait waits for the process to exit and returns its exit code (-1 on
// timeout, which also fails the test).
func (p *bgProc) wait(t *testing.T, d time.Duration) int {
	t.Helper()
	select {
	case <-p.done:
		return p.cmd.ProcessState.ExitCode()
	case <-time.After(d):
		p.cancel()
		<-p.done
		t.Errorf("hang: `%s` did not exit within %s\nstdout: %q\nstderr: %q",
			strings.Join(p.cmd.Args, " "), d, p.stdout(), p.stderr())
		return -1
	}
}

// ---- leak checking ----

// checkLeaks force-deletes every tracked id and asserts that nothing is left:
// no state under --root, no cgroup named after the id, no process that
// mentions the id or bundle, no mount under the bundle, and the container's
// init (if it had one) gone and reaped.
func (e *env) checkLeaks() {
	t := e.t
	e.mu.Lock()
	ids := append([]string(nil), e.ids...)
	e.mu.Unlock()

	var pids []int
	for _, id := range ids {
		if st, r := e.state(id); r.code == 0 && st.Pid > 0 {
			pids = append(pids, st.Pid)
		}
		e.rt("delete", "-f", id)
	}

	// Give the kernel a moment to finish tearing down killed processes;
	// every condition must hold by the deadline.
	problems := proccheck.Settled(5*time.Second, func() []string { return e.leaks(ids, pids) })
	for _, p := range problems {
		t.Errorf("leak after delete -f: %s", p)
	}
	if len(problems) > 0 {
		e.rescue(ids, pids)
	}
}

// rescue is a best-effort cleanup after a reported leak, so that one broken
// runtime call does not pollute the machine for the tests that follow: kill
// the leaked processes, remove the cgroups, detach mounts under the bundle.
// It never makes a test pass.
func (e *env) rescue(ids []string, pids []int) {
	for _, pid := range pids {
		unix.Kill(pid, unix.SIGKILL)
	}
	for _, id := range ids {
		if !safeName(id) {
			continue
		}
		dirs, _ := filepath.Glob(filepath.Join("/sys/fs/cgroup", "*", id))
		proccheck.KillCgroupProcs(dirs)
		time.Sleep(200 * time.Millisecond)
		for _, d := range dirs {
			os.Remove(d)
		}
	}
	for _, pid := range pids {
		var ws unix.WaitStatus
		unix.Wait4(pid, &ws, unix.WNOHANG, nil)
	}
	proccheck.UnmountUnder(e.bundle)
}

func (e *env) leaks(ids []string, pids []int) []string {
	var problems []string

	// State: the per-test root must hold nothing, and nothing may have been
	// written outside it (ids like "../x").
	problems = append(problems, proccheck.StateLeft(e.root)...)
	for _, id := range ids {
		if id == "" {
			continue
		}
		p := filepath.Join(e.root, id)
		if !strings.HasPrefix(p, e.root+"/") {
			if _, err := os.Lstat(p); err == nil {
				problems = append(problems, "state written outside --root: "+p)
			}
		}
	}

	// Cgroups: the default cgroupsPath is "/<id>".
	for _, id := range ids {
		if !safeName(id) {
			continue
		}
		matches, _ := filepath.Glob(filepath.Join("/sys/fs/cgroup", "*", id))
		for _, m := range matches {
			problems = append(problems, "cgroup left: "+m)
		}
		if _, err := os.Stat(filepath.Join("/sys/fs/cgroup", id)); err == nil {
			problems = append(problems, "cgroup left: "+filepath.Join("/sys/fs/cgroup", id))
		}
	}

	// The container's init: gone, or a zombie we reap (we are a subreaper).
	for _, pid := range pids {
		if p := reapOrReport(pid); p != "" {
			problems = append(problems, p)
		}
	}

	// Processes mentioning the id or the bundle.
	needles := []string{e.bundle}
	for _, id := range ids {
		if strings.HasPrefix(id, "oirt-") {
			needles = append(needles, id)
		}
	}
	problems = append(problems, processesMentioning(needles)...)

	// Mounts under the bundle, seen from the host.
	return append(problems, proccheck.MountsMentioning(e.bundle, "mount left")...)
}

// safeName reports whether id can be a single path element.
func safeName(id string) bool {
	return id != "" && id != "." && id != ".." && !strings.Contains(id, "/")
}

// ---- small utilities ----

// nsLinks returns name -> readlink(/proc/self/ns/name) for this process.
func nsLinks(t *testing.T) map[string]string {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/ns")
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, ent := range ents {
		l, err := os.Readlink("/proc/self/ns/" + ent.Name())
		if err != nil {
			t.Fatal(err)
		}
		m[ent.Name()] = l
	}
	return m
}

// capBits maps capability names to bit numbers (those used by the tests).
var capBits = map[string]uint{
	"CAP_CHOWN": 0, "CAP_DAC_OVERRIDE": 1, "CAP_FOWNER": 3, "CAP_KILL": 5,
	"CAP_SETGID": 6, "CAP_SETUID": 7, "CAP_NET_BIND_SERVICE": 10,
	"CAP_NET_RAW": 13, "CAP_SYS_CHROOT": 18, "CAP_SYS_ADMIN": 21,
	"CAP_SYS_RESOURCE": 24, "CAP_MKNOD": 27, "CAP_AUDIT_WRITE": 29,
}

func capMask(t *testing.T, names []string) uint64 {
	t.Helper()
	var m uint64
	for _, n := range names {
		b, ok := capBits[n]
		if !ok {
			t.Fatalf("test table lacks capability %s", n)
		}
		m |= 1 << b
	}
	return m
}

func newID() string { return proccheck.NewID("oirt") }

func reapOrReport(pid int) string { return proccheck.ReapOrReport(pid) }

// processesMentioning describes the live processes that mention the
// bundle (needles[0]) or the container ids.
func processesMentioning(needles []string) []string {
	var out []string
	for _, pid := range proccheck.Mentioning(needles) {
		out = append(out, proccheck.Describe(pid, "mentioning the bundle or a container id"))
	}
	return out
}

func procStatusField(status, name string) (string, bool) { return proccheck.StatusField(status, name) }
