package nsenter

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// Namespaces created without a fork: the C stage reports its own pid, and
// reads exactly the bootstrap frame (a query sent in the same write must
// reach the Go init intact).
func TestCreateNamespaces(t *testing.T) {
	requireRoot(t)
	t.Parallel()
	b := &Bootstrap{CloneFlags: unix.CLONE_NEWUTS | unix.CLONE_NEWIPC | unix.CLONE_NEWNET | unix.CLONE_NEWNS | unix.CLONE_NEWCGROUP}
	payload, err := b.Encode()
	if err != nil {
		t.Fatal(err)
	}
	c := spawn(t)
	var buf bytes.Buffer
	WriteFrame(&buf, MsgBootstrap, payload)
	WriteFrame(&buf, msgQuery, nil)
	if _, err := c.sock.Write(buf.Bytes()); err != nil {
		t.Fatal(err)
	}
	if err := c.handshake(nil); err != nil {
		t.Fatal(err)
	}
	if c.forked || c.pid != c.cmd.Process.Pid {
		t.Fatalf("MsgChildPid %d, want the started process %d", c.pid, c.cmd.Process.Pid)
	}
	r := c.readReport()
	if r.Pid != c.pid {
		t.Errorf("init sees pid %d, parent was told %d", r.Pid, c.pid)
	}
	for _, ns := range []string{"uts", "ipc", "net", "mnt", "cgroup"} {
		if r.NS[ns] == hostNS(t, 0, ns) {
			t.Errorf("%s namespace not new: %d", ns, r.NS[ns])
		}
	}
	for _, ns := range []string{"user", "pid", "time"} {
		if r.NS[ns] != hostNS(t, 0, ns) {
			t.Errorf("%s namespace changed: %d", ns, r.NS[ns])
		}
	}
	c.exit()
}

func TestCreatePIDNamespace(t *testing.T) {
	requireRoot(t)
	t.Parallel()
	c := start(t, &Bootstrap{CloneFlags: unix.CLONE_NEWPID}, nil)
	if !c.forked {
		t.Fatal("no fork for a new pid namespace")
	}
	if err := unix.Kill(c.pid, 0); err != nil {
		t.Fatalf("init %d: %v", c.pid, err)
	}
	// CLONE_PARENT: the init is our child, not the intermediate's.
	if ppid := procPPid(t, c.pid); ppid != os.Getpid() {
		t.Errorf("init's parent is %d, want %d", ppid, os.Getpid())
	}
	r := c.query()
	if r.Pid != 1 {
		t.Errorf("init sees pid %d, want 1", r.Pid)
	}
	if r.NS["pid"] == hostNS(t, 0, "pid") || r.NS["pid"] != hostNS(t, c.pid, "pid") {
		t.Errorf("pid namespace %d: host %d, /proc/%d %d", r.NS["pid"], hostNS(t, 0, "pid"), c.pid, hostNS(t, c.pid, "pid"))
	}
	c.exit()
}

func TestCreateUserNamespace(t *testing.T) {
	requireRoot(t)
	t.Parallel()
	c := start(t, &Bootstrap{CloneFlags: unix.CLONE_NEWUSER}, writeMaps(100000))
	r := c.query()
	if r.Uid != 0 || r.Gid != 0 {
		t.Errorf("uid %d gid %d, want 0 0", r.Uid, r.Gid)
	}
	if f := strings.Fields(r.UIDMap); len(f) != 3 || f[0] != "0" || f[1] != "100000" || f[2] != "65536" {
		t.Errorf("uid_map %q", r.UIDMap)
	}
	if r.NS["user"] == hostNS(t, 0, "user") {
		t.Error("user namespace not new")
	}
	c.exit()
}

// Everything a container gets, at once.
func TestCreateAll(t *testing.T) {
	requireRoot(t)
	t.Parallel()
	c := start(t, &Bootstrap{CloneFlags: NamespaceFlags, TimeOffsets: "monotonic 100 0\n"}, writeMaps(200000))
	r := c.query()
	if r.Pid != 1 || r.Uid != 0 {
		t.Errorf("pid %d uid %d, want 1 0", r.Pid, r.Uid)
	}
	for _, ns := range nsFiles {
		if r.NS[ns] == 0 || r.NS[ns] == hostNS(t, 0, ns) {
			t.Errorf("%s namespace not new: %d", ns, r.NS[ns])
		}
	}
	c.exit()
}

