package libcontainer

import (
	"testing"

	"golang.org/x/sys/unix"

	"github.com/oci-run/oci-run/libcontainer/configs"
)

func TestBootstrapFor(t *testing.T) {
	newOnly := &configs.Config{Namespaces: configs.Namespaces{{Type: configs.NEWNS}, {Type: configs.NEWPID}, {Type: configs.NEWCGROUP}}}
	if b, fast := bootstrapFor(newOnly); !fast || b.CloneFlags != 0 || len(b.Joins) != 0 {
		t.Fatalf("new namespaces only: fast=%v %+v, want the fast path", fast, b)
	}
	join := &configs.Config{Namespaces: configs.Namespaces{
		{Type: configs.NEWNS}, {Type: configs.NEWNET, Path: "/proc/1/ns/net"},
		{Type: configs.NEWUSER, Path: "/proc/1/ns/user"}, {Type: configs.NEWCGROUP}}}
	b, fast := bootstrapFor(join)
	if fast {
		t.Fatal("joins must take the C path")
	}
	if b.CloneFlags != unix.CLONE_NEWNS {
		t.Errorf("clone flags %#x, want CLONE_NEWNS only (cgroup ns is unshared later in Go)", b.CloneFlags)
	}
	if len(b.Joins) != 2 || b.Joins[0].Type != unix.CLONE_NEWUSER {
		t.Errorf("joins %+v: want user first", b.Joins)
	}
	timens := &configs.Config{Namespaces: configs.Namespaces{{Type: configs.NEWNS}, {Type: configs.NEWTIME}},
		TimeOffsets: map[string]configs.TimeOffset{"monotonic": {Secs: 5}, "boottime": {Secs: 1, Nanos: 2}}}
	b, fast = bootstrapFor(timens)
	if fast || b.TimeOffsets != "boottime 1 2\nmonotonic 5 0\n" {
		t.Errorf("time ns: fast=%v offsets %q", fast, b.TimeOffsets)
	}
}
