package rootfs

// The tests run the package's code for real, as root, inside fresh mount
// (and pid, ipc, ...) namespaces: the test binary re-executes itself with
// childEnv set, TestMain notices, reads a childRequest from a file, runs
// Prepare/Finalize and the requested probes, and prints a childResult as
// JSON on stdout for the parent test to assert on.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/oci-run/oci-run/libcontainer/configs"
)

const (
	childEnv = "OCIRUN_ROOTFS_TEST_REQUEST"
	outerEnv = "OCIRUN_ROOTFS_TEST_OUTER"
)

// runOuter is the outer stage of a childRequest with Outer set.
func runOuter(reqPath string) int {
	var req childRequest
	data, err := os.ReadFile(reqPath)
	if err == nil {
		err = json.Unmarshal(data, &req)
	}
	if err == nil {
		err = unix.Mount("tmpfs", req.Outer.Path, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "size=1m")
	}
	if err == nil {
		err = os.WriteFile(filepath.Join(req.Outer.Path, "outer"), []byte("outer"), 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "outer stage:", err)
		return 1
	}
	exe, _ := os.Executable()
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), outerEnv+"=")
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: req.Outer.Clone, Pdeathsig: syscall.SIGKILL}
	if req.Outer.UserNS {
		cmd.SysProcAttr.Cloneflags |= syscall.CLONE_NEWUSER
		cmd.SysProcAttr.UidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: 0, Size: 65536}}
		cmd.SysProcAttr.GidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: 0, Size: 65536}}
		cmd.SysProcAttr.GidMappingsEnableSetgroups = true
	}
	if err := cmd.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "inner stage:", err)
		return 1
	}
	return 0
}

// childRequest is what the child does.
type childRequest struct {
	Config      *configs.Config
	CgroupPaths map[string]string
	// Finalize calls Finalize after Prepare (and ApplySysctls when Sysctls).
	Finalize bool
	Sysctls  bool
	// Console opens a pty in the container and calls SetupConsole.
	Console bool
	// HookFile is created (relative to the working directory) by the
	// CreateContainer hook.
	HookFile string
	// SabotageDevNull replaces /dev/null before Finalize: "symlink" (to
	// /proc/sys/kernel/core_pattern) or "file".
	SabotageDevNull string
	// OvermountSysctl bind-mounts a regular file over this /proc/sys file
	// before ApplySysctls.
	OvermountSysctl string
	// Outer, when set, makes the child first mount a nosuid,nodev,noexec
	// tmpfs at Outer.Path in a plain mount namespace, then run the real
	// child in new namespaces (Outer.Clone, with a user namespace mapping
	// 0-65535 when Outer.UserNS): the tmpfs's flags are then locked.
	Outer *outerStage
	Stat  []string
	Read  []string
	Write []string
	Exec  []string // shell commands run with /bin/sh -c
}

type outerStage struct {
	Path   string
	Clone  uintptr
	UserNS bool
}

type statResult struct {
	Err          string
	Mode         uint32
	Major, Minor uint32
	UID, GID     uint32
	Link         string
	FSType       int64
}

// mountErrJSON is a MountError as the child reports it.
type mountErrJSON struct{ Op, Source, Dest, Type, Err string }

type childResult struct {
	Err       string
	Step      string   // prepare, sysctl, finalize, console
	ErrKinds  []string // sentinels and errnos matched with errors.Is
	MountErr  *mountErrJSON
	HookRan   bool
	HookCwd   string
	Mountinfo string
	Stat      map[string]statResult
	Read      map[string]string
	ReadErr   map[string]string
	Write     map[string]string
	Exec      map[string]string
	Console   struct{ Slave, Console uint64 }
}