func TestTimeNamespaceOffsets(t *testing.T) {
	requireRoot(t)
	t.Parallel()
	const mono, boot = 1000, 2000
	c := start(t, &Bootstrap{
		CloneFlags:  unix.CLONE_NEWTIME,
		TimeOffsets: fmt.Sprintf("monotonic %d 0\nboottime %d 0\n", mono, boot),
	}, nil)
	if !c.forked {
		t.Fatal("no fork for a new time namespace")
	}
	b0, m0 := clockNS(unix.CLOCK_BOOTTIME), clockNS(unix.CLOCK_MONOTONIC)
	r := c.query()
	m1, b1 := clockNS(unix.CLOCK_MONOTONIC), clockNS(unix.CLOCK_BOOTTIME)
	if got := r.Monotonic - mono*1e9; got < m0 || got > m1 {
		t.Errorf("CLOCK_MONOTONIC in child %d, want %d s ahead of [%d, %d]", r.Monotonic, mono, m0, m1)
	}
	if got := r.Boottime - boot*1e9; got < b0 || got > b1 {
		t.Errorf("CLOCK_BOOTTIME in child %d, want %d s ahead of [%d, %d]", r.Boottime, boot, b0, b1)
	}
	if r.NS["time"] == hostNS(t, 0, "time") {
		t.Error("time namespace not new")
	}
	c.exit()
}

// Join uts/ipc/net/mnt of another init; mnt is given first but must be
// joined last (it would change what the other paths name).
func TestJoinNamespaces(t *testing.T) {
	requireRoot(t)
	t.Parallel()
	target := start(t, &Bootstrap{CloneFlags: unix.CLONE_NEWNET | unix.CLONE_NEWUTS | unix.CLONE_NEWIPC | unix.CLONE_NEWNS}, nil)
	names := []string{"mnt", "net", "uts", "ipc"}
	types := []uintptr{unix.CLONE_NEWNS, unix.CLONE_NEWNET, unix.CLONE_NEWUTS, unix.CLONE_NEWIPC}
	b := &Bootstrap{}
	for i, n := range names {
		b.Joins = append(b.Joins, Join{Type: types[i], Path: fmt.Sprintf("/proc/%d/ns/%s", target.pid, n)})
	}
	c := start(t, b, nil)
	if c.forked {
		t.Error("forked without a pid or time namespace")
	}
	r := c.query()
	for _, n := range names {
		if want := hostNS(t, target.pid, n); r.NS[n] != want {
			t.Errorf("%s namespace %d, want the target's %d", n, r.NS[n], want)
		}
	}
	c.exit()
	target.exit()
}

// A user namespace join goes first even when listed last.
func TestJoinUserNamespace(t *testing.T) {
	requireRoot(t)
	t.Parallel()
	target := start(t, &Bootstrap{CloneFlags: unix.CLONE_NEWUSER | unix.CLONE_NEWNET}, writeMaps(300000))
	c := start(t, &Bootstrap{Joins: []Join{
		{Type: unix.CLONE_NEWNET, Path: fmt.Sprintf("/proc/%d/ns/net", target.pid)},
		{Type: unix.CLONE_NEWUSER, Path: fmt.Sprintf("/proc/%d/ns/user", target.pid)},
	}}, nil)
	r := c.query()
	for _, n := range []string{"user", "net"} {
		if want := hostNS(t, target.pid, n); r.NS[n] != want {
			t.Errorf("%s namespace %d, want the target's %d", n, r.NS[n], want)
		}
	}
	if f := strings.Fields(r.UIDMap); len(f) != 3 || f[1] != "300000" {
		t.Errorf("uid_map %q, want the target's", r.UIDMap)
	}
	c.exit()
	target.exit()
}

func TestJoinPIDNamespace(t *testing.T) {
	requireRoot(t)
	t.Parallel()
	target := start(t, &Bootstrap{CloneFlags: unix.CLONE_NEWPID}, nil)
	c := start(t, &Bootstrap{Joins: []Join{{Type: unix.CLONE_NEWPID, Path: fmt.Sprintf("/proc/%d/ns/pid", target.pid)}}}, nil)
	if !c.forked {
		t.Fatal("no fork after joining a pid namespace")
	}
	r := c.query()
	if r.Pid <= 1 {
		t.Errorf("init sees pid %d, want > 1 in the target's namespace", r.Pid)
	}
	if want := hostNS(t, target.pid, "pid"); r.NS["pid"] != want {
		t.Errorf("pid namespace %d, want the target's %d", r.NS["pid"], want)
	}
	if ppid := procPPid(t, c.pid); ppid != os.Getpid() {
		t.Errorf("init's parent is %d, want %d", ppid, os.Getpid())
	}
	c.exit()
	target.exit()
}

