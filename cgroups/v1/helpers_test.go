package v1

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/oci-run/oci-run/cgroups/fscommon"
	"github.com/oci-run/oci-run/libcontainer/configs"

	"github.com/oci-run/oci-run/cgroups/internal/cgtest"
)

// TestMain doubles as a helper process: with OCIRUN_CGTEST_HELPER=alloc
// it waits for a line on stdin, then allocates memory until killed.
func TestMain(m *testing.M) {
	if os.Getenv("OCIRUN_CGTEST_HELPER") == "alloc" {
		_, _ = io.ReadFull(os.Stdin, make([]byte, 1))
		var keep [][]byte
		for {
			b := make([]byte, 1<<20)
			for i := range b {
				b[i] = byte(i)
			}
			keep = append(keep, b)
		}
	}
	os.Exit(m.Run())
}

func requireRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Fatalf("this test needs root (cgroup v1 hierarchies); run as root")
	}
}

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9_-]`)

// uniquePath is an absolute cgroupsPath nobody else uses.
func uniquePath(t *testing.T) string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return fmt.Sprintf("/ocirun-test-%s-%d-%s", unsafeChars.ReplaceAllString(t.Name(), "_"), os.Getpid(), hex.EncodeToString(b))
}

// newManager makes a v1 manager on the real hierarchies and registers a
// cleanup that thaws, kills what is left and destroys the cgroup, failing
// the test if anything remains.
func newManager(t *testing.T, c *configs.Cgroup, log *slog.Logger) *Manager {
	t.Helper()
	requireRoot(t)
	if c.Path == "" {
		c.Path = uniquePath(t)
	}
	m, err := New(c, fscommon.Options{Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, ok := m.dirs["freezer"]; ok && m.Exists() {
			_ = m.Freeze(configs.Thawed)
		}
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			pids, err := m.GetAllPids()
			if err != nil || len(pids) == 0 {
				break
			}
			for _, p := range pids {
				_ = syscall.Kill(p, syscall.SIGKILL)
			}
		}
		if err := m.Destroy(); err != nil {
			t.Errorf("cleanup: destroy: %v", err)
		}
		for sub, p := range m.Paths() {
			if _, err := os.Stat(p); err == nil {
				t.Errorf("cleanup: %s cgroup %s left behind", sub, p)
			}
		}
	})
	return m
}

// The child-process helpers are shared with the other driver's tests.
type child = cgtest.Child

func startChild(t *testing.T, script string) *child { return cgtest.StartChild(t, script) }

func readFile(t *testing.T, path string) string { return cgtest.ReadFile(t, path) }

func startCmd(t *testing.T, cmd *exec.Cmd) *child { return cgtest.StartCmd(t, cmd) }

func procState(t *testing.T, pid int) string {
	s := readFile(t, fmt.Sprintf("/proc/%d/status", pid))
	for line := range strings.SplitSeq(s, "\n") {
		if v, ok := strings.CutPrefix(line, "State:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
