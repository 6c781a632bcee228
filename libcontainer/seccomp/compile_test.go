package seccomp

import (
	"runtime"
	"slices"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/oci-run/oci-run/libcontainer/configs"
)

func TestCompileErrors(t *testing.T) {
	t.Parallel()
	rule := func(action string, args ...*configs.SeccompArg) *configs.Seccomp {
		c := allow()
		c.Syscalls = []*configs.SeccompSyscall{{Names: []string{"getpid"}, Action: action, Args: args}}
		return c
	}
	withErrno := func(c *configs.Seccomp, v uint) *configs.Seccomp { c.Syscalls[0].ErrnoRet = &v; return c }
	notify := func(name, listener string) *configs.Seccomp {
		c := allow()
		c.ListenerPath = listener
		c.Syscalls = []*configs.SeccompSyscall{{Names: []string{name}, Action: "SCMP_ACT_NOTIFY"}}
		return c
	}
	for _, tc := range []struct {
		name string
		c    *configs.Seccomp
		want string // every error must name what is wrong
	}{
		{"nil", nil, "no profile"},
		{"unknown default action", &configs.Seccomp{DefaultAction: "SCMP_ACT_NOPE"}, `"SCMP_ACT_NOPE"`},
		{"empty default action", &configs.Seccomp{}, `unknown seccomp action ""`},
		{"unknown rule action", rule("SCMP_ACT_FOO"), `"SCMP_ACT_FOO"`},
		{"unknown operator", rule("SCMP_ACT_ERRNO", &configs.SeccompArg{Op: "SCMP_CMP_BAR"}), `"SCMP_CMP_BAR"`},
		{"argument index", rule("SCMP_ACT_ERRNO", &configs.SeccompArg{Index: 6, Op: "SCMP_CMP_EQ"}), "index 6"},
		{"unknown arch", &configs.Seccomp{DefaultAction: "SCMP_ACT_ALLOW", Architectures: []string{"SCMP_ARCH_Z80"}}, `"SCMP_ARCH_Z80"`},
		{"unknown flag", &configs.Seccomp{DefaultAction: "SCMP_ACT_ALLOW", Flags: []string{"SECCOMP_FILTER_FLAG_FAST"}}, `"SECCOMP_FILTER_FLAG_FAST"`},
		{"errnoRet on allow", withErrno(rule("SCMP_ACT_KILL"), 1), "SCMP_ACT_KILL takes no errnoRet"},
		{"defaultErrnoRet on allow", &configs.Seccomp{DefaultAction: "SCMP_ACT_ALLOW", DefaultErrnoRet: uintp(1)}, "SCMP_ACT_ALLOW takes no errnoRet"},
		{"errnoRet too big", withErrno(rule("SCMP_ACT_ERRNO"), 1<<16), "65536"},
		{"no names", &configs.Seccomp{DefaultAction: "SCMP_ACT_ALLOW", Syscalls: []*configs.SeccompSyscall{{Action: "SCMP_ACT_ERRNO"}}}, "no names"},
		{"empty name", &configs.Seccomp{DefaultAction: "SCMP_ACT_ALLOW", Syscalls: []*configs.SeccompSyscall{{Names: []string{""}, Action: "SCMP_ACT_ERRNO"}}}, "empty syscall name"},
		{"null rule", &configs.Seccomp{DefaultAction: "SCMP_ACT_ALLOW", Syscalls: []*configs.SeccompSyscall{nil}}, "rule 0 is null"},
		{"notify default", &configs.Seccomp{DefaultAction: "SCMP_ACT_NOTIFY"}, "SCMP_ACT_NOTIFY cannot be the default action"},
		{"notify without listener", notify("mkdirat", ""), "listenerPath is not set"},
		{"notify on write", notify("write", "/x"), "syscall write: SCMP_ACT_NOTIFY"},
		{"notify on sendmsg", notify("sendmsg", "/x"), "syscall sendmsg: SCMP_ACT_NOTIFY"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f, _, err := Compile(tc.c)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Compile: %v (filter %v), want an error with %q", err, f, tc.want)
			}
		})
	}
}