func TestJoinTimeNamespace(t *testing.T) {
	requireRoot(t)
	t.Parallel()
	target := start(t, &Bootstrap{CloneFlags: unix.CLONE_NEWTIME, TimeOffsets: "monotonic 500 0\n"}, nil)
	c := start(t, &Bootstrap{Joins: []Join{{Type: unix.CLONE_NEWTIME, Path: fmt.Sprintf("/proc/%d/ns/time", target.pid)}}}, nil)
	m0 := clockNS(unix.CLOCK_MONOTONIC)
	r := c.query()
	m1 := clockNS(unix.CLOCK_MONOTONIC)
	if got := r.Monotonic - 500e9; got < m0 || got > m1 {
		t.Errorf("CLOCK_MONOTONIC %d, want 500 s ahead of [%d, %d]", r.Monotonic, m0, m1)
	}
	if want := hostNS(t, target.pid, "time"); r.NS["time"] != want {
		t.Errorf("time namespace %d, want the target's %d", r.NS["time"], want)
	}
	c.exit()
	target.exit()
}

func TestJoinMissingPath(t *testing.T) {
	requireRoot(t)
	t.Parallel()
	const path = "/nonexistent/ocirun-test/ns/net"
	c := spawn(t)
	p, _ := (&Bootstrap{CloneFlags: unix.CLONE_NEWUTS, Joins: []Join{{Type: unix.CLONE_NEWNET, Path: path}}}).Encode()
	WriteFrame(c.sock, MsgBootstrap, p)
	c.expectFailure(c.handshake(nil), "nsenter: open net namespace "+path, "No such file")
}

func TestJoinWrongType(t *testing.T) {
	requireRoot(t)
	t.Parallel()
	c := spawn(t)
	p, _ := (&Bootstrap{Joins: []Join{{Type: unix.CLONE_NEWUTS, Path: "/proc/self/ns/net"}}}).Encode()
	WriteFrame(c.sock, MsgBootstrap, p)
	c.expectFailure(c.handshake(nil), "nsenter: setns /proc/self/ns/net", "Invalid argument")
}

// A failed fork-path step must not leave the init running: here the pid
// namespace to join has no live init any more.
func TestJoinDeadPIDNamespace(t *testing.T) {
	requireRoot(t)
	t.Parallel()
	target := start(t, &Bootstrap{CloneFlags: unix.CLONE_NEWPID}, nil)
	// Keep the namespace, but not its init, alive.
	fd, err := unix.Open(fmt.Sprintf("/proc/%d/ns/pid", target.pid), unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	target.exit()
	c := spawn(t)
	// The fd is ours; the child reaches it through /proc/<our pid>/fd.
	p, _ := (&Bootstrap{Joins: []Join{{Type: unix.CLONE_NEWPID, Path: fmt.Sprintf("/proc/%d/fd/%d", os.Getpid(), fd)}}}).Encode()
	WriteFrame(c.sock, MsgBootstrap, p)
	c.expectFailure(c.handshake(nil), "nsenter: clone")
}

func TestUsermapRefused(t *testing.T) {
	requireRoot(t)
	t.Parallel()
	c := spawn(t)
	p, _ := (&Bootstrap{CloneFlags: unix.CLONE_NEWUSER | unix.CLONE_NEWPID}).Encode()
	WriteFrame(c.sock, MsgBootstrap, p)
	err := c.handshake(func(int) error { return fmt.Errorf("refused") })
	if err == nil || err.Error() != "refused" {
		t.Fatalf("handshake: %v", err)
	}
	c.expectExit1()
}

func attr(typ uint32, val []byte) []byte {
	b := binary.LittleEndian.AppendUint32(nil, typ)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(val)))
	return append(b, val...)
}

func nsPathAttr(nstype uint32, path string) []byte {
	return attr(AttrNSPath, append(binary.LittleEndian.AppendUint32(nil, nstype), path...))
}

func boot(payload []byte) []byte { return frame(MsgBootstrap, uint32(len(payload)), payload) }

func frame(typ uint32, n uint32, payload []byte) []byte {
	b := binary.LittleEndian.AppendUint32(nil, typ)
	b = binary.LittleEndian.AppendUint32(b, n)
	return append(b, payload...)
}

