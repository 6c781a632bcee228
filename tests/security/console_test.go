package security

import (
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// consoleSocket listens on a unix socket for the runtime's pty master
// (runc's --console-socket protocol: one message carrying the fd with
// SCM_RIGHTS). The received master is drained until closed.
type consoleSocket struct {
	path string
	l    *net.UnixListener
	got  chan error
}

func newConsoleSocket(t *testing.T, dir string) *consoleSocket {
	t.Helper()
	p := filepath.Join(dir, "console.sock")
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: p, Net: "unix"})
	must(t, err)
	c := &consoleSocket{path: p, l: l, got: make(chan error, 1)}
	go c.serve()
	t.Cleanup(func() { l.Close() })
	return c
}

func (c *consoleSocket) serve() {
	c.l.SetDeadline(time.Now().Add(30 * time.Second))
	conn, err := c.l.AcceptUnix()
	if err != nil {
		c.got <- err
		return
	}
	defer conn.Close()
	buf := make([]byte, 4096)
	oob := make([]byte, unix.CmsgSpace(4*4))
	_, oobn, _, _, err := conn.ReadMsgUnix(buf, oob)
	if err != nil {
		c.got <- err
		return
	}
	msgs, err := unix.ParseSocketControlMessage(oob[:oobn])
	if err != nil {
		c.got <- err
		return
	}
	var fds []int
	for _, m := range msgs {
		if f, err := unix.ParseUnixRights(&m); err == nil {
			fds = append(fds, f...)
		}
	}
	if len(fds) != 1 {
		for _, fd := range fds {
			unix.Close(fd)
		}
		c.got <- fmt.Errorf("want one fd on the console socket, got %d", len(fds))
		return
	}
	c.got <- nil
	master := os.NewFile(uintptr(fds[0]), "pty-master")
	go func() {
		time.AfterFunc(30*time.Second, func() { master.Close() })
		io.Copy(io.Discard, master)
		master.Close()
	}()
}

// CVE-2025-52565: runc bind-mounted the pty slave onto /dev/console by
// path (/dev/pts/N), and the container controlled both: a /dev/console that
// is a symlink to a host file, or /dev/pts/N names that are symlinks, made
// the runtime mount a host file read-write at /dev/console. Nothing
// host-side may be touched: the container writes to /dev/console and the
// canary must not change.
func TestCVE_2025_52565_ConsoleSymlinks(t *testing.T) {
	t.Parallel()
	script := "echo PWNED > /dev/console; echo PWNED > /dev/tty; echo ran > /out/ran"
	for _, v := range []string{"rootfs-dev-console-symlink", "bind-dev-console-symlink", "bind-dev-pts-symlinks"} {
		v := v
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, "sh", "-c", script)
			e.spec.Process.Terminal = true
			out := e.outDir()
			secret := filepath.Join(e.canary, "secret")
			switch v {
			case "rootfs-dev-console-symlink":
				e.withoutMount("/dev")
				e.symlinkInRootfs("dev/console", secret)
				e.symlinkInRootfs("dev/ptmx", filepath.Join(e.canary, "sub", "file"))
			case "bind-dev-console-symlink":
				devdir := e.hostDir("devdir")
				must(t, os.Symlink(secret, filepath.Join(devdir, "console")))
				must(t, os.Symlink("pts/ptmx", filepath.Join(devdir, "ptmx")))
				e.withoutMount("/dev")
				e.spec.Mounts = append([]specs.Mount{{Destination: "/dev", Type: "bind", Source: devdir,
					Options: []string{"rbind", "rw"}}}, e.spec.Mounts...)
			case "bind-dev-pts-symlinks":
				// No devpts instance of its own: /dev/ptmx is the host's
				// ptmx node, and every /dev/pts/N a symlink to the secret.
				devdir := e.hostDir("devdir")
				must(t, os.Mkdir(filepath.Join(devdir, "pts"), 0o755))
				must(t, unix.Mknod(filepath.Join(devdir, "ptmx"), unix.S_IFCHR|0o666, int(unix.Mkdev(5, 2))))
				for n := 0; n < 256; n++ {
					must(t, os.Symlink(secret, filepath.Join(devdir, "pts", fmt.Sprint(n))))
				}
				e.withoutDevMounts()
				e.spec.Mounts = append([]specs.Mount{{Destination: "/dev", Type: "bind", Source: devdir,
					Options: []string{"rbind", "rw"}}}, e.spec.Mounts...)
			}
			cs := newConsoleSocket(t, e.dir)
			e.allowed["console.sock"] = true
			e.writeConfig()
			r := e.rt("create", "--bundle", e.bundle, "--console-socket", cs.path, e.id)
			checkNoCrash(t, r)
			if r.code != 0 {
				t.Logf("refused: %s", r)
				return
			}
			select {
			case err := <-cs.got:
				if err != nil {
					t.Errorf("console socket: %v", err)
				}
			case <-time.After(10 * time.Second):
				t.Errorf("no pty master on the console socket")
			}
			r = e.rt("start", e.id)
			checkNoCrash(t, r)
			if r.code == 0 {
				if _, ok := waitFile(t, filepath.Join(out, "ran"), 10*time.Second); !ok {
					t.Logf("the container's process did not finish")
				}
			}
			t.Logf("outcome: %s", r)
		})
	}
}

