// Package library tests libcontainer as a Go program uses it: in-process,
// with this test binary re-executed as the containers' init.
package library

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/oci-run/oci-run/libcontainer"
	"github.com/oci-run/oci-run/libcontainer/configs"
	"github.com/oci-run/oci-run/specconv"
)

func TestMain(m *testing.M) {
	if libcontainer.IsInit() {
		libcontainer.Init() // never returns
	}
	if os.Geteuid() != 0 {
		fmt.Fprintln(os.Stderr, "FAIL: the library tests start containers and must run as root")
		os.Exit(1)
	}
	if _, err := os.Stat("/bin/busybox"); err != nil {
		fmt.Fprintln(os.Stderr, "FAIL: /bin/busybox missing (apt-get install busybox-static)")
		os.Exit(1)
	}
	os.Exit(m.Run())
}

// newConfig builds a busybox bundle and converts the example spec.
func newConfig(t *testing.T, id string, args ...string) *configs.Config {
	t.Helper()
	bundle := t.TempDir()
	rootfs := filepath.Join(bundle, "rootfs")
	if err := os.MkdirAll(filepath.Join(rootfs, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	bb, err := os.ReadFile("/bin/busybox")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(rootfs, "bin", "busybox"), bb, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, a := range []string{"sh", "echo", "sleep", "cat", "true"} {
		if err := os.Symlink("busybox", filepath.Join(rootfs, "bin", a)); err != nil {
			t.Fatal(err)
		}
	}
	spec := specconv.Example()
	spec.Process.Terminal = false
	spec.Process.Args = args
	cfg, err := specconv.ToConfig(spec, specconv.Options{ID: id, BundleDir: bundle})
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func uniqueID(t *testing.T) string {
	return fmt.Sprintf("lib-%d-%d", os.Getpid(), time.Now().UnixNano()%1e9)
}

// checkGone asserts nothing of the container is left.
func checkGone(t *testing.T, root, id string) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(root, id)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("state dir of %s left: %v", id, err)
	}
	if m, _ := filepath.Glob("/sys/fs/cgroup/*/" + id); len(m) > 0 {
		t.Errorf("cgroups of %s left: %v", id, m)
	}
}

func TestRunInProcess(t *testing.T) {
	t.Parallel()
	root, id := t.TempDir(), uniqueID(t)
	cfg := newConfig(t, id, "sh", "-c", "echo hello from sh; exit 7")
	c, err := libcontainer.New(root, id, cfg, libcontainer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Run(&libcontainer.Process{Stdout: w, Stderr: w}); err != nil {
		t.Fatal(err)
	}
	w.Close()
	out, _ := io.ReadAll(r)
	ws, err := c.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if code := libcontainer.ExitCode(ws); code != 7 {
		t.Errorf("exit code %d, want 7", code)
	}
	if string(out) != "hello from sh\n" {
		t.Errorf("output %q", out)
	}
	if err := c.Destroy(false); err != nil {
		t.Fatal(err)
	}
	checkGone(t, root, id)
}

// The lifecycle a shim drives: create, load from another handle, start,
// signal, wait, destroy; several containers at once in one process.
func TestLifecycleConcurrent(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			id := fmt.Sprintf("%s-%d", uniqueID(t), i)
			cfg := newConfig(t, id, "sleep", "1000")
			c, err := libcontainer.New(root, id, cfg, libcontainer.Options{})
			if err != nil {
				t.Error(err)
				return
			}
			if err := c.Create(&libcontainer.Process{}); err != nil {
				t.Error(err)
				return
			}
			if st, _ := c.Status(); st != libcontainer.Created {
				t.Errorf("%s: status %s after Create", id, st)
			}
			other, err := libcontainer.Load(root, id, libcontainer.Options{})
			if err != nil {
				t.Error(err)
				return
			}
			if err := other.Start(); err != nil {
				t.Error(err)
				return
			}
			if st, _ := c.Status(); st != libcontainer.Running {
				t.Errorf("%s: status %s after Start", id, st)
			}
			if err := c.Signal(unix.SIGKILL, false); err != nil {
				t.Error(err)
			}
			ws, err := c.Wait()
			if err != nil || !ws.Signaled() || ws.Signal() != unix.SIGKILL {
				t.Errorf("%s: wait %v %v, want killed by SIGKILL", id, ws, err)
			}
			if st, _ := other.Status(); st != libcontainer.Stopped {
				t.Errorf("%s: status %s after the init died", id, st)
			}
			var se *libcontainer.StateError
			if err := other.Signal(unix.SIGTERM, false); !errors.As(err, &se) || !errors.Is(err, libcontainer.ErrNotRunning) {
				t.Errorf("%s: signal to a stopped container: %v", id, err)
			}
			if err := other.Destroy(false); err != nil {
				t.Error(err)
			}
			checkGone(t, root, id)
		}(i)
	}
	wg.Wait()
}

