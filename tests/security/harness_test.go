package security

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/oci-run/oci-run/tests/internal/proccheck"
	"github.com/oci-run/oci-run/tests/internal/testbundle"
)

// callTimeout bounds every runtime invocation: a hang is a failure.
const callTimeout = 15 * time.Second

// applets are linked to busybox in every rootfs.
var applets = []string{
	"sh", "true", "false", "cat", "echo", "sleep", "ls", "id", "ps", "grep",
	"mount", "touch", "stat", "readlink", "kill", "wc", "head", "pwd", "mkdir",
	"mkfifo", "mv", "ln", "rm", "sed", "tr", "env", "test", "printf", "seq",
}

// env is one case's sandbox. Under dir:
//
//	root/    the runtime's --root (state)
//	bundle/  config.json and rootfs/
//	host/    host-side canaries: host/canary holds a secret file; every
//	         file under host/ must be byte-for-byte the same after the case,
//	         and nothing may be created there
//	io/      the runtime's captured stdout/stderr
//
// plus directories a case declares with e.hostDir (volumes the container
// may legitimately write to). Nothing else may appear in dir.
type env struct {
	t      *testing.T
	bin    string // the runtime binary for this case
	dir    string
	root   string
	bundle string
	rootfs string
	host   string
	canary string // host/canary
	id     string
	spec   *specs.Spec

	mu      sync.Mutex
	ids     []string
	allowed map[string]bool // names allowed directly under dir
	snap    map[string]string
}

// newEnv builds a busybox bundle whose config.json comes from `<bin> spec`
// (terminal false, args as given), the canary, and the after-case checks.
func newEnv(t *testing.T, args ...string) *env {
	t.Helper()
	dir := t.TempDir()
	e := &env{
		t:       t,
		bin:     runtimeBin,
		dir:     dir,
		root:    filepath.Join(dir, "root"),
		bundle:  filepath.Join(dir, "bundle"),
		host:    filepath.Join(dir, "host"),
		id:      newID(),
		allowed: map[string]bool{"root": true, "bundle": true, "host": true, "io": true},
	}
	e.rootfs = filepath.Join(e.bundle, "rootfs")
	e.canary = filepath.Join(e.host, "canary")
	makeRootfs(t, e.rootfs)
	for _, d := range []string{e.canary, filepath.Join(e.canary, "sub"), filepath.Join(dir, "io")} {
		must(t, os.MkdirAll(d, 0o755))
	}
	must(t, os.WriteFile(filepath.Join(e.canary, "secret"), []byte("host secret, never to be touched\n"), 0o644))
	must(t, os.WriteFile(filepath.Join(e.canary, "sub", "file"), []byte("nested\n"), 0o600))

	r := e.runIn(e.bundle, callTimeout, "spec")
	if r.code != 0 {
		t.Fatalf("`spec` failed: %s", r)
	}
	data, err := os.ReadFile(filepath.Join(e.bundle, "config.json"))
	if err != nil {
		t.Fatalf("`spec` wrote no config.json: %v (%s)", err, r)
	}
	var s specs.Spec
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatalf("`spec` wrote invalid JSON: %v", err)
	}
	if s.Process == nil || s.Root == nil || s.Linux == nil {
		t.Fatalf("`spec` output lacks process, root or linux")
	}
	s.Process.Terminal = false
	if len(args) > 0 {
		s.Process.Args = args
	}
	e.spec = &s
	e.track(e.id)
	t.Cleanup(e.afterCase)
	return e
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func makeRootfs(t *testing.T, dir string) {
	t.Helper()
	must(t, testbundle.MakeRootfs(dir, applets))
}

// track adds id to the containers the after-case checks delete and inspect.
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

// newTrackedID returns a fresh id that the after-case checks cover.
func (e *env) newTrackedID() string {
	id := newID()
	e.track(id)
	return id
}

// hostDir creates a directory directly under the case's dir that is not a
// canary (a volume, a bind-mounted /dev, ...), and returns its path.
func (e *env) hostDir(name string) string {
	e.t.Helper()
	p := filepath.Join(e.dir, name)
	must(e.t, os.MkdirAll(p, 0o777))
	must(e.t, os.Chmod(p, 0o777))
	e.mu.Lock()
	e.allowed[name] = true
	e.mu.Unlock()
	return p
}

// outDir bind-mounts a fresh host directory read-write at /out.
func (e *env) outDir() string {
	host := e.hostDir("out")
	e.spec.Mounts = append(e.spec.Mounts, specs.Mount{
		Destination: "/out", Type: "bind", Source: host, Options: []string{"rbind", "rw"},
	})
	return host
}

