package clients

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	cgstats "github.com/containerd/cgroups/v3/cgroup1/stats"
	taskv2 "github.com/containerd/containerd/api/runtime/task/v2"
	"github.com/containerd/ttrpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"

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

// ctr run --rm: output reaches the client, the exit code is the
// container's, and nothing is left.
func TestShimRunExitCode(t *testing.T) {
	c := startShimContainerd(t)
	rootfs := busyboxRootfs(t)
	out, err := c.shimRun("--rm", "--rootfs", rootfs, "oshim-run1", "/bin/sh", "-c", "echo hi; echo err >&2; exit 3")
	if code := exitCodeOf(err); code != 3 {
		t.Errorf("exit code %d (%v), want 3; output %q", code, err, out)
	}
	if !strings.Contains(out, "hi\n") || !strings.Contains(out, "err\n") {
		t.Errorf("output %q, want hi and err", out)
	}
	checkShimGone(t, c, "oshim-run1")

	// stdin is copied to the process and closed at EOF.
	cmd := exec.Command("ctr", "-a", c.sock, "run", "--rm", "--runtime", shimRuntime, "--rootfs", rootfs,
		"oshim-run2", "/bin/sh", "-c", "cat; echo done")
	cmd.Stdin = strings.NewReader("from-stdin\n")
	b, err := cmd.CombinedOutput()
	if err != nil || string(b) != "from-stdin\ndone\n" {
		t.Errorf("stdin run: %v %q", err, b)
	}
	checkShimGone(t, c, "oshim-run2")
}

// run -d, exec (output, exit code, detached), ps, pause/resume, kill,
// delete, with the events containerd received from the shim.
func TestShimLifecycle(t *testing.T) {
	c := startShimContainerd(t)
	rootfs := busyboxRootfs(t)
	const id = "oshim-life"
	ev := startEvents(t, c)

	// The init is pid 1 of its pid namespace: SIGTERM reaches it only
	// through a handler, which exits 7.
	c.ctr("run", "-d", "--runtime", shimRuntime, "--rootfs", rootfs, id, "/bin/sh", "-c", "trap 'exit 7' TERM; sleep 1000 & wait")
	c.waitTaskStatus(id, "RUNNING")
	out, err := c.ctrErr("task", "exec", "--exec-id", "e1", id, "/bin/sh", "-c", "echo exec-ok; cat /proc/1/cmdline; exit 5")
	if code := exitCodeOf(err); code != 5 {
		t.Errorf("exec exit code %d (%v), want 5", code, err)
	}
	if !strings.Contains(out, "exec-ok") || !strings.Contains(out, "trap") {
		t.Errorf("exec output %q", out)
	}

	c.ctr("task", "exec", "-d", "--exec-id", "bg", id, "/bin/sleep", "500")
	var ps string
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		ps = c.ctr("task", "ps", id)
		if strings.Contains(ps, "ExecID:bg") || time.Now().After(deadline) {
			break
		}
	}
	// The init shell, its sleep, and exec bg.
	if n := len(strings.Split(strings.TrimSpace(ps), "\n")); n != 4 || !strings.Contains(ps, "ExecID:bg") {
		t.Errorf("task ps: want the init, its child and exec bg, got:\n%s", ps)
	}
	c.ctr("task", "kill", "--exec-id", "bg", "-s", "KILL", id)
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		ps = c.ctr("task", "ps", id)
		if len(strings.Split(strings.TrimSpace(ps), "\n")) == 3 {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("exec bg not gone after kill:\n%s", ps)
		}
	}

	c.ctr("task", "pause", id)
	if st := c.taskStatus(id); st != "PAUSED" {
		t.Errorf("after pause: %s", st)
	}
	c.ctr("task", "resume", id)
	if st := c.taskStatus(id); st != "RUNNING" {
		t.Errorf("after resume: %s", st)
	}
	c.ctr("task", "kill", "-s", "TERM", id)
	c.waitTaskStatus(id, "STOPPED")
	out, _ = c.ctrErr("task", "delete", id)
	if !strings.Contains(out, "exit code 7") {
		t.Errorf("task delete after SIGTERM: want exit code 7, got %q", out)
	}
	c.ctr("container", "delete", id)
	checkShimGone(t, c, id)

	got := ev.stop()
	for _, topic := range []string{shim.TopicTaskCreate, shim.TopicTaskStart, shim.TopicTaskExecAdded,
		shim.TopicTaskExecStarted, shim.TopicTaskPaused, shim.TopicTaskResumed, shim.TopicTaskExit, shim.TopicTaskDelete} {
		if !strings.Contains(got, topic) {
			t.Errorf("no %s event from the shim; events:\n%s", topic, got)
		}
	}
}

