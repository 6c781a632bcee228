package clients

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/oci-run/oci-run/shim"
)

// The runtime name containerd maps to containerd-shim-ocirun-v2.
const shimRuntime = "io.containerd.ocirun.v2"

// startShimContainerd starts a private containerd that finds oci-run's
// shim first on its PATH.
func startShimContainerd(t *testing.T) *containerd {
	t.Helper()
	if filepath.Base(shimBin) != "containerd-shim-ocirun-v2" {
		t.Fatalf("shim binary %s: containerd finds it by name, it must be called containerd-shim-ocirun-v2", shimBin)
	}
	env := []string{}
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, "PATH=") {
			env = append(env, e)
		}
	}
	env = append(env, "PATH="+filepath.Dir(shimBin)+":"+os.Getenv("PATH"))
	return startContainerdEnv(t, env)
}

// shimRun is `ctr run` with oci-run's shim.
func (c *containerd) shimRun(args ...string) (string, error) {
	return c.ctrErr(append([]string{"run", "--runtime", shimRuntime}, args...)...)
}

func exitCodeOf(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err == nil {
		return 0
	}
	return -1
}

// taskStatus is the STATUS column of `ctr task ls` for id ("" if absent).
func (c *containerd) taskStatus(id string) string {
	out := c.ctr("task", "ls")
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) >= 3 && f[0] == id {
			return f[2]
		}
	}
	return ""
}

func (c *containerd) waitTaskStatus(id, want string) {
	c.t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		got := c.taskStatus(id)
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("task %s: status %q, want %q", id, got, want)
		}
	}
}

// bundleDir is where containerd 1.6 puts a task's bundle.
func (c *containerd) bundleDir(id string) string {
	return filepath.Join(c.dir, "state", "io.containerd.runtime.v2.task", "default", id)
}

// shimProcesses lists the pids of oci-run shims serving task id.
func shimProcesses(id string) []int {
	var pids []int
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil {
			continue
		}
		args := strings.Split(string(b), "\x00")
		if len(args) == 0 || filepath.Base(args[0]) != "containerd-shim-ocirun-v2" {
			continue
		}
		for i := 0; i+1 < len(args); i++ {
			if args[i] == "-id" && args[i+1] == id {
				var pid int
				fmt.Sscan(e.Name(), &pid)
				pids = append(pids, pid)
			}
		}
	}
	return pids
}

// checkShimGone checks that nothing of task id is left: no shim process,
// shim socket, cgroup, state directory or mount.
func checkShimGone(t *testing.T, c *containerd, id string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); len(shimProcesses(id)) > 0; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Errorf("shim for %s still running: %v", id, shimProcesses(id))
			break
		}
	}
	sock := strings.TrimPrefix(shim.SocketAddress(shim.DefaultSocketDir, c.sock, "default", id), "unix://")
	if _, err := os.Stat(sock); err == nil {
		t.Errorf("shim socket left: %s", sock)
	}
	if m, _ := filepath.Glob("/sys/fs/cgroup/*/default/" + id); len(m) > 0 {
		t.Errorf("cgroups left: %v", m)
	}
	if _, err := os.Stat(filepath.Join(shim.DefaultStateRoot, "default", id)); err == nil {
		t.Errorf("state dir left: %s", filepath.Join(shim.DefaultStateRoot, "default", id))
	}
	if _, err := os.Stat(c.bundleDir(id)); err == nil {
		t.Errorf("bundle left: %s", c.bundleDir(id))
	}
	if mi, err := os.ReadFile("/proc/self/mountinfo"); err == nil {
		for _, line := range strings.Split(string(mi), "\n") {
			if f := strings.Fields(line); len(f) > 4 && strings.Contains(f[4], "/"+id) {
				t.Errorf("mount left: %s", f[4])
			}
		}
	}
}

// events collects `ctr events` output.
type events struct {
	cmd  *exec.Cmd
	mu   sync.Mutex
	out  strings.Builder
	done chan struct{}
	once sync.Once
}

// startEvents runs `ctr events` and returns once it is subscribed: it
// labels the namespace until that /namespaces/update event shows up.
func startEvents(t *testing.T, c *containerd) *events {
	t.Helper()
	e := &events{done: make(chan struct{})}
	e.cmd = exec.Command("ctr", "-a", c.sock, "events")
	r, err := e.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := e.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(e.done)
		s := bufio.NewScanner(r)
		for s.Scan() {
			e.mu.Lock()
			e.out.WriteString(s.Text() + "\n")
			e.mu.Unlock()
		}
	}()
	t.Cleanup(func() { e.stop() })
	for i, deadline := 0, time.Now().Add(20*time.Second); !strings.Contains(e.text(), "/namespaces/update"); i++ {
		if time.Now().After(deadline) {
			t.Fatalf("ctr events never showed a namespace update")
		}
		c.ctr("namespaces", "label", "default", fmt.Sprintf("oshim-probe=%d", i))
		time.Sleep(100 * time.Millisecond)
	}
	return e
}

func (e *events) text() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.out.String()
}

// waitFor waits (at most 20 s: events are published asynchronously)
// until every topic has been seen, then stops and returns the output.
func (e *events) waitFor(topics ...string) string {
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		all := true
		for _, topic := range topics {
			all = all && strings.Contains(e.text(), topic)
		}
		if all {
			break
		}
	}
	return e.stop()
}

func (e *events) stop() string {
	e.once.Do(func() {
		e.cmd.Process.Signal(syscall.SIGTERM)
		<-e.done
		e.cmd.Wait()
	})
	return e.text()
}