func TestMain(m *testing.M) {
	if path := os.Getenv(childEnv); path != "" {
		runChild(path)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

var errKinds = []struct {
	name string
	err  error
}{
	{"ErrSymlinkDest", ErrSymlinkDest}, {"ErrProcDest", ErrProcDest}, {"ErrNotProc", ErrNotProc},
	{"ErrNotDevNull", ErrNotDevNull}, {"ErrDevSymlink", ErrDevSymlink}, {"ErrNotProcfs", ErrNotProcfs},
	{"ErrIDMapUnsupported", ErrIDMapUnsupported},
	{"ENOENT", unix.ENOENT}, {"ELOOP", unix.ELOOP}, {"EXDEV", unix.EXDEV}, {"EPERM", unix.EPERM},
}

func runChild(reqPath string) {
	runtime.LockOSThread()
	if os.Getenv(outerEnv) != "" {
		os.Exit(runOuter(reqPath))
	}
	var req childRequest
	res := childResult{Stat: map[string]statResult{}, Read: map[string]string{}, ReadErr: map[string]string{},
		Write: map[string]string{}, Exec: map[string]string{}}
	defer func() {
		json.NewEncoder(os.Stdout).Encode(&res)
	}()
	data, err := os.ReadFile(reqPath)
	if err == nil {
		err = json.Unmarshal(data, &req)
	}
	if err != nil {
		res.Err, res.Step = err.Error(), "request"
		return
	}
	// Opened on the host's /proc; still readable after pivot_root, and then
	// shows paths as the container sees them.
	mi, err := os.Open("/proc/thread-self/mountinfo")
	if err != nil {
		res.Err, res.Step = err.Error(), "request"
		return
	}
	fail := func(step string, err error) {
		res.Err, res.Step = err.Error(), step
		for _, k := range errKinds {
			if errors.Is(err, k.err) {
				res.ErrKinds = append(res.ErrKinds, k.name)
			}
		}
		var me *MountError
		if errors.As(err, &me) {
			res.MountErr = &mountErrJSON{me.Op, me.Source, me.Dest, me.Type, me.Err.Error()}
		}
	}
	opts := Options{CgroupPaths: req.CgroupPaths}
	if req.HookFile != "" {
		opts.CreateContainer = func() error {
			res.HookRan = true
			res.HookCwd, _ = os.Getwd()
			return os.WriteFile(req.HookFile, []byte("hook"), 0o644)
		}
	}
	err = Prepare(req.Config, opts)
	if err != nil {
		fail("prepare", err)
	}
	if err == nil && req.Console {
		if err := childConsole(&res); err != nil {
			fail("console", err)
		}
	}
	if err == nil && req.OvermountSysctl != "" {
		os.WriteFile("/tmp/fake-sysctl", []byte("x"), 0o644)
		if err := unix.Mount("/tmp/fake-sysctl", req.OvermountSysctl, "", unix.MS_BIND, ""); err != nil {
			fail("overmount", err)
		}
	}
	if err == nil && req.Sysctls && res.Err == "" {
		if err := ApplySysctls(req.Config.Sysctl); err != nil {
			fail("sysctl", err)
		}
	}
	if err == nil && req.SabotageDevNull != "" {
		os.Remove("/dev/null")
		if req.SabotageDevNull == "symlink" {
			os.Symlink("/proc/sys/kernel/core_pattern", "/dev/null")
		} else {
			os.WriteFile("/dev/null", nil, 0o666)
		}
	}
	if err == nil && req.Finalize && res.Err == "" {
		if err := Finalize(req.Config); err != nil {
			fail("finalize", err)
		}
	}
	// The container's /proc when there is one; else the host's, opened
	// before Prepare (it then only shows mounts under the old root).
	if b, err := os.ReadFile("/proc/self/mountinfo"); err == nil && res.Err == "" {
		res.Mountinfo = string(b)
	} else if _, err := mi.Seek(0, io.SeekStart); err == nil {
		b, _ := io.ReadAll(mi)
		res.Mountinfo = string(b)
	}
	for _, p := range req.Stat {
		res.Stat[p] = probeStat(p)
	}
	for _, p := range req.Read {
		f, err := os.Open(p)
		if err == nil {
			b := make([]byte, 4096)
			n, rerr := f.Read(b)
			f.Close()
			if rerr != nil && rerr != io.EOF {
				err = rerr
			}
			res.Read[p] = string(b[:max(n, 0)])
		}
		if err != nil {
			res.ReadErr[p] = err.Error()
		}
	}
	for _, p := range req.Write {
		err := os.WriteFile(p, []byte("x"), 0o644)
		res.Write[p] = ""
		if err != nil {
			res.Write[p] = err.Error()
		}
	}
	for _, c := range req.Exec {
		out, err := exec.Command("/bin/sh", "-c", c).CombinedOutput()
		res.Exec[c] = string(out)
		if err != nil {
			res.Exec[c] += "ERROR: " + err.Error()
		}
	}
}

func probeStat(p string) statResult {
	var st unix.Stat_t
	if err := unix.Lstat(p, &st); err != nil {
		return statResult{Err: err.Error()}
	}
	r := statResult{Mode: st.Mode, Major: unix.Major(st.Rdev), Minor: unix.Minor(st.Rdev), UID: st.Uid, GID: st.Gid}
	if st.Mode&unix.S_IFMT == unix.S_IFLNK {
		r.Link, _ = os.Readlink(p)
	}
	var sfs unix.Statfs_t
	if unix.Statfs(p, &sfs) == nil {
		r.FSType = sfs.Type
	}
	return r
}

// childConsole opens a pty from the container's devpts, gets its slave
// with TIOCGPTPEER and binds it at /dev/console.
func childConsole(res *childResult) error {
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		return err
	}
	defer master.Close()
	if err := unix.IoctlSetPointerInt(int(master.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		return err
	}
	sfd, err := unix.IoctlRetInt(int(master.Fd()), unix.TIOCGPTPEER)
	if err != nil {
		// TIOCGPTPEER takes open flags as its argument.
		r, _, e := unix.Syscall(unix.SYS_IOCTL, master.Fd(), unix.TIOCGPTPEER, uintptr(unix.O_RDWR|unix.O_NOCTTY))
		if e != 0 {
			return e
		}
		sfd = int(r)
	}
	slave := os.NewFile(uintptr(sfd), "pty-slave")
	defer slave.Close()
	if err := SetupConsole(slave); err != nil {
		return err
	}
	var a, b unix.Stat_t
	unix.Fstat(sfd, &a)
	if err := unix.Stat("/dev/console", &b); err != nil {
		return err
	}
	res.Console.Slave, res.Console.Console = a.Rdev, b.Rdev
	return nil
}

// newRootfs builds a busybox rootfs at dir (created) and returns its path.
func newRootfs(t *testing.T, dir string) string {
	t.Helper()
	bb, err := exec.LookPath("busybox")
	if err != nil {
		t.Skip("busybox not installed (apt-get install -y busybox-static)")
	}
	for _, d := range []string{"bin", "proc", "sys", "dev", "tmp", "etc", "mnt"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	in, err := os.ReadFile(bb)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "bin/busybox"), in, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, a := range []string{"sh", "cat", "ls", "stat", "mount", "touch", "grep", "echo"} {
		if err := os.Symlink("busybox", filepath.Join(dir, "bin", a)); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// run executes req in a child with new namespaces (CLONE_NEWNS|CLONE_NEWPID|
// CLONE_NEWIPC plus extra) and returns its result. After the child exits,
// it checks that the host's mount table has nothing under dir.
func run(t *testing.T, dir string, req childRequest, extra uintptr, attr func(*syscall.SysProcAttr)) childResult {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root")
	}
	reqPath := filepath.Join(dir, "request.json")
	b, err := json.Marshal(&req)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(reqPath, b, 0o600); err != nil {
		t.Fatal(err)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), childEnv+"="+reqPath, "PATH=/bin")
	if req.Outer != nil {
		cmd.Env = append(cmd.Env, outerEnv+"=1")
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags: syscall.CLONE_NEWNS | syscall.CLONE_NEWPID | syscall.CLONE_NEWIPC | extra,
		Pdeathsig:  syscall.SIGKILL,
	}
	if req.Outer != nil {
		// Only a mount namespace: in a new pid namespace with the host's
		// /proc, the uid_map of the inner stage could not be written.
		cmd.SysProcAttr.Cloneflags = syscall.CLONE_NEWNS
	}
	if attr != nil {
		attr(cmd.SysProcAttr)
	}
	if err := cmd.Run(); err != nil {
		t.Fatalf("child: %v\nstdout: %s\nstderr: %s", err, stdout.String(), stderr.String())
	}
	var res childResult
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
		t.Fatalf("child output: %v\nstdout: %s\nstderr: %s", err, stdout.String(), stderr.String())
	}
	assertNoHostMounts(t, dir)
	return res
}

func assertNoHostMounts(t *testing.T, dir string) {
	t.Helper()
	mounts, err := readMountinfo()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range mounts {
		if isUnder(m.Mountpoint, dir) {
			t.Errorf("host mount table has %s (%s)", m.Mountpoint, m.FSType)
		}
	}
}

// mounts parses a child's mountinfo.
func mounts(t *testing.T, res childResult) []mountInfo {
	t.Helper()
	mi, err := parseMountinfo(strings.NewReader(res.Mountinfo))
	if err != nil {
		t.Fatal(err)
	}
	return mi
}

// findMount returns the top mount at mountpoint, or fails the test.
func findMount(t *testing.T, mi []mountInfo, mountpoint string) mountInfo {
	t.Helper()
	var found *mountInfo
	for i := range mi {
		if mi[i].Mountpoint == mountpoint {
			found = &mi[i]
		}
	}
	if found == nil {
		var all []string
		for _, m := range mi {
			all = append(all, m.Mountpoint)
		}
		t.Fatalf("no mount at %s; mounts: %v", mountpoint, all)
	}
	return *found
}

func hasMount(mi []mountInfo, mountpoint string) bool {
	for _, m := range mi {
		if m.Mountpoint == mountpoint {
			return true
		}
	}
	return false
}

// hasOpt reports whether the comma list opts contains o.
func hasOpt(opts, o string) bool {
	for _, x := range strings.Split(opts, ",") {
		if x == o {
			return true
		}
	}
	return false
}

func mustOK(t *testing.T, res childResult) {
	t.Helper()
	if res.Err != "" {
		t.Fatalf("%s failed: %s (kinds %v)", res.Step, res.Err, res.ErrKinds)
	}
}

func hasKind(res childResult, k string) bool {
	for _, x := range res.ErrKinds {
		if x == k {
			return true
		}
	}
	return false
}

var _ = fmt.Sprintf

func mkdirs(p string) error             { return os.MkdirAll(p, 0o755) }
func symlink(target, link string) error { return os.Symlink(target, link) }
func exists(p string) bool              { _, err := os.Lstat(p); return err == nil }
