package clients

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/oci-run/oci-run/shim"
)

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

	// A process that cannot be run: the error reaches ctr, nothing is left.
	out, err = c.shimRun("--rm", "--rootfs", rootfs, "oshim-run3", "/bin/nonexistent")
	if err == nil || !strings.Contains(out, "/bin/nonexistent") {
		t.Errorf("run of a missing binary: %v %q", err, out)
	}
	if out := c.ctr("container", "ls", "-q"); strings.Contains(out, "oshim-run3") {
		c.ctr("container", "delete", "oshim-run3")
	}
	checkShimGone(t, c, "oshim-run3")
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

	if out, err := c.ctrErr("task", "exec", "--exec-id", "bad", id, "/bin/nonexistent"); err == nil || !strings.Contains(out, "/bin/nonexistent") {
		t.Errorf("exec of a missing binary: %v %q", err, out)
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

	topics := []string{shim.TopicTaskCreate, shim.TopicTaskStart, shim.TopicTaskExecAdded,
		shim.TopicTaskExecStarted, shim.TopicTaskPaused, shim.TopicTaskResumed, shim.TopicTaskExit, shim.TopicTaskDelete}
	got := ev.waitFor(topics...)
	for _, topic := range topics {
		if !strings.Contains(got, topic) {
			t.Errorf("no %s event from the shim; events:\n%s", topic, got)
		}
	}
}

// waitSize prints the tty and, once containerd has set it (at most 10 s),
// the window size. busybox stty prints nothing (and exits 0) for a 0x0
// pty.
const waitSize = `tty; i=0; while [ $i -lt 100 ]; do s=$(stty size 2>/dev/null); [ -n "$s" ] && [ "$s" != "0 0" ] && break; sleep 0.1; i=$((i+1)); done; echo "size $s"`

// A terminal: the process gets a pty, the window size containerd sets
// reaches it, and the output and exit code come back. ctr -t needs a
// terminal of its own: script(1) provides it.
func TestShimTTY(t *testing.T) {
	c := startShimContainerd(t)
	rootfs := busyboxRootfs(t)
	const id = "oshim-tty"
	// ctr 1.6 sends the window size right after Start: the process reads
	// it after a pause (see the exec case below).
	inner := fmt.Sprintf("stty cols 100 rows 30; ctr -a %s run --rm -t --runtime %s --rootfs %s %s /bin/sh -c '%s; exit 4'",
		c.sock, shimRuntime, rootfs, id, waitSize)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "script", "-qec", inner, "/dev/null")
	cmd.Stdin = nil
	b, err := cmd.CombinedOutput()
	out := string(b)
	if code := exitCodeOf(err); code != 4 {
		t.Errorf("tty run exit code %d (%v), want 4; output %q", code, err, out)
	}
	if !strings.Contains(out, "/dev/pts/") || !strings.Contains(out, "size 30 100") {
		t.Errorf("tty run output %q: want a /dev/pts tty of 30 rows, 100 cols", out)
	}

	// An exec with a terminal. ctr 1.6 resizes it right after Start, so
	// the process reads the size after a pause (at its very start the pty
	// may still be 0x0, with runc's shim too: a race in the protocol).
	const execID = "oshim-tty-exec"
	c.ctr("run", "-d", "--runtime", shimRuntime, "--rootfs", rootfs, execID, "/bin/sleep", "1000")
	c.waitTaskStatus(execID, "RUNNING")
	inner = fmt.Sprintf("stty cols 90 rows 20; ctr -a %s task exec -t --exec-id tty %s /bin/sh -c '%s; exit 6'",
		c.sock, execID, waitSize)
	b, err = exec.CommandContext(ctx, "script", "-qec", inner, "/dev/null").CombinedOutput()
	out = string(b)
	if code := exitCodeOf(err); code != 6 {
		t.Errorf("tty exec exit code %d (%v), want 6; output %q", code, err, out)
	}
	if !strings.Contains(out, "/dev/pts/") || !strings.Contains(out, "size 20 90") {
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
	if got := ev.waitFor(shim.TopicTaskOOM); !strings.Contains(got, shim.TopicTaskOOM) || !strings.Contains(got, id) {
		t.Errorf("no %s event for %s; events:\n%s", shim.TopicTaskOOM, id, got)
	}
	checkShimGone(t, c, id)
}