// writeConfig writes e.spec as the bundle's config.json, and takes the
// canary snapshot on first use (after the case built its host side).
func (e *env) writeConfig() {
	e.t.Helper()
	data, err := json.MarshalIndent(e.spec, "", "\t")
	must(e.t, err)
	must(e.t, os.WriteFile(filepath.Join(e.bundle, "config.json"), data, 0o644))
	e.snapshot()
}

func (e *env) snapshot() {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.snap == nil {
		e.snap = treeSnapshot(e.host)
	}
}

// treeSnapshot describes every entry under dir: type, mode, owner, size,
// content hash or link target. The inode-level detail catches a chmod, a
// chown, a write, a new or removed entry.
func treeSnapshot(dir string) map[string]string {
	m := map[string]string{}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			m[p] = "walk error: " + err.Error()
			return nil
		}
		var st unix.Stat_t
		if err := unix.Lstat(p, &st); err != nil {
			m[p] = "lstat error: " + err.Error()
			return nil
		}
		desc := fmt.Sprintf("mode=%o uid=%d gid=%d size=%d", st.Mode, st.Uid, st.Gid, st.Size)
		switch st.Mode & unix.S_IFMT {
		case unix.S_IFLNK:
			l, _ := os.Readlink(p)
			desc += " -> " + l
		case unix.S_IFREG:
			b, err := os.ReadFile(p)
			sum := sha256.Sum256(b)
			desc += fmt.Sprintf(" sha256=%x err=%v", sum[:8], err)
		}
		m[p] = desc
		return nil
	})
	return m
}

// ---- running the runtime ----

type result struct {
	args     []string
	stdout   string
	stderr   string
	code     int
	signal   string // set when the runtime was killed by a signal
	timedOut bool
}

func (r result) String() string {
	return fmt.Sprintf("`%s` exit %d (timed out: %v)\nstdout: %q\nstderr: %q",
		strings.Join(r.args, " "), r.code, r.timedOut, clip(r.stdout), clip(r.stderr))
}

func clip(s string) string {
	if len(s) > 2000 {
		return s[:2000] + "...(clipped)"
	}
	return s
}

// rt runs `<bin> --root <root> args...` in the bundle directory.
func (e *env) rt(args ...string) result {
	return e.rtTimeout(callTimeout, args...)
}

func (e *env) rtTimeout(d time.Duration, args ...string) result {
	e.snapshot()
	return e.runIn(e.bundle, d, append([]string{"--root", e.root}, args...)...)
}

// startCmd starts the runtime with the given args and registers it with
// the reaper; output goes to files in io/.
func (e *env) startCmd(dir string, args ...string) (*exec.Cmd, *os.File, *os.File, error) {
	outF, err := os.CreateTemp(filepath.Join(e.dir, "io"), "stdout-*")
	if err != nil {
		return nil, nil, nil, err
	}
	errF, err := os.CreateTemp(filepath.Join(e.dir, "io"), "stderr-*")
	if err != nil {
		outF.Close()
		return nil, nil, nil, err
	}
	cmd := exec.Command(e.bin, args...)
	cmd.Dir = dir
	cmd.Stdout = outF
	cmd.Stderr = errF
	startMu.Lock()
	err = cmd.Start()
	if err == nil {
		cliPids.Store(cmd.Process.Pid, true)
	}
	startMu.Unlock()
	if err != nil {
		outF.Close()
		errF.Close()
		return nil, nil, nil, err
	}
	return cmd, outF, errF, nil
}

// finish waits for cmd (killing it after d) and collects its result.
func (e *env) finish(cmd *exec.Cmd, outF, errF *os.File, d time.Duration, args []string) result {
	r := result{args: append([]string{filepath.Base(e.bin)}, args...), code: -1}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(d):
		r.timedOut = true
		cmd.Process.Kill()
		<-done
	}
	cliPids.Delete(cmd.Process.Pid)
	if cmd.ProcessState != nil {
		r.code = cmd.ProcessState.ExitCode()
		if ws, ok := cmd.ProcessState.Sys().(unix.WaitStatus); ok && ws.Signaled() {
			r.code = 128 + int(ws.Signal())
			r.signal = ws.Signal().String()
		}
	}
	o, _ := os.ReadFile(outF.Name())
	s, _ := os.ReadFile(errF.Name())
	outF.Close()
	errF.Close()
	os.Remove(outF.Name())
	os.Remove(errF.Name())
	r.stdout, r.stderr = string(o), string(s)
	if r.timedOut {
		e.t.Errorf("hang: %s did not finish within %s", r, d)
		r.code = -1
	}
	return r
}

