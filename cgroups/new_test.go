package cgroups

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"testing"

	"github.com/oci-run/oci-run/cgroups/systemd"
	v1 "github.com/oci-run/oci-run/cgroups/v1"
	v2 "github.com/oci-run/oci-run/cgroups/v2"
	"github.com/oci-run/oci-run/libcontainer/configs"
)

func uniquePath(t *testing.T) string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return fmt.Sprintf("/ocirun-test-new-%d-%s", os.Getpid(), hex.EncodeToString(b))
}

func TestNewPicksDriver(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Fatal("needs root")
	}
	// This hybrid host: a tmpfs at /sys/fs/cgroup with v1 hierarchies -> v1.
	m, err := New(&configs.Cgroup{Path: uniquePath(t)}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := m.(*v1.Manager); !ok {
		t.Fatalf("default driver %T, want v1", m)
	}
	if err := m.Apply(-1); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := m.Destroy(); err != nil || m.Exists() {
			t.Errorf("destroy: %v", err)
		}
	})
	l, err := Load(m.Paths(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := l.(*v1.Manager); !ok || len(l.Paths()) != len(m.Paths()) {
		t.Errorf("Load: %T %v", l, l.Paths())
	}

	// Root pointing at a cgroup2 mount -> v2.
	m2, err := New(&configs.Cgroup{Path: uniquePath(t)}, Options{Root: "/sys/fs/cgroup/unified"})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := m2.(*v2.Manager); !ok {
		t.Fatalf("driver for a cgroup2 root: %T", m2)
	}
	if err := m2.Apply(-1); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := m2.Destroy(); err != nil || m2.Exists() {
			t.Errorf("destroy v2: %v", err)
		}
	})
	l2, err := Load(m2.Paths(), Options{V2Root: "/sys/fs/cgroup/unified"})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := l2.(*v2.Manager); !ok || l2.Path("") != m2.Path("") {
		t.Errorf("Load v2: %T %v", l2, l2.Paths())
	}
	if _, ok := l2.(Killer); !ok {
		t.Error("v2 manager is not a Killer")
	}
}

func TestNewErrors(t *testing.T) {
	// The systemd driver computes its paths without contacting systemd;
	// cgroups/systemd tests the rest against a stand-in.
	sm, err := New(&configs.Cgroup{Systemd: true, Parent: "system.slice", ScopePrefix: "ocirun", Name: "x"}, Options{})
	if err != nil {
		t.Fatalf("systemd: %v", err)
	}
	if u := sm.Paths()[systemd.UnitKey]; u != "ocirun-x.scope" {
		t.Errorf("systemd unit %q in %v", u, sm.Paths())
	}
	if _, err := New(&configs.Cgroup{Systemd: true, Parent: "a--b.slice", Name: "x"}, Options{}); !errors.Is(err, ErrInvalid) {
		t.Errorf("bad slice: %v", err)
	}
	if _, err := New(nil, Options{}); !errors.Is(err, ErrInvalid) {
		t.Errorf("nil config: %v", err)
	}
	if _, err := Load(nil, Options{}); !errors.Is(err, ErrInvalid) {
		t.Errorf("Load(nil): %v", err)
	}
}

// TestSystemdDispatch checks the wiring only (no D-Bus is contacted until
// Apply); cgroups/systemd tests the driver against a stand-in systemd.
func TestSystemdDispatch(t *testing.T) {
	c := &configs.Cgroup{Systemd: true, ScopePrefix: "ocirun", Name: "dispatch"}
	m, err := New(c, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := m.(*systemd.Manager); !ok {
		t.Fatalf("v1 systemd manager is %T", m)
	}
	if _, ok := m.(Killer); ok {
		t.Error("a v1 systemd manager claims an atomic kill")
	}
	l, err := Load(m.Paths(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if sm, ok := l.(*systemd.Manager); !ok || sm.Unit() != "ocirun-dispatch.scope" {
		t.Errorf("Load: %T %v", l, l.Paths())
	}
	u, err := New(c, Options{Root: "/sys/fs/cgroup/unified"})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := u.(Killer); !ok {
		t.Errorf("unified systemd manager %T is not a Killer", u)
	}
	if p := u.Path(""); p != "/sys/fs/cgroup/unified/system.slice/ocirun-dispatch.scope" {
		t.Errorf("unified path %q", p)
	}
	lu, err := Load(u.Paths(), Options{V2Root: "/sys/fs/cgroup/unified"})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := lu.(Killer); !ok || lu.Path("") != u.Path("") {
		t.Errorf("Load unified: %T %v", lu, lu.Paths())
	}
}