// Malformed bootstraps, written raw: each must end in a MsgError and exit
// status 1, never a crash or a hang.
func TestMalformedBootstrap(t *testing.T) {
	requireRoot(t)
	t.Parallel()
	long := strings.Repeat("a", unix.PathMax)
	cases := []struct {
		name  string
		bytes []byte // written, then our write side is shut down
		want  string
	}{
		{"empty stream", nil, "unexpected end of stream"},
		{"short header", []byte{1, 0, 0}, "unexpected end of stream"},
		{"wrong frame type", frame(MsgUsermapAck, 0, nil), "got frame type 3"},
		{"oversized", frame(MsgBootstrap, MaxBootstrap+1, nil), "exceeds the limit"},
		{"huge length", frame(MsgBootstrap, 0xffffffff, nil), "exceeds the limit"},
		{"payload cut short", frame(MsgBootstrap, 100, make([]byte, 10)), "stream ended inside"},
		{"truncated attribute", boot([]byte{1, 0, 0, 0, 4}), "truncated attribute header"},
		{"length beyond payload", boot(append(attr(AttrNSPath, nil)[:4], 100, 0, 0, 0, 0x40, 0, 0, 0, 'a', 'b')), "claims 100 bytes"},
		{"length wraps", boot(append(attr(AttrCloneFlags, nil)[:4], 0xfc, 0xff, 0xff, 0xff, 0, 0, 0, 0)), "claims"},
		{"unknown attribute", boot(attr(99, []byte{0, 0, 0, 0})), "unknown attribute type 99"},
		{"path too long", boot(nsPathAttr(unix.CLONE_NEWNET, long)), "too long"},
		{"path with NUL", boot(nsPathAttr(unix.CLONE_NEWNET, "/a\x00b")), "NUL"},
		{"empty path", boot(nsPathAttr(unix.CLONE_NEWNET, "")), "too short"},
		{"bad nstype", boot(nsPathAttr(unix.CLONE_NEWNET|unix.CLONE_NEWUTS, "x")), "invalid namespace type"},
		{"bad clone flags", boot(attr(AttrCloneFlags, []byte{0x11, 0, 0, 0})), "unsupported clone flags 0x11"},
		{"short clone flags", boot(attr(AttrCloneFlags, []byte{0, 0})), "want 4"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := spawn(t)
			if len(tc.bytes) > 0 {
				if _, err := c.sock.Write(tc.bytes); err != nil {
					t.Fatal(err)
				}
			}
			if err := unix.Shutdown(int(sysFd(t, c.sock)), unix.SHUT_WR); err != nil {
				t.Fatal(err)
			}
			c.expectFailure(c.handshake(nil), "nsenter: ", tc.want)
		})
	}
}

// Without _OCIRUN_INIT=1 the constructor does nothing, even with a bogus
// sync fd in the environment.
func TestNormalStartUntouched(t *testing.T) {
	t.Parallel()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), EnvInit+"=0", EnvSyncFD+"=garbage")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
}

func sysFd(t *testing.T, f *os.File) uintptr {
	t.Helper()
	rc, err := f.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var fd uintptr
	rc.Control(func(x uintptr) { fd = x })
	return fd
}

func procPPid(t *testing.T, pid int) int {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "PPid:"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(v))
			return n
		}
	}
	t.Fatalf("no PPid in /proc/%d/status", pid)
	return 0
}

// BenchmarkInitStart times a re-exec through the C stage into Go, with the
// namespaces of a typical container, to the first answer from the Go side.
func BenchmarkInitStart(b *testing.B) {
	if os.Geteuid() != 0 {
		b.Skip("needs root")
	}
	for _, bc := range []struct {
		name string
		bs   Bootstrap
		um   usermap
	}{
		{"none", Bootstrap{}, nil},
		{"container", Bootstrap{CloneFlags: unix.CLONE_NEWNS | unix.CLONE_NEWPID | unix.CLONE_NEWNET | unix.CLONE_NEWUTS | unix.CLONE_NEWIPC | unix.CLONE_NEWCGROUP}, nil},
		{"userns-container", Bootstrap{CloneFlags: NamespaceFlags &^ unix.CLONE_NEWTIME}, writeMaps(100000)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				c := start(b, &bc.bs, bc.um)
				c.query()
				c.exit()
			}
		})
	}
}

// The parent created the pid namespace itself (Go's clone) and the C stage
// has nothing to do, or only a user namespace to make: it must still
// report its pid as the parent sees it, not 1.
func TestParentMadePIDNamespace(t *testing.T) {
	requireRoot(t)
	t.Parallel()
	for _, tc := range []struct {
		name string
		b    Bootstrap
		um   usermap
	}{
		{"empty bootstrap", Bootstrap{}, nil},
		{"user namespace", Bootstrap{CloneFlags: unix.CLONE_NEWUSER | unix.CLONE_NEWNET}, writeMaps(400000)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := spawnWith(t, unix.CLONE_NEWPID)
			p, err := tc.b.Encode()
			if err != nil {
				t.Fatal(err)
			}
			WriteFrame(c.sock, MsgBootstrap, p)
			if err := c.handshake(tc.um); err != nil {
				t.Fatal(err)
			}
			if c.pid != c.cmd.Process.Pid {
				t.Fatalf("MsgChildPid %d, want %d", c.pid, c.cmd.Process.Pid)
			}
			r := c.query()
			if r.Pid != 1 {
				t.Errorf("init sees pid %d, want 1", r.Pid)
			}
			if tc.um != nil && (r.Uid != 0 || !strings.Contains(r.UIDMap, "400000")) {
				t.Errorf("uid %d, uid_map %q", r.Uid, r.UIDMap)
			}
			c.exit()
		})
	}
}