// CVE-2023-25809: with /sys read-only in the spec and no cgroup namespace
// (and, for the rootless shape, a user namespace without its own network
// namespace, where sysfs is a bind of the host's /sys), runc exposed the
// host's cgroup hierarchy writable. /sys/fs/cgroup must be read-only in the
// container: no cgroup can be created, no cgroup file written.
func TestCVE_2023_25809_SysFsCgroupReadOnly(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"no-cgroupns-no-cgroup-mount", "no-cgroupns-cgroup-mount", "userns-without-netns", "rbind-host-sys-ro"} {
		v := v
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			probe := e.id + "-probe"
			script := fmt.Sprintf(`for d in /sys/fs/cgroup /sys/fs/cgroup/*; do
  [ -d "$d" ] || continue
  if mkdir "$d/%[1]s" 2>/dev/null; then echo "CREATED $d/%[1]s"; rmdir "$d/%[1]s"; else mkdir "$d/%[1]s" 2>&1 | sed 's/^/ERR /'; fi
done
for f in /sys/fs/cgroup/*/notify_on_release /sys/fs/cgroup/unified/cgroup.subtree_control; do
  [ -f "$f" ] || continue
  v=$(cat "$f")
  if ( echo "$v" > "$f" ) 2>/dev/null; then echo "WROTE $f"; else ( echo "$v" > "$f" ) 2>&1 | sed 's/^/ERR /'; fi
done
echo probed`, probe)
			e.spec.Process.Args = []string{"sh", "-c", script}
			e.withoutNamespace(specs.CgroupNamespace)
			switch v {
			case "no-cgroupns-no-cgroup-mount":
				e.withoutMount("/sys/fs/cgroup")
			case "userns-without-netns":
				e.withoutMount("/sys/fs/cgroup")
				e.withoutNamespace(specs.NetworkNamespace)
				e.spec.Linux.Namespaces = append(e.spec.Linux.Namespaces, specs.LinuxNamespace{Type: specs.UserNamespace})
				e.spec.Linux.UIDMappings = []specs.LinuxIDMapping{{ContainerID: 0, HostID: 0, Size: 65536}}
				e.spec.Linux.GIDMappings = []specs.LinuxIDMapping{{ContainerID: 0, HostID: 0, Size: 65536}}
			case "rbind-host-sys-ro":
				// The rootless spec's form: /sys is a read-only recursive
				// bind of the host's /sys; "ro" must reach the cgroup
				// mounts below it.
				e.withoutMount("/sys/fs/cgroup")
				e.withoutMount("/sys")
				e.spec.Mounts = append(e.spec.Mounts, specs.Mount{Destination: "/sys", Type: "none", Source: "/sys",
					Options: []string{"rbind", "nosuid", "noexec", "nodev", "ro"}})
			}
			e.writeConfig()
			r := e.rt("run", "--bundle", e.bundle, e.id)
			checkNoCrash(t, r)
			if r.code != 0 && v == "userns-without-netns" {
				t.Logf("refused (sysfs cannot be mounted): %s", r)
				return
			}
			mustOK(t, r)
			if !strings.Contains(r.stdout, "probed") {
				t.Fatalf("the probe did not run: %s", r)
			}
			for _, line := range strings.Split(r.stdout, "\n") {
				if strings.HasPrefix(line, "CREATED") || strings.HasPrefix(line, "WROTE") {
					t.Errorf("VULNERABLE: /sys/fs/cgroup is writable in the container: %s", line)
				}
			}
			// Where the cgroup hierarchies are visible, the refusal must be
			// the read-only mount's.
			if v != "no-cgroupns-no-cgroup-mount" && !strings.Contains(r.stdout, "Read-only") {
				t.Errorf("no write reached a read-only /sys/fs/cgroup: %s", r)
			}
			t.Logf("probe: %s", r.stdout)
		})
	}
}