func (e *env) runIn(dir string, d time.Duration, args ...string) result {
	cmd, outF, errF, err := e.startCmd(dir, args...)
	if err != nil {
		e.t.Errorf("start %s: %v", e.bin, err)
		return result{args: args, code: -1, stderr: err.Error()}
	}
	return e.finish(cmd, outF, errF, d, args)
}

// ---- assertions ----

func mustOK(t *testing.T, r result) {
	t.Helper()
	if r.code != 0 {
		t.Fatalf("unexpected failure: %s", r)
	}
}

// expectRefused asserts a clean refusal: a non-zero exit (not a crash, not a
// signal), an error on stderr naming each of want (case-insensitive).
func expectRefused(t *testing.T, r result, want ...string) {
	t.Helper()
	if r.code == 0 {
		t.Errorf("VULNERABLE: the runtime accepted it: %s", r)
		return
	}
	if strings.TrimSpace(r.stderr) == "" {
		t.Errorf("want an error message on stderr: %s", r)
	}
	checkNoCrash(t, r)
	low := strings.ToLower(r.stderr)
	for _, w := range want {
		if !strings.Contains(low, strings.ToLower(w)) {
			t.Errorf("the error should name %q: %s", w, r)
		}
	}
}

// checkNoCrash fails on a Go panic, a fatal runtime error or a signal.
func checkNoCrash(t *testing.T, r result) {
	t.Helper()
	for _, s := range []string{"panic:", "fatal error:", "SIGSEGV", "goroutine "} {
		if strings.Contains(r.stderr, s) {
			t.Errorf("the runtime crashed (%q in stderr): %s", s, r)
			return
		}
	}
	if r.signal != "" {
		t.Errorf("the runtime died of a signal (%s): %s", r.signal, r)
	}
}

// ---- after every case ----

// afterCase force-deletes every tracked container and checks that nothing
// is left and nothing outside the rootfs was touched.
func (e *env) afterCase() {
	t := e.t
	e.mu.Lock()
	ids := append([]string(nil), e.ids...)
	e.mu.Unlock()

	var pids []int
	for _, id := range ids {
		if st, ok := e.readState(id); ok && st.Pid > 0 {
			pids = append(pids, st.Pid)
		}
		_, statErr := os.Lstat(filepath.Join(e.root, id))
		r := e.rt("delete", "-f", id)
		checkNoCrash(t, r)
		if statErr == nil && r.code != 0 {
			t.Errorf("`delete -f` failed on a container whose state dir exists: %s", r)
		}
	}
	problems := proccheck.Settled(5*time.Second, func() []string { return e.leaks(ids, pids) })
	for _, p := range problems {
		t.Errorf("after delete -f: %s", p)
	}
	if len(problems) > 0 {
		e.rescue(ids, pids)
	}
}

// readState reads <root>/<id>/state.json without the runtime (it holds
// the init's pid under "init_process_pid" for runc, "pid" for oci-run).
func (e *env) readState(id string) (specs.State, bool) {
	r := e.rt("state", id)
	var st specs.State
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &st) != nil {
		return st, false
	}
	return st, true
}

func (e *env) leaks(ids []string, pids []int) []string {
	problems := proccheck.StateLeft(e.root)
	for _, id := range ids {
		// Any cgroup named after the id, or starting with it (probes).
		matches, _ := filepath.Glob(filepath.Join("/sys/fs/cgroup", "*", id+"*"))
		m2, _ := filepath.Glob(filepath.Join("/sys/fs/cgroup", id+"*"))
		for _, m := range append(matches, m2...) {
			problems = append(problems, "cgroup left: "+m)
		}
	}
	for _, pid := range pids {
		if p := reapOrReport(pid); p != "" {
			problems = append(problems, p)
		}
	}
	needles := []string{e.dir}
	needles = append(needles, ids...)
	problems = append(problems, processesMentioning(needles)...)
	problems = append(problems, proccheck.MountsMentioning(e.dir, "host mount left")...)
	problems = append(problems, e.canaryProblems()...)
	if h, err := fileHash(runtimeBin); err != nil || h != runtimeHash {
		problems = append(problems, fmt.Sprintf("VULNERABLE: the runtime binary %s changed: sha256 %s -> %s (%v)",
			runtimeBin, runtimeHash, h, err))
	}
	return problems
}