// Containers with the same sandbox-id annotation share one shim ("start"
// finds it serving and reuses it); the shim exits with its last task.
func TestShimGroupSharesOneShim(t *testing.T) {
	c := startShimContainerd(t)
	rootfs := busyboxRootfs(t)
	const group = "oshim-grp"
	ids := []string{"oshim-grp-a", "oshim-grp-b"}
	for _, id := range ids {
		c.ctr("run", "-d", "--annotation", "io.kubernetes.cri.sandbox-id="+group, "--runtime", shimRuntime,
			"--rootfs", rootfs, id, "/bin/sleep", "1000")
		c.waitTaskStatus(id, "RUNNING")
	}
	shims := shimProcesses(ids[0])
	if len(shims) != 1 || len(shimProcesses(ids[1])) != 0 {
		t.Fatalf("want one shim (started for %s), got %v and %v", ids[0], shims, shimProcesses(ids[1]))
	}
	for _, id := range ids {
		b, err := os.ReadFile(filepath.Join(c.bundleDir(id), "address"))
		if err != nil || string(b) != shim.SocketAddress(shim.DefaultSocketDir, c.sock, "default", group) {
			t.Errorf("%s address %q %v: want the group's socket", id, b, err)
		}
	}
	// The first task goes; the shared shim stays for the second.
	c.ctr("task", "kill", "-s", "KILL", ids[0])
	c.waitTaskStatus(ids[0], "STOPPED")
	c.ctr("task", "delete", ids[0])
	c.ctr("container", "delete", ids[0])
	time.Sleep(500 * time.Millisecond)
	if got := shimProcesses(ids[0]); len(got) != 1 || got[0] != shims[0] {
		t.Fatalf("shared shim gone with the first task: %v", got)
	}
	if out := c.ctr("task", "exec", "--exec-id", "x", ids[1], "/bin/echo", "still-served"); !strings.Contains(out, "still-served") {
		t.Errorf("exec in %s after deleting %s: %q", ids[1], ids[0], out)
	}
	c.ctr("task", "kill", "-s", "KILL", ids[1])
	c.waitTaskStatus(ids[1], "STOPPED")
	c.ctr("task", "delete", ids[1])
	c.ctr("container", "delete", ids[1])
	for _, id := range ids {
		checkShimGone(t, c, id)
	}
	sock := strings.TrimPrefix(shim.SocketAddress(shim.DefaultSocketDir, c.sock, "default", group), "unix://")
	if _, err := os.Stat(sock); err == nil {
		t.Errorf("group socket left: %s", sock)
	}
}

// Many `ctr run --rm` in a row through the shim, each using device nodes
// that containerd's default device rules allow. When the init got its
// spec before the parent had written the v1 device cgroup (deny-all, then
// the allow list), a mknod could land in between and the run failed (2
// of 40 runs). Every run must succeed and leave nothing.
func TestShimRepeatedRuns(t *testing.T) {
	c := startShimContainerd(t)
	rootfs := busyboxRootfs(t)
	const n = 50
	var failed []string
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("oshim-rep%d", i)
		out, err := c.shimRun("--rm", "--rootfs", rootfs, id,
			"/bin/sh", "-c", "echo x >/dev/null && head -c 4 /dev/zero | wc -c")
		if err != nil || strings.TrimSpace(out) != "4" {
			failed = append(failed, fmt.Sprintf("run %d: %v: %q", i, err, out))
			if ls, _ := c.ctrErr("container", "ls", "-q"); strings.Contains(ls, id) {
				c.ctrErr("task", "delete", "-f", id)
				c.ctrErr("container", "delete", id)
			}
		}
		checkShimGone(t, c, id)
	}
	if len(failed) > 0 {
		t.Errorf("%d of %d runs failed:\n%s", len(failed), n, strings.Join(failed, "\n"))
	}
}
