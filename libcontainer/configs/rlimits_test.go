package configs

import (
	"testing"

	"golang.org/x/sys/unix"
)

func TestRlimitValue(t *testing.T) {
	want := map[string]int{
		"RLIMIT_AS": unix.RLIMIT_AS, "RLIMIT_CORE": unix.RLIMIT_CORE, "RLIMIT_CPU": unix.RLIMIT_CPU,
		"RLIMIT_DATA": unix.RLIMIT_DATA, "RLIMIT_FSIZE": unix.RLIMIT_FSIZE, "RLIMIT_LOCKS": unix.RLIMIT_LOCKS,
		"RLIMIT_MEMLOCK": unix.RLIMIT_MEMLOCK, "RLIMIT_MSGQUEUE": unix.RLIMIT_MSGQUEUE, "RLIMIT_NICE": unix.RLIMIT_NICE,
		"RLIMIT_NOFILE": unix.RLIMIT_NOFILE, "RLIMIT_NPROC": unix.RLIMIT_NPROC, "RLIMIT_RSS": unix.RLIMIT_RSS,
		"RLIMIT_RTPRIO": unix.RLIMIT_RTPRIO, "RLIMIT_RTTIME": unix.RLIMIT_RTTIME,
		"RLIMIT_SIGPENDING": unix.RLIMIT_SIGPENDING, "RLIMIT_STACK": unix.RLIMIT_STACK,
	}
	for name, v := range want {
		got, ok := RlimitValue(name)
		if !ok || got != v {
			t.Errorf("RlimitValue(%q) = %d, %v; want %d", name, got, ok, v)
		}
		back, ok := RlimitName(v)
		if !ok || back != name {
			t.Errorf("RlimitName(%d) = %q, %v; want %q", v, back, ok, name)
		}
	}
	for _, bad := range []string{"", "NOFILE", "rlimit_nofile", "RLIMIT_FOO"} {
		if _, ok := RlimitValue(bad); ok {
			t.Errorf("RlimitValue(%q) accepted", bad)
		}
	}
	if _, ok := RlimitName(16); ok {
		t.Error("RlimitName(16) accepted")
	}
}
