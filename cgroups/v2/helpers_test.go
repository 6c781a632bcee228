package v2

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"regexp"
	"testing"

	"github.com/oci-run/oci-run/cgroups/fscommon"
	"github.com/oci-run/oci-run/libcontainer/configs"

	"github.com/oci-run/oci-run/cgroups/internal/cgtest"
)

// unified is this hybrid machine's cgroup2 mount (MACHINE.md): the core
// of the v2 driver is tested there for real.
const unified = "/sys/fs/cgroup/unified"

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9_-]`)

func uniquePath(t *testing.T) string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return fmt.Sprintf("/ocirun-test-%s-%d-%s", unsafeChars.ReplaceAllString(t.Name(), "_"), os.Getpid(), hex.EncodeToString(b))
}

// realManager makes a manager on the real cgroup2 mount and registers a
// cleanup that thaws, kills and destroys, failing if anything is left.
func realManager(t *testing.T, r *configs.Resources) *Manager {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Fatal("needs root")
	}
	if !fscommon.IsCgroup2(unified) {
		t.Fatalf("%s is not a cgroup2 mount on this machine", unified)
	}
	m, err := New(&configs.Cgroup{Path: uniquePath(t), Resources: r}, unified, fscommon.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if m.Exists() {
			_ = m.Freeze(configs.Thawed)
			_ = m.Kill()
		}
		if err := m.Destroy(); err != nil {
			t.Errorf("cleanup: destroy: %v", err)
		}
		if _, err := os.Stat(m.Path("")); err == nil {
			t.Errorf("cleanup: %s left behind", m.Path(""))
		}
	})
	return m
}

// The child-process helpers are shared with the other driver's tests.
type child = cgtest.Child

func startChild(t *testing.T, script string) *child { return cgtest.StartChild(t, script) }

func readFile(t *testing.T, path string) string { return cgtest.ReadFile(t, path) }

// fakeTree builds a temp dir shaped like a cgroup2 mount with the cgroup
// rel below it; leaf files are created empty (or with given content).
func fakeTree(t *testing.T, rel string, files map[string]string) (root string, m *Manager) {
	t.Helper()
	root = t.TempDir()
	write := func(p, v string) {
		if err := os.WriteFile(p, []byte(v), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(root+"/cgroup.controllers", "cpuset cpu io memory hugetlb pids rdma")
	write(root+"/cgroup.subtree_control", "")
	leaf := root + "/" + rel
	if err := os.MkdirAll(leaf, 0o755); err != nil {
		t.Fatal(err)
	}
	for f, v := range files {
		write(leaf+"/"+f, v)
	}
	m, err := New(&configs.Cgroup{Path: "/" + rel}, root, fscommon.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return root, m
}