// An architecture libseccomp cannot add to a filter for this machine (the
// other byte order) is an error naming it.
func TestCompileForeignArch(t *testing.T) {
	t.Parallel()
	foreign := "SCMP_ARCH_S390X"
	if slices.Contains([]string{"s390x", "ppc64", "mips", "mips64"}, runtime.GOARCH) {
		foreign = "SCMP_ARCH_X86_64"
	}
	_, _, err := Compile(&configs.Seccomp{DefaultAction: "SCMP_ACT_ALLOW", Architectures: []string{foreign}})
	if err == nil || !strings.Contains(err.Error(), foreign) {
		t.Fatalf("Compile: %v, want an error naming %s", err, foreign)
	}
}

func TestCompileAccepts(t *testing.T) {
	t.Parallel()
	c := &configs.Seccomp{
		DefaultAction:   "SCMP_ACT_ERRNO",
		DefaultErrnoRet: uintp(uint(unix.ENOSYS)),
		Architectures:   nativeFamily(),
		Syscalls: []*configs.SeccompSyscall{
			{Names: []string{"read", "write", "unknown_one"}, Action: "SCMP_ACT_ALLOW"},
			// Repeats the default action (same errno): skipped.
			{Names: []string{"mkdir"}, Action: "SCMP_ACT_ERRNO", ErrnoRet: uintp(uint(unix.ENOSYS))},
			// Same action, other errno: kept.
			{Names: []string{"rmdir"}, Action: "SCMP_ACT_ERRNO", ErrnoRet: uintp(uint(unix.EPERM))},
			{Names: []string{"unknown_one", "unknown_two"}, Action: "SCMP_ACT_KILL_THREAD"},
			{Names: []string{"kill"}, Action: "SCMP_ACT_TRAP"},
			{Names: []string{"ptrace"}, Action: "SCMP_ACT_TRACE", ErrnoRet: uintp(7)},
			{Names: []string{"socket"}, Action: "SCMP_ACT_ALLOW", Args: []*configs.SeccompArg{
				{Index: 0, Value: 1, Op: "SCMP_CMP_NE"}, {Index: 1, Value: 3, Op: "SCMP_CMP_LT"},
				{Index: 2, Value: 4, Op: "SCMP_CMP_LE"}, {Index: 3, Value: 5, Op: "SCMP_CMP_GE"},
			}},
		},
	}
	f, warnings, err := Compile(c)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(warnings, []string{"unknown_one", "unknown_two"}) {
		t.Errorf("warnings %q", warnings)
	}
	if f.Notify() || f.flags != 0 || len(f.prog) == 0 {
		t.Errorf("notify %v, flags %#x, %d instructions", f.Notify(), f.flags, len(f.prog))
	}
	f.Release()
	if fd, err := f.Load(); err == nil || fd != -1 {
		t.Errorf("Load after Release: %d, %v", fd, err)
	}
}

// nativeFamily is the native architecture and its compat ABIs.
func nativeFamily() []string {
	switch runtime.GOARCH {
	case "amd64":
		return []string{"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"}
	case "arm64":
		return []string{"SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"}
	}
	return nil
}