// events collects `ctr events` output.
type events struct {
	cmd  *exec.Cmd
	out  strings.Builder
	done chan struct{}
}

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
			e.out.WriteString(s.Text() + "\n")
		}
	}()
	t.Cleanup(func() { e.stop() })
	time.Sleep(200 * time.Millisecond) // let it subscribe
	return e
}

func (e *events) stop() string {
	time.Sleep(500 * time.Millisecond) // events are published asynchronously
	e.cmd.Process.Signal(syscall.SIGTERM)
	<-e.done
	e.cmd.Wait()
	return e.out.String()
}

// A terminal: the process gets a pty, the window size containerd sets
// reaches it, and the output and exit code come back. ctr -t needs a
// terminal of its own: script(1) provides it.
func TestShimTTY(t *testing.T) {
	c := startShimContainerd(t)
	rootfs := busyboxRootfs(t)
	const id = "oshim-tty"
	// ctr 1.6 sends the window size right after Start: the process reads
	// it after a pause (see the exec case below).
	inner := fmt.Sprintf("stty cols 100 rows 30; ctr -a %s run --rm -t --runtime %s --rootfs %s %s /bin/sh -c 'tty; sleep 1; stty size; exit 4'",
		c.sock, shimRuntime, rootfs, id)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "script", "-qec", inner, "/dev/null")
	cmd.Stdin = nil
	b, err := cmd.CombinedOutput()
	out := string(b)
	if code := exitCodeOf(err); code != 4 {
		t.Errorf("tty run exit code %d (%v), want 4; output %q", code, err, out)
	}
	if !strings.Contains(out, "/dev/pts/") || !strings.Contains(out, "30 100") {
		t.Errorf("tty run output %q: want a /dev/pts tty of 30 rows, 100 cols", out)
	}

	// An exec with a terminal. ctr 1.6 resizes it right after Start, so
	// the process reads the size after a pause (at its very start the pty
	// may still be 0x0, with runc's shim too: a race in the protocol).
	const execID = "oshim-tty-exec"
	c.ctr("run", "-d", "--runtime", shimRuntime, "--rootfs", rootfs, execID, "/bin/sleep", "1000")
	c.waitTaskStatus(execID, "RUNNING")
	inner = fmt.Sprintf("stty cols 90 rows 20; ctr -a %s task exec -t --exec-id tty %s /bin/sh -c 'tty; sleep 1; stty size; exit 6'",
		c.sock, execID)
	b, err = exec.CommandContext(ctx, "script", "-qec", inner, "/dev/null").CombinedOutput()
	out = string(b)
	if code := exitCodeOf(err); code != 6 {
		t.Errorf("tty exec exit code %d (%v), want 6; output %q", code, err, out)
	}
	if !strings.Contains(out, "/dev/pts/") || !strings.Contains(out, "20 90") {
		t.Errorf("tty exec output %q: want a /dev/pts tty of 20 rows, 90 cols", out)
	}
	c.ctr("task", "kill", "-s", "KILL", execID)
	c.waitTaskStatus(execID, "STOPPED")
	c.ctr("task", "delete", execID)
	c.ctr("container", "delete", execID)
	checkShimGone(t, c, id)
	checkShimGone(t, c, execID)
}

