package seccomp

import (
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
	"testing"

	libseccomp "github.com/seccomp/libseccomp-golang"
	"golang.org/x/sys/unix"

	"github.com/oci-run/oci-run/libcontainer/configs"
)

// mkdirNames covers both the old and the *at form (Go uses mkdirat).
var mkdirNames = []string{"mkdir", "mkdirat"}

func allow() *configs.Seccomp { return &configs.Seccomp{DefaultAction: "SCMP_ACT_ALLOW"} }

func wantErrnos(t *testing.T, got []syscall.Errno, want ...syscall.Errno) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("errnos %v (%d), want %v (%d)", got, got, want, want)
	}
}

func TestLoadErrnoRule(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		errnoRet *uint
		want     syscall.Errno
	}{
		{"default EPERM", nil, unix.EPERM},
		{"errnoRet ENOSPC", uintp(uint(unix.ENOSPC)), unix.ENOSPC},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			c := allow()
			c.Syscalls = []*configs.SeccompSyscall{{Names: mkdirNames, Action: "SCMP_ACT_ERRNO", ErrnoRet: tc.errnoRet}}
			got := mustRun(t, c, "mkdir:"+filepath.Join(dir, "d"), "getpid", "openat:/dev/null:0")
			wantErrnos(t, got, tc.want, 0, 0)
		})
	}
}

// An allow-list: everything else fails with defaultErrnoRet. The list holds
// what the Go runtime may do on the probing thread.
func TestLoadDefaultErrnoAllowList(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	c := &configs.Seccomp{
		DefaultAction:   "SCMP_ACT_ERRNO",
		DefaultErrnoRet: uintp(uint(unix.EXDEV)),
		Syscalls: []*configs.SeccompSyscall{{Action: "SCMP_ACT_ALLOW", Names: []string{
			"getpid", "gettid", "write", "read", "close", "exit", "exit_group", "futex", "nanosleep",
			"clock_nanosleep", "clock_gettime", "sched_yield", "mmap", "munmap", "madvise", "mprotect",
			"rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "sigaltstack", "tgkill", "clone", "clone3",
			"epoll_pwait", "epoll_pwait2", "epoll_ctl", "getrandom", "sched_getaffinity", "fcntl", "brk",
			"set_robust_list", "rseq", "prlimit64", "openat",
		}}},
	}
	got := mustRun(t, c, "getpid", "uname", "mkdir:"+filepath.Join(dir, "d"), "openat:/dev/null:0")
	wantErrnos(t, got, 0, unix.EXDEV, unix.EXDEV, 0)
}

func TestLoadArgConditions(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	c := allow()
	c.Syscalls = []*configs.SeccompSyscall{
		// Only the query form of personality is refused.
		{Names: []string{"personality"}, Action: "SCMP_ACT_ERRNO", ErrnoRet: uintp(uint(unix.EACCES)),
			Args: []*configs.SeccompArg{{Index: 0, Value: 0xffffffff, Op: "SCMP_CMP_EQ"}}},
		// Only opens that create: value is the mask, valueTwo the datum.
		{Names: []string{"open", "openat"}, Action: "SCMP_ACT_ERRNO", ErrnoRet: uintp(uint(unix.EROFS)),
			Args: []*configs.SeccompArg{{Index: 2, Value: unix.O_CREAT, ValueTwo: unix.O_CREAT, Op: "SCMP_CMP_MASKED_EQ"}}},
		// Two arguments: ANDed.
		{Names: []string{"getpriority"}, Action: "SCMP_ACT_ERRNO", ErrnoRet: uintp(uint(unix.ENOSPC)),
			Args: []*configs.SeccompArg{{Index: 0, Value: 0, Op: "SCMP_CMP_EQ"}, {Index: 1, Value: 12345, Op: "SCMP_CMP_EQ"}}},
		// Two conditions on one argument: separate rules, so ORed (runc).
		{Names: []string{"getpgid"}, Action: "SCMP_ACT_ERRNO", ErrnoRet: uintp(uint(unix.ENOSPC)),
			Args: []*configs.SeccompArg{{Index: 0, Value: 11111, Op: "SCMP_CMP_EQ"}, {Index: 0, Value: 22222, Op: "SCMP_CMP_EQ"}}},
		// Range operators.
		{Names: []string{"getsid"}, Action: "SCMP_ACT_ERRNO", ErrnoRet: uintp(uint(unix.E2BIG)),
			Args: []*configs.SeccompArg{{Index: 0, Value: 40000, Op: "SCMP_CMP_GT"}}},
	}
	got := mustRun(t, c,
		"personality:0xffffffff", "personality:0",
		"openat:"+filepath.Join(dir, "f")+":"+strconv.Itoa(unix.O_CREAT|unix.O_WRONLY), "openat:/dev/null:0",
		"getpriority:0:12345", "getpriority:0:0", "getpriority:1:12345",
		"getpgid:11111", "getpgid:22222", "getpgid:33333", "getpgid:0",
		"getsid:50000", "getsid:0",
	)
	wantErrnos(t, got,
		unix.EACCES, 0,
		unix.EROFS, 0,
		unix.ENOSPC, 0, unix.ESRCH,
		unix.ENOSPC, unix.ENOSPC, unix.ESRCH, 0,
		unix.E2BIG, 0,
	)
}