// canaryProblems compares host/ with its snapshot and lists unexpected
// entries directly under the case's dir.
func (e *env) canaryProblems() []string {
	var problems []string
	e.mu.Lock()
	before := e.snap
	allowed := e.allowed
	e.mu.Unlock()
	if before != nil {
		now := treeSnapshot(e.host)
		var keys []string
		for k := range before {
			keys = append(keys, k)
		}
		for k := range now {
			if _, ok := before[k]; !ok {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			b, okb := before[k]
			n, okn := now[k]
			switch {
			case !okb:
				problems = append(problems, fmt.Sprintf("VULNERABLE: created on the host next to the canary: %s (%s)", k, n))
			case !okn:
				problems = append(problems, fmt.Sprintf("VULNERABLE: removed from the host canary: %s (was %s)", k, b))
			case b != n:
				problems = append(problems, fmt.Sprintf("VULNERABLE: host canary changed: %s: %s -> %s", k, b, n))
			}
		}
	}
	ents, _ := os.ReadDir(e.dir)
	for _, ent := range ents {
		if !allowed[ent.Name()] {
			problems = append(problems, "VULNERABLE: created on the host next to the bundle: "+filepath.Join(e.dir, ent.Name()))
		}
	}
	return problems
}

// rescue is best-effort cleanup after a reported leak so that one broken
// case does not pollute the others. It never makes a case pass.
func (e *env) rescue(ids []string, pids []int) {
	for _, pid := range pids {
		unix.Kill(pid, unix.SIGKILL)
	}
	var dirs []string
	for _, id := range ids {
		m, _ := filepath.Glob(filepath.Join("/sys/fs/cgroup", "*", id+"*"))
		dirs = append(dirs, m...)
	}
	proccheck.KillCgroupProcs(dirs)
	for _, p := range processesMentioningPids(append([]string{e.dir}, ids...)) {
		unix.Kill(p, unix.SIGKILL)
	}
	time.Sleep(200 * time.Millisecond)
	sort.Slice(dirs, func(i, j int) bool { return len(dirs[i]) > len(dirs[j]) })
	for _, d := range dirs {
		os.Remove(d)
	}
	proccheck.UnmountUnder(e.dir)
}

// ---- small helpers ----

// waitFile waits until path exists and is not empty, and returns it.
func waitFile(t *testing.T, path string, d time.Duration) (string, bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		b, err := os.ReadFile(path)
		if err == nil && len(b) > 0 {
			return string(b), true
		}
		if time.Now().After(deadline) {
			return "", false
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// withoutMount drops the spec's mounts on dest.
func (e *env) withoutMount(dest string) {
	var ms []specs.Mount
	for _, m := range e.spec.Mounts {
		if filepath.Clean(m.Destination) != dest {
			ms = append(ms, m)
		}
	}
	e.spec.Mounts = ms
}

// withoutNamespace drops a namespace type from the spec.
func (e *env) withoutNamespace(typ specs.LinuxNamespaceType) {
	var ns []specs.LinuxNamespace
	for _, n := range e.spec.Linux.Namespaces {
		if n.Type != typ {
			ns = append(ns, n)
		}
	}
	e.spec.Linux.Namespaces = ns
}

// writeJSON writes v as JSON to path.
func writeJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := json.MarshalIndent(v, "", "\t")
	must(t, err)
	must(t, os.WriteFile(path, data, 0o644))
}

// hostOutput runs a host helper command (registered with the reaper) and
// returns its stdout.
func hostOutput(name string, args ...string) (string, error) {
	cmd := exec.Command(name, args...)
	var out bytes.Buffer
	cmd.Stdout = &out
	startMu.Lock()
	err := cmd.Start()
	if err == nil {
		cliPids.Store(cmd.Process.Pid, true)
	}
	startMu.Unlock()
	if err != nil {
		return "", err
	}
	err = cmd.Wait()
	cliPids.Delete(cmd.Process.Pid)
	return out.String(), err
}

func newID() string { return proccheck.NewID("osec") }

func reapOrReport(pid int) string { return proccheck.ReapOrReport(pid) }

func processesMentioning(needles []string) []string {
	var out []string
	for _, pid := range proccheck.Mentioning(needles) {
		out = append(out, proccheck.Describe(pid, "mentioning the case"))
	}
	return out
}

func processesMentioningPids(needles []string) []int { return proccheck.Mentioning(needles) }

func procStatusField(status, name string) (string, bool) { return proccheck.StatusField(status, name) }