// The shim and its container outlive containerd: stop containerd, start
// it again on the same directories, the task is still there and can be
// exec'd into, killed and deleted.
func TestShimSurvivesContainerdRestart(t *testing.T) {
	c := startShimContainerd(t)
	rootfs := busyboxRootfs(t)
	const id = "oshim-restart"
	c.ctr("run", "-d", "--runtime", shimRuntime, "--rootfs", rootfs, id, "/bin/sleep", "1000")
	c.waitTaskStatus(id, "RUNNING")
	shims := shimProcesses(id)
	if len(shims) != 1 {
		t.Fatalf("want one shim for %s, got %v", id, shims)
	}

	c.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- c.cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("containerd did not exit on SIGTERM")
	}
	if err := syscall.Kill(shims[0], 0); err != nil {
		t.Fatalf("shim %d died with containerd: %v", shims[0], err)
	}
	c.launch()

	if st := c.taskStatus(id); st != "RUNNING" {
		t.Fatalf("after containerd restart: task %s is %q, want RUNNING", id, st)
	}
	if got := shimProcesses(id); len(got) != 1 || got[0] != shims[0] {
		t.Errorf("shim after restart: %v, want the same %v", got, shims)
	}
	if out := c.ctr("task", "exec", "--exec-id", "e-after", id, "/bin/echo", "still-here"); !strings.Contains(out, "still-here") {
		t.Errorf("exec after restart: %q", out)
	}
	c.ctr("task", "kill", "-s", "KILL", id)
	c.waitTaskStatus(id, "STOPPED")
	if out, _ := c.ctrErr("task", "delete", id); !strings.Contains(out, "exit code 137") {
		t.Errorf("task delete after SIGKILL: want exit code 137, got %q", out)
	}
	c.ctr("container", "delete", id)
	checkShimGone(t, c, id)
}

// Two containers in one namespace, each with its own shim, independent.
func TestShimTwoContainers(t *testing.T) {
	c := startShimContainerd(t)
	rootfs := busyboxRootfs(t)
	ids := []string{"oshim-two-a", "oshim-two-b"}
	for i, id := range ids {
		c.ctr("run", "-d", "--runtime", shimRuntime, "--rootfs", rootfs, id, "/bin/sleep", fmt.Sprint(1000+i))
	}
	for i, id := range ids {
		c.waitTaskStatus(id, "RUNNING")
		want := fmt.Sprintf("sleep\x00%d", 1000+i)
		if out := c.ctr("task", "exec", "--exec-id", "who", id, "/bin/cat", "/proc/1/cmdline"); !strings.Contains(out, want) {
			t.Errorf("exec in %s: init cmdline %q, want %q", id, out, want)
		}
	}
	a, b := shimProcesses(ids[0]), shimProcesses(ids[1])
	if len(a) != 1 || len(b) != 1 || a[0] == b[0] {
		t.Errorf("want one shim each: %v %v", a, b)
	}
	// Stopping one leaves the other running.
	c.ctr("task", "kill", "-s", "KILL", ids[0])
	c.waitTaskStatus(ids[0], "STOPPED")
	c.ctr("task", "delete", ids[0])
	c.ctr("container", "delete", ids[0])
	checkShimGone(t, c, ids[0])
	if st := c.taskStatus(ids[1]); st != "RUNNING" {
		t.Errorf("%s after deleting %s: %s", ids[1], ids[0], st)
	}
	c.ctr("task", "kill", "-s", "KILL", ids[1])
	c.waitTaskStatus(ids[1], "STOPPED")
	c.ctr("task", "delete", ids[1])
	c.ctr("container", "delete", ids[1])
	checkShimGone(t, c, ids[1])
}

