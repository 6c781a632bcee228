package integration

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// A user namespace with a mapping: the container's root is host uid
// 100000, it keeps its capabilities inside, and devices are usable.
func TestUserNamespace(t *testing.T) {
	t.Parallel()
	userNSEnv := func(args ...string) *env {
		e := newEnv(t, args...)
		// t.TempDir() is 0700: the container's root (host uid 100000) must
		// be able to reach its rootfs, as with any user-namespaced bundle.
		for _, d := range []string{filepath.Dir(e.dir), e.dir, e.bundle} {
			if err := os.Chmod(d, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		return e
	}
	e := userNSEnv("sh", "-c", "id -u; cat /proc/self/uid_map; cat /proc/self/gid_map; grep ^CapEff /proc/self/status; echo x > /dev/null && echo devnull-ok")
	e.spec.Linux.Namespaces = append(e.spec.Linux.Namespaces, specs.LinuxNamespace{Type: specs.UserNamespace})
	e.spec.Linux.UIDMappings = []specs.LinuxIDMapping{{ContainerID: 0, HostID: 100000, Size: 65536}}
	e.spec.Linux.GIDMappings = []specs.LinuxIDMapping{{ContainerID: 0, HostID: 100000, Size: 65536}}
	e.writeConfig()
	out := e.runOut()
	fields := strings.Fields(out)
	if len(fields) < 9 || fields[0] != "0" {
		t.Fatalf("output %q", out)
	}
	if fields[1] != "0" || fields[2] != "100000" || fields[3] != "65536" ||
		fields[4] != "0" || fields[5] != "100000" || fields[6] != "65536" {
		t.Errorf("maps %q, want 0 100000 65536 for uid and gid", fields[1:7])
	}
	want := "CapEff:\t" + hex16(capMask(t, e.spec.Process.Capabilities.Effective))
	if !strings.Contains(out, want) || !strings.Contains(out, "devnull-ok") {
		t.Errorf("output %q lacks %q or devnull-ok", out, want)
	}
	// The container's init really is host uid 100000.
	e2 := userNSEnv("sleep", "1000")
	e2.spec.Linux.Namespaces = e.spec.Linux.Namespaces
	e2.spec.Linux.UIDMappings, e2.spec.Linux.GIDMappings = e.spec.Linux.UIDMappings, e.spec.Linux.GIDMappings
	e2.writeConfig()
	mustOK(t, e2.rt("run", "--detach", "--bundle", e2.bundle, e2.id))
	st := e2.mustState(e2.id)
	status, err := os.ReadFile("/proc/" + strconv.Itoa(st.Pid) + "/status")
	if err != nil {
		t.Fatal(err)
	}
	if uid, _ := procStatusField(string(status), "Uid"); !strings.HasPrefix(uid, "100000") {
		t.Errorf("init's host Uid line %q, want 100000", uid)
	}
}

// A new time namespace with offsets goes through the C stage (unshare,
// offsets, fork): the container's boot clock is shifted.
func TestTimeNamespaceOffsets(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "cat", "/proc/uptime")
	e.spec.Linux.Namespaces = append(e.spec.Linux.Namespaces, specs.LinuxNamespace{Type: specs.TimeNamespace})
	const year = 365 * 24 * 3600
	e.spec.Linux.TimeOffsets = map[string]specs.LinuxTimeOffset{"boottime": {Secs: year}}
	e.writeConfig()
	out := e.runOut()
	up, err := strconv.ParseFloat(strings.Fields(out)[0], 64)
	if err != nil {
		t.Fatalf("uptime %q: %v", out, err)
	}
	host, _ := os.ReadFile("/proc/uptime")
	hostUp, _ := strconv.ParseFloat(strings.Fields(string(host))[0], 64)
	if d := up - hostUp; d < year-60 || d > year+60 {
		t.Errorf("container uptime %.0f, host %.0f: offset %.0f, want about %d", up, hostUp, d, year)
	}
}

// Joining an existing network namespace by path (the C stage's setns)
// while creating the others: the container sees that namespace.
func TestJoinNetworkNamespaceByPath(t *testing.T) {
	t.Parallel()
	holder := exec.Command("unshare", "--net", "sleep", "1000")
	if err := startOwn(holder); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { holder.Process.Kill(); holder.Wait() })
	path := "/proc/" + strconv.Itoa(holder.Process.Pid) + "/ns/net"
	var want string
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		l, err := os.Readlink(path)
		self, _ := os.Readlink("/proc/self/ns/net")
		if err == nil && l != self {
			want = l
			break
		}
	}
	if want == "" {
		t.Fatal("unshare --net did not make a network namespace")
	}
	e := newEnv(t, "sh", "-c", "readlink /proc/self/ns/net; echo pid=$$")
	for i, ns := range e.spec.Linux.Namespaces {
		if ns.Type == specs.NetworkNamespace {
			e.spec.Linux.Namespaces[i].Path = path
		}
	}
	e.writeConfig()
	out := e.runOut()
	if !strings.Contains(out, want+"\n") || !strings.Contains(out, "pid=1\n") {
		t.Errorf("output %q, want net ns %s and pid 1", out, want)
	}
	// A join path that does not exist: a clear error naming it.
	e2 := newEnv(t, "true")
	for i, ns := range e2.spec.Linux.Namespaces {
		if ns.Type == specs.NetworkNamespace {
			e2.spec.Linux.Namespaces[i].Path = "/proc/999999999/ns/net"
		}
	}
	e2.writeConfig()
	expectError(t, e2.rt("run", "--bundle", e2.bundle, e2.id), "/proc/999999999/ns/net")
}

// An idmapped bind mount in a user-namespaced container: a host directory
// owned by host root appears owned by the container's root, while the
// rest of the (unmapped) rootfs shows the overflow id. The parent makes
// the idmapped tree on the host side.
func TestIDMappedMountInUserNamespace(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sh", "-c", "stat -c %u /data/f; stat -c %u /bin")
	for _, d := range []string{filepath.Dir(e.dir), e.dir, e.bundle} {
		os.Chmod(d, 0o755)
	}
	data := filepath.Join(e.dir, "data")
	if err := os.MkdirAll(data, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(data, "f"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(e.rootfs, "data"), 0o755); err != nil {
		t.Fatal(err)
	}
	e.spec.Linux.Namespaces = append(e.spec.Linux.Namespaces, specs.LinuxNamespace{Type: specs.UserNamespace})
	e.spec.Linux.UIDMappings = []specs.LinuxIDMapping{{ContainerID: 0, HostID: 100000, Size: 65536}}
	e.spec.Linux.GIDMappings = []specs.LinuxIDMapping{{ContainerID: 0, HostID: 100000, Size: 65536}}
	e.spec.Mounts = append(e.spec.Mounts, specs.Mount{Destination: "/data", Type: "bind", Source: data, Options: []string{"rbind", "ro", "idmap"}})
	e.writeConfig()
	if out := strings.Fields(e.runOut()); len(out) != 2 || out[0] != "0" || out[1] != "65534" {
		t.Errorf("owners %v, want [0 65534] (idmapped /data, unmapped /bin)", out)
	}
}
