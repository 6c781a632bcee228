package seccomp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/oci-run/oci-run/libcontainer/configs"
)

// The filter tests re-execute the test binary: the child compiles the
// profile it is given, loads it on its locked main thread (with
// no_new_privs, so no privilege is needed), runs a list of probes (one
// syscall each) and prints the errno of each as JSON. A filter never
// touches the test process itself.

const (
	envProfile = "OCIRUN_SECCOMP_TEST_PROFILE" // the configs.Seccomp, JSON
	envProbes  = "OCIRUN_SECCOMP_TEST_PROBES"  // probes, separated by ";"
)

func TestMain(m *testing.M) {
	if p := os.Getenv(envProfile); p != "" {
		os.Exit(childMain(p, os.Getenv(envProbes)))
	}
	os.Exit(m.Run())
}

// childMain runs in the re-executed test binary.
func childMain(profile, probes string) int {
	runtime.LockOSThread()
	var c configs.Seccomp
	if err := json.Unmarshal([]byte(profile), &c); err != nil {
		fmt.Fprintln(os.Stderr, "child: profile:", err)
		return 3
	}
	f, _, err := Compile(&c)
	if err != nil {
		fmt.Fprintln(os.Stderr, "child: compile:", err)
		return 3
	}
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		fmt.Fprintln(os.Stderr, "child: no_new_privs:", err)
		return 3
	}
	fd, err := f.Load()
	if err != nil {
		fmt.Fprintln(os.Stderr, "child: load:", err)
		return 3
	}
	if fd >= 0 {
		st := &specs.ContainerProcessState{Pid: os.Getpid(), State: specs.State{ID: "test", Status: specs.StateCreating, Pid: os.Getpid()}}
		if err := SendNotify(&c, fd, st); err != nil {
			fmt.Fprintln(os.Stderr, "child: send notify:", err)
			return 3
		}
		unix.Close(fd)
	}
	var out []int
	for _, p := range strings.Split(probes, ";") {
		if p != "" {
			out = append(out, runProbe(p))
		}
	}
	data, _ := json.Marshal(out)
	unix.Write(1, data)
	return 0
}

// runProbe makes one syscall, described as "name:arg:arg", and returns its
// errno (0 on success). "thread-*" probes run on another OS thread and
// return a value, not an errno.
func runProbe(p string) int {
	f := strings.Split(p, ":")
	num := func(i int) uint64 {
		n, err := strconv.ParseUint(f[i], 0, 64)
		if err != nil {
			panic(err)
		}
		return n
	}
	var err error
	switch f[0] {
	case "getpid":
		_, _, e := unix.RawSyscall(unix.SYS_GETPID, 0, 0, 0)
		err = errnoOrNil(e)
	case "uname":
		var u unix.Utsname
		err = unix.Uname(&u)
	case "mkdir":
		err = unix.Mkdir(f[1], 0o755)
	case "openat":
		var fd int
		fd, err = unix.Open(f[1], int(num(2)), 0o644)
		if err == nil {
			unix.Close(fd)
		}
	case "personality":
		_, _, e := unix.RawSyscall(unix.SYS_PERSONALITY, uintptr(num(1)), 0, 0)
		err = errnoOrNil(e)
	case "getpgid":
		_, _, e := unix.RawSyscall(unix.SYS_GETPGID, uintptr(num(1)), 0, 0)
		err = errnoOrNil(e)
	case "getsid":
		_, _, e := unix.RawSyscall(unix.SYS_GETSID, uintptr(num(1)), 0, 0)
		err = errnoOrNil(e)
	case "getpriority":
		_, _, e := unix.RawSyscall(unix.SYS_GETPRIORITY, uintptr(num(1)), uintptr(num(2)), 0)
		err = errnoOrNil(e)
	case "thread-mode": // the seccomp mode of another thread
		return onOtherThread(func() int { return seccompMode() })
	case "thread-mkdir": // mkdir from another thread
		return onOtherThread(func() int { return errnoOf(unix.Mkdir(f[1], 0o755)) })
	default:
		panic("unknown probe " + p)
	}
	return errnoOf(err)
}

func errnoOrNil(e unix.Errno) error {
	if e == 0 {
		return nil
	}
	return e
}

func errnoOf(err error) int {
	var e unix.Errno
	if errors.As(err, &e) {
		return int(e)
	}
	if err != nil {
		return -1
	}
	return 0
}

// onOtherThread runs fn on an OS thread other than the calling (locked)
// one.
func onOtherThread(fn func() int) int {
	self := unix.Gettid()
	res := make(chan int)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		if unix.Gettid() == self {
			res <- -2
			return
		}
		res <- fn()
	}()
	return <-res
}

// seccompMode reads the Seccomp: field of /proc/thread-self/status.
func seccompMode() int {
	data, err := os.ReadFile("/proc/thread-self/status")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "Seccomp:"); ok {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil {
				return -1
			}
			return n
		}
	}
	return -1
}

// childResult is what a child did: the errnos of its probes, or how it
// ended when it did not finish.
type childResult struct {
	errnos []int
	state  *os.ProcessState
	stderr string
}

// runChild loads c in a fresh process and runs the probes there. It always
// waits for the child (killing it after a minute), so no process is left.
func runChild(t *testing.T, c *configs.Seccomp, probes ...string) childResult {
	t.Helper()
	profile, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), envProfile+"="+string(profile), envProbes+"="+strings.Join(probes, ";"))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	res := childResult{state: cmd.ProcessState, stderr: stderr.String()}
	if err != nil {
		return res
	}
	if err := json.Unmarshal(stdout.Bytes(), &res.errnos); err != nil {
		t.Fatalf("child output %q: %v (stderr %s)", stdout.String(), err, res.stderr)
	}
	return res
}

// mustRun is runChild for a child that must finish; it returns the errnos.
func mustRun(t *testing.T, c *configs.Seccomp, probes ...string) []syscall.Errno {
	t.Helper()
	res := runChild(t, c, probes...)
	if res.errnos == nil && len(probes) > 0 {
		t.Fatalf("child failed: %v: %s", res.state, res.stderr)
	}
	out := make([]syscall.Errno, len(res.errnos))
	for i, e := range res.errnos {
		out[i] = syscall.Errno(e)
	}
	return out
}

func uintp(v uint) *uint { return &v }