// The task API's calls that ctr 1.6 has no command for (Update), or that
// it reports loosely (Connect, State, Stats), called on the shim's socket
// directly with a ttrpc client.
func TestShimTaskAPIDirect(t *testing.T) {
	c := startShimContainerd(t)
	rootfs := busyboxRootfs(t)
	const id = "oshim-api"
	c.ctr("run", "-d", "--runtime", shimRuntime, "--rootfs", rootfs, id, "/bin/sleep", "1000")
	c.waitTaskStatus(id, "RUNNING")
	addr, err := os.ReadFile(filepath.Join(c.bundleDir(id), "address"))
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("unix", strings.TrimPrefix(strings.TrimSpace(string(addr)), "unix://"))
	if err != nil {
		t.Fatal(err)
	}
	client := ttrpc.NewClient(conn)
	defer client.Close()
	task := taskv2.NewTaskClient(client)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	cr, err := task.Connect(ctx, &taskv2.ConnectRequest{ID: id})
	if err != nil {
		t.Fatal(err)
	}
	if shims := shimProcesses(id); len(shims) != 1 || int(cr.ShimPid) != shims[0] || cr.TaskPid == 0 {
		t.Errorf("connect: %+v, shims %v", cr, shims)
	}
	st, err := task.State(ctx, &taskv2.StateRequest{ID: id})
	if err != nil {
		t.Fatal(err)
	}
	if st.Pid != cr.TaskPid || st.Status.String() != "RUNNING" {
		t.Errorf("state: %v", st)
	}

	// Update: memory limit through OCI LinuxResources JSON, as containerd
	// sends it.
	res := &anypb.Any{TypeUrl: "types.containerd.io/opencontainers/runtime-spec/1/LinuxResources",
		Value: []byte(`{"memory":{"limit":104857600},"pids":{"limit":77}}`)}
	if _, err := task.Update(ctx, &taskv2.UpdateTaskRequest{ID: id, Resources: res}); err != nil {
		t.Fatalf("update: %v", err)
	}
	if b, err := os.ReadFile("/sys/fs/cgroup/memory/default/" + id + "/memory.limit_in_bytes"); err != nil || strings.TrimSpace(string(b)) != "104857600" {
		t.Errorf("memory limit after update: %q %v", b, err)
	}
	if b, err := os.ReadFile("/sys/fs/cgroup/pids/default/" + id + "/pids.max"); err != nil || strings.TrimSpace(string(b)) != "77" {
		t.Errorf("pids limit after update: %q %v", b, err)
	}
	if _, err := task.Update(ctx, &taskv2.UpdateTaskRequest{ID: id, Resources: &anypb.Any{TypeUrl: "x/Other", Value: []byte("{}")}}); err == nil {
		t.Error("update with a non-LinuxResources type succeeded")
	}

	sr, err := task.Stats(ctx, &taskv2.StatsRequest{ID: id})
	if err != nil {
		t.Fatalf("stats: %v", err)
	}
	var m cgstats.Metrics
	if sr.Stats.GetTypeUrl() != "io.containerd.cgroups.v1.Metrics" {
		t.Errorf("stats type %q, want io.containerd.cgroups.v1.Metrics", sr.Stats.GetTypeUrl())
	} else if err := proto.Unmarshal(sr.Stats.Value, &m); err != nil {
		t.Errorf("decode stats: %v", err)
	} else if m.GetPids().GetCurrent() != 1 || m.GetPids().GetLimit() != 77 || m.GetMemory().GetUsage().GetLimit() != 104857600 || m.GetCPU().GetUsage().GetTotal() == 0 {
		t.Errorf("stats: pids %v, memory usage %v, cpu %v", m.GetPids(), m.GetMemory().GetUsage(), m.GetCPU().GetUsage())
	}
	// ctr decodes them too.
	if out := c.ctr("task", "metrics", id); !strings.Contains(out, "pids.current") || !strings.Contains(out, "memory.usage_in_bytes") {
		t.Errorf("ctr task metrics: %q", out)
	}

	// An exec without stdio: start, wait for its status, delete.
	spec := &anypb.Any{TypeUrl: "types.containerd.io/opencontainers/runtime-spec/1/Process",
		Value: []byte(`{"args":["/bin/sh","-c","exit 9"],"cwd":"/","env":["PATH=/bin"]}`)}
	if _, err := task.Exec(ctx, &taskv2.ExecProcessRequest{ID: id, ExecID: "d1", Spec: spec}); err != nil {
		t.Fatalf("exec: %v", err)
	}
	if _, err := task.Exec(ctx, &taskv2.ExecProcessRequest{ID: id, ExecID: "d1", Spec: spec}); status.Code(err) != codes.AlreadyExists {
		t.Errorf("second exec d1: %v, want AlreadyExists", err)
	}
	if st, err := task.State(ctx, &taskv2.StateRequest{ID: id, ExecID: "d1"}); err != nil || st.Status.String() != "CREATED" {
		t.Errorf("state of an exec not started: %v %v", st, err)
	}
	if _, err := task.Start(ctx, &taskv2.StartRequest{ID: id, ExecID: "d1"}); err != nil {
		t.Fatalf("start exec: %v", err)
	}
	if wr, err := task.Wait(ctx, &taskv2.WaitRequest{ID: id, ExecID: "d1"}); err != nil || wr.ExitStatus != 9 {
		t.Errorf("wait exec: %v %v, want status 9", wr, err)
	}
	if _, err := task.Kill(ctx, &taskv2.KillRequest{ID: id, ExecID: "d1", Signal: 9}); status.Code(err) != codes.NotFound {
		t.Errorf("kill of an exited exec: %v, want NotFound", err)
	}
	if dr, err := task.Delete(ctx, &taskv2.DeleteRequest{ID: id, ExecID: "d1"}); err != nil || dr.ExitStatus != 9 {
		t.Errorf("delete exec: %v %v", dr, err)
	}
	// Pause and resume as State reports them; a running task is not deleted.
	if _, err := task.Pause(ctx, &taskv2.PauseRequest{ID: id}); err != nil {
		t.Fatal(err)
	}
	if st, _ := task.State(ctx, &taskv2.StateRequest{ID: id}); st.GetStatus().String() != "PAUSED" {
		t.Errorf("state after pause: %v", st)
	}
	if _, err := task.Resume(ctx, &taskv2.ResumeRequest{ID: id}); err != nil {
		t.Fatal(err)
	}
	if _, err := task.Delete(ctx, &taskv2.DeleteRequest{ID: id}); status.Code(err) != codes.FailedPrecondition {
		t.Errorf("delete of a running task: %v, want FailedPrecondition", err)
	}
	if _, err := task.Checkpoint(ctx, &taskv2.CheckpointTaskRequest{ID: id}); status.Code(err) != codes.Unimplemented {
		t.Errorf("checkpoint: %v, want Unimplemented", err)
	}

	// Unknown ids are NotFound.
	if _, err := task.State(ctx, &taskv2.StateRequest{ID: "nope"}); status.Code(err) != codes.NotFound {
		t.Errorf("state of unknown task: %v", err)
	}
	if _, err := task.Kill(ctx, &taskv2.KillRequest{ID: id, ExecID: "nope", Signal: 9}); status.Code(err) != codes.NotFound {
		t.Errorf("kill of unknown exec: %v", err)
	}
	client.Close()

	c.ctr("task", "kill", "-s", "KILL", id)
	c.waitTaskStatus(id, "STOPPED")
	c.ctr("task", "delete", id)
	c.ctr("container", "delete", id)
	checkShimGone(t, c, id)
}