func TestErrorsAreTyped(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	if _, err := libcontainer.Load(root, "nope", libcontainer.Options{}); !errors.Is(err, libcontainer.ErrNotExist) {
		t.Errorf("Load unknown: %v", err)
	}
	if _, err := libcontainer.New(root, "a/b", &configs.Config{}, libcontainer.Options{}); !errors.Is(err, libcontainer.ErrInvalidID) {
		t.Errorf("New bad id: %v", err)
	}
	id := uniqueID(t)
	cfg := newConfig(t, id, "true")
	c, err := libcontainer.New(root, id, cfg, libcontainer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := libcontainer.New(root, id, cfg, libcontainer.Options{}); !errors.Is(err, libcontainer.ErrExist) {
		t.Errorf("New twice: %v", err)
	}
	// An init that fails (program not found) reports an InitError and
	// leaves nothing behind.
	cfg.Process.Args = []string{"/no/such/program"}
	err = c.Create(&libcontainer.Process{})
	var ie *libcontainer.InitError
	if !errors.As(err, &ie) || !strings.Contains(err.Error(), "/no/such/program") {
		t.Errorf("Create with a missing program: %v", err)
	}
	checkGone(t, root, id)
}

// The init runs from a sealed copy: writing to /proc/<init>/exe fails and
// the runtime binary on disk is unchanged (CVE-2019-5736).
func TestInitBinaryIsSealed(t *testing.T) {
	t.Parallel()
	root, id := t.TempDir(), uniqueID(t)
	cfg := newConfig(t, id, "sleep", "1000")
	c, err := libcontainer.New(root, id, cfg, libcontainer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Create(&libcontainer.Process{}); err != nil {
		t.Fatal(err)
	}
	defer c.Destroy(true)
	pid := c.State().InitPid
	self, _ := os.Readlink("/proc/self/exe")
	before, _ := os.ReadFile(self)
	f, err := os.OpenFile(fmt.Sprintf("/proc/%d/exe", pid), os.O_WRONLY, 0)
	if err == nil {
		_, err = f.Write([]byte("overwrite"))
		f.Close()
	}
	if err == nil {
		t.Fatal("wrote to the init's /proc/PID/exe")
	}
	if after, _ := os.ReadFile(self); !bytes.Equal(before, after) {
		t.Fatal("runtime binary changed")
	}
	if link, _ := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid)); link == self {
		t.Errorf("init's exe is the binary's host path %s", link)
	}
}

// A second handle from Load (not the init's parent) can wait for the
// init's exit through a pidfd.
func TestWaitExitFromLoadedHandle(t *testing.T) {
	t.Parallel()
	root, id := t.TempDir(), uniqueID(t)
	cfg := newConfig(t, id, "sleep", "1000")
	c, err := libcontainer.New(root, id, cfg, libcontainer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Run(&libcontainer.Process{}); err != nil {
		t.Fatal(err)
	}
	other, err := libcontainer.Load(root, id, libcontainer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	if err := other.WaitExit(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("WaitExit on a running container: %v, want the deadline", err)
	}
	cancel()
	done := make(chan error, 1)
	go func() { done <- other.WaitExit(context.Background()) }()
	if err := other.Signal(unix.SIGKILL, false); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("WaitExit: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("WaitExit did not return after the init was killed")
	}
	c.Wait() // the parent reaps
	if err := other.Destroy(false); err != nil {
		t.Fatal(err)
	}
	checkGone(t, root, id)
}

// openFDs counts this process's open file descriptors.
func openFDs(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(ents) - 1 // the directory's own fd
}

// A create or exec that fails after the sealed init binary was opened in
// the background (a terminal without a console socket; exec into a
// stopped container) closes that handle and its detached mounts: a
// long-lived program such as the shim would otherwise leak them. Not
// parallel, so that no other test's fds come and go meanwhile.
func TestFailedCreateAndExecLeakNoFDs(t *testing.T) {
	root := t.TempDir()
	// Warm up what the library opens once per process (the poller).
	warm := uniqueID(t) + "-w"
	c, err := libcontainer.New(root, warm, newConfig(t, warm, "true"), libcontainer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Run(&libcontainer.Process{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Wait(); err != nil {
		t.Fatal(err)
	}
	before := openFDs(t)
	for i := range 3 {
		id := fmt.Sprintf("%s-%d", uniqueID(t), i)
		cfg := newConfig(t, id, "true")
		cfg.Process.Terminal = true
		bad, err := libcontainer.New(root, id, cfg, libcontainer.Options{})
		if err != nil {
			t.Fatal(err)
		}
		err = bad.Run(&libcontainer.Process{})
		if err == nil || !strings.Contains(err.Error(), "console socket") {
			t.Fatalf("create with a terminal and no console socket: %v", err)
		}
		checkGone(t, root, id)
		_, err = c.Exec(&libcontainer.Process{Spec: &configs.Process{Args: []string{"true"}, Cwd: "/"}}, false)
		var se *libcontainer.StateError
		if !errors.As(err, &se) {
			t.Fatalf("exec into a stopped container: %v", err)
		}
	}
	if after := openFDs(t); after != before {
		t.Errorf("%d fds open after the failed creates and execs, %d before", after, before)
	}
	if err := c.Destroy(false); err != nil {
		t.Fatal(err)
	}
}