func TestCompileFlags(t *testing.T) {
	t.Parallel()
	notifyRule := []*configs.SeccompSyscall{{Names: []string{"mkdirat"}, Action: "SCMP_ACT_NOTIFY"}}
	for _, tc := range []struct {
		name  string
		flags []string
		rules []*configs.SeccompSyscall
		want  uintptr
	}{
		{"none", nil, nil, 0},
		{"tsync", []string{FlagTsync}, nil, unix.SECCOMP_FILTER_FLAG_TSYNC},
		{"notify", nil, notifyRule, unix.SECCOMP_FILTER_FLAG_NEW_LISTENER},
		{"tsync+notify", []string{FlagTsync}, notifyRule,
			unix.SECCOMP_FILTER_FLAG_TSYNC | unix.SECCOMP_FILTER_FLAG_NEW_LISTENER | unix.SECCOMP_FILTER_FLAG_TSYNC_ESRCH},
		{"wait killable without notify", []string{FlagWaitKillableRecv}, nil, 0},
		{"wait killable with notify", []string{FlagWaitKillableRecv}, notifyRule,
			unix.SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV | unix.SECCOMP_FILTER_FLAG_NEW_LISTENER},
		{"log+spec allow", []string{FlagLog, FlagSpecAllow}, nil, unix.SECCOMP_FILTER_FLAG_LOG | unix.SECCOMP_FILTER_FLAG_SPEC_ALLOW},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for _, fl := range tc.flags {
				if !slices.Contains(Supported().SupportedFlags, fl) {
					t.Skipf("kernel lacks %s", fl)
				}
			}
			c := &configs.Seccomp{DefaultAction: "SCMP_ACT_ALLOW", Flags: tc.flags, Syscalls: tc.rules, ListenerPath: "/x"}
			f, _, err := Compile(c)
			if err != nil {
				t.Fatal(err)
			}
			if f.flags != tc.want {
				t.Errorf("flags %#x, want %#x", f.flags, tc.want)
			}
			if f.Notify() != (tc.rules != nil) {
				t.Errorf("Notify() = %v", f.Notify())
			}
		})
	}
}

// A notify rule on names libseccomp does not know adds nothing: no
// listener is needed then.
func TestCompileNotifyOnUnknownOnly(t *testing.T) {
	t.Parallel()
	c := allow()
	c.Syscalls = []*configs.SeccompSyscall{{Names: []string{"not_a_syscall"}, Action: "SCMP_ACT_NOTIFY"}}
	f, warnings, err := Compile(c)
	if err != nil || f.Notify() || len(warnings) != 1 {
		t.Fatalf("Compile: %v, notify %v, warnings %q", err, f != nil && f.Notify(), warnings)
	}
}

func TestSupported(t *testing.T) {
	t.Parallel()
	s := Supported()
	for _, want := range []struct {
		list  []string
		names []string
	}{
		{s.Actions, []string{"SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP",
			"SCMP_ACT_ERRNO", "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY"}},
		{s.Operators, []string{"SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ", "SCMP_CMP_GE",
			"SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ"}},
		{s.KnownFlags, []string{FlagTsync, FlagSpecAllow, FlagLog, FlagWaitKillableRecv}},
	} {
		if !slices.Equal(want.list, want.names) {
			t.Errorf("got %q, want %q", want.list, want.names)
		}
	}
	if !slices.Contains(s.Archs, "SCMP_ARCH_X86_64") || !slices.Contains(s.Archs, "SCMP_ARCH_AARCH64") {
		t.Errorf("archs %q", s.Archs)
	}
	for _, f := range s.SupportedFlags {
		if !slices.Contains(s.KnownFlags, f) {
			t.Errorf("supported flag %s is not known", f)
		}
	}
	// Every advertised name compiles (on a kernel that has it).
	for _, a := range s.Actions {
		c := &configs.Seccomp{DefaultAction: "SCMP_ACT_ALLOW", ListenerPath: "/x",
			Syscalls: []*configs.SeccompSyscall{{Names: []string{"mkdirat"}, Action: a}}}
		if _, _, err := Compile(c); err != nil && !strings.Contains(err.Error(), "not supported by this kernel") {
			t.Errorf("action %s: %v", a, err)
		}
	}
	for _, op := range s.Operators {
		c := &configs.Seccomp{DefaultAction: "SCMP_ACT_ALLOW", Syscalls: []*configs.SeccompSyscall{
			{Names: []string{"mkdirat"}, Action: "SCMP_ACT_ERRNO", Args: []*configs.SeccompArg{{Index: 1, Value: 1, Op: op}}}}}
		if _, _, err := Compile(c); err != nil {
			t.Errorf("operator %s: %v", op, err)
		}
	}
}