func TestLoadKillProcess(t *testing.T) {
	t.Parallel()
	c := allow()
	c.Syscalls = []*configs.SeccompSyscall{{Names: []string{"uname"}, Action: "SCMP_ACT_KILL_PROCESS"}}
	res := runChild(t, c, "getpid", "uname")
	if res.state == nil {
		t.Fatalf("child did not run: %s", res.stderr)
	}
	ws, _ := res.state.Sys().(syscall.WaitStatus)
	if !ws.Signaled() || ws.Signal() != unix.SIGSYS {
		t.Fatalf("child ended with %v, want killed by SIGSYS (stderr %s)", res.state, res.stderr)
	}
}

func TestLoadUnknownSyscallStillLoads(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	c := allow()
	c.Syscalls = []*configs.SeccompSyscall{{Names: []string{"no_such_syscall_xyz", "mkdirat", "mkdir"}, Action: "SCMP_ACT_ERRNO"}}
	_, warnings, err := Compile(c)
	if err != nil || !slices.Equal(warnings, []string{"no_such_syscall_xyz"}) {
		t.Fatalf("Compile: warnings %q, err %v", warnings, err)
	}
	wantErrnos(t, mustRun(t, c, "mkdir:"+filepath.Join(dir, "d")), unix.EPERM)
}

// TSYNC puts every thread of the process under the filter; without it only
// the loading thread is.
func TestLoadTsync(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		flags    []string
		mode     syscall.Errno
		mkdirErr syscall.Errno
	}{
		{[]string{FlagTsync}, 2, unix.ENOSPC},
		{nil, 0, 0},
	} {
		t.Run(string(rune('0'+len(tc.flags))), func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			c := allow()
			c.Flags = tc.flags
			c.Syscalls = []*configs.SeccompSyscall{{Names: mkdirNames, Action: "SCMP_ACT_ERRNO", ErrnoRet: uintp(uint(unix.ENOSPC))}}
			got := mustRun(t, c, "thread-mode", "thread-mkdir:"+filepath.Join(dir, "d"), "mkdir:"+filepath.Join(dir, "e"))
			wantErrnos(t, got, tc.mode, tc.mkdirErr, unix.ENOSPC)
		})
	}
}

// The LOG and SPEC_ALLOW flags are accepted and the filter works with them.
func TestLoadFlags(t *testing.T) {
	t.Parallel()
	for _, fl := range []string{FlagLog, FlagSpecAllow} {
		t.Run(fl, func(t *testing.T) {
			t.Parallel()
			if !slices.Contains(Supported().SupportedFlags, fl) {
				t.Skipf("kernel lacks %s", fl)
			}
			dir := t.TempDir()
			c := allow()
			c.Flags = []string{fl}
			c.Syscalls = []*configs.SeccompSyscall{{Names: mkdirNames, Action: "SCMP_ACT_ERRNO"}}
			wantErrnos(t, mustRun(t, c, "mkdir:"+filepath.Join(dir, "d")), unix.EPERM)
		})
	}
}

// Several actions that let the process go on, in one filter.
func TestLoadLogAndTraceActions(t *testing.T) {
	t.Parallel()
	c := allow()
	c.Syscalls = []*configs.SeccompSyscall{
		{Names: []string{"getpid"}, Action: "SCMP_ACT_LOG"},
		// Without a tracer, SCMP_ACT_TRACE fails the syscall with ENOSYS.
		{Names: []string{"uname"}, Action: "SCMP_ACT_TRACE"},
	}
	wantErrnos(t, mustRun(t, c, "getpid", "uname"), 0, unix.ENOSYS)
}

// A long profile (one rule per syscall, as Docker's has) takes libseccomp's
// binary tree path; it must behave the same.
func TestLoadLongProfile(t *testing.T) {
	t.Parallel()
	c := &configs.Seccomp{DefaultAction: "SCMP_ACT_ERRNO"}
	for nr := 0; nr < 1024; nr++ {
		name, err := libseccomp.ScmpSyscall(nr).GetName()
		if err != nil || name == "uname" {
			continue
		}
		c.Syscalls = append(c.Syscalls, &configs.SeccompSyscall{Names: []string{name}, Action: "SCMP_ACT_ALLOW"})
	}
	if len(c.Syscalls) < 100 {
		t.Fatalf("only %d syscalls named", len(c.Syscalls))
	}
	wantErrnos(t, mustRun(t, c, "getpid", "uname", "openat:/dev/null:0"), 0, unix.EPERM, 0)
}