// When the shim dies, containerd runs `containerd-shim-ocirun-v2 delete`,
// which destroys the orphaned container: its processes, cgroup and state.
func TestShimDeleteAfterShimDied(t *testing.T) {
	c := startShimContainerd(t)
	rootfs := busyboxRootfs(t)
	const id = "oshim-dead"
	c.ctr("run", "-d", "--runtime", shimRuntime, "--rootfs", rootfs, id, "/bin/sleep", "1000")
	c.waitTaskStatus(id, "RUNNING")
	var initPid int
	for _, line := range strings.Split(c.ctr("task", "ls"), "\n") {
		if f := strings.Fields(line); len(f) >= 3 && f[0] == id {
			fmt.Sscan(f[1], &initPid)
		}
	}
	shims := shimProcesses(id)
	if len(shims) != 1 || initPid == 0 {
		t.Fatalf("shims %v, init pid %d", shims, initPid)
	}
	if err := syscall.Kill(shims[0], syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	// containerd notices the shim is gone and cleans up with "delete".
	for deadline := time.Now().Add(15 * time.Second); c.taskStatus(id) != ""; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("task %s still listed after its shim died: %s", id, c.taskStatus(id))
		}
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", initPid))
		if err != nil || !strings.Contains(string(b), "sleep") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("container init %d still running after the shim's delete", initPid)
		}
	}
	c.ctr("container", "delete", id)
	checkShimGone(t, c, id)
}

// A container that runs out of memory is OOM-killed: ctr sees exit 137
// and containerd receives the shim's /tasks/oom event.
func TestShimOOMEvent(t *testing.T) {
	c := startShimContainerd(t)
	rootfs := busyboxRootfs(t)
	for _, a := range []string{"head", "tr"} {
		if err := os.Symlink("busybox", filepath.Join(rootfs, "bin", a)); err != nil {
			t.Fatal(err)
		}
	}
	const id = "oshim-oom"
	ev := startEvents(t, c)
	out, err := c.shimRun("--rm", "--memory-limit", "16777216", "--rootfs", rootfs, id,
		"/bin/sh", "-c", `a=$(head -c 60000000 /dev/zero | tr "\0" a); echo ${#a}`)
	if code := exitCodeOf(err); code != 137 {
		t.Errorf("exit code %d (%v), want 137 (OOM kill); output %q", code, err, out)
	}
	if got := ev.stop(); !strings.Contains(got, shim.TopicTaskOOM) || !strings.Contains(got, id) {
		t.Errorf("no %s event for %s; events:\n%s", shim.TopicTaskOOM, id, got)
	}
	checkShimGone(t, c, id)
}
