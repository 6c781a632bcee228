package systemd_test

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/oci-run/oci-run/cgroups/fscommon"
	"github.com/oci-run/oci-run/cgroups/systemd/systemdtest"
)

// v1Managed are the v1 hierarchies real systemd manages for a scope; the
// driver's fs side creates the others (cpuset, freezer, ...).
var v1Managed = []string{"cpu", "cpuacct", "memory", "pids", "blkio", "devices", "systemd"}

func requireRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Fatal("this test needs root (real cgroup hierarchies); run as root")
	}
}

// standIn starts a private dbus-daemon and the systemd stand-in on it,
// with scopes created in hierarchies; both stop at cleanup, failing the
// test if the stand-in could not remove what it made. No systemd here
// means these are the only tests of the D-Bus side: a missing or broken
// dbus-daemon fails, it does not skip.
func standIn(t *testing.T, cfg systemdtest.Config) (*systemdtest.Systemd, string) {
	t.Helper()
	requireRoot(t)
	dir, err := os.MkdirTemp("", "ocirun-sdbus-")
	if err != nil {
		t.Fatal(err)
	}
	d, err := systemdtest.StartDaemon(dir)
	if err != nil {
		os.RemoveAll(dir)
		t.Fatalf("private dbus-daemon: %v", err)
	}
	sd, err := systemdtest.Start(d.Address, cfg)
	if err != nil {
		d.Close()
		os.RemoveAll(dir)
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := sd.Close(); err != nil {
			t.Errorf("stand-in cleanup: %v", err)
		}
		d.Close()
		os.RemoveAll(dir)
	})
	return sd, d.Address
}

func v1Hierarchies() []string {
	var out []string
	for _, h := range v1Managed {
		out = append(out, filepath.Join(fscommon.DefaultRoot, h))
	}
	return out
}

// removeSliceDirs registers a cleanup that removes a slice's directories
// (slicePath as ExpandSlice returns it) from every hierarchy below
// /sys/fs/cgroup, deepest first, and fails the test if one stays. The fs
// driver creates the slice directories in hierarchies systemd does not
// manage (cpuset, freezer, ...) and, like runc, leaves them for other
// containers of the slice; a test leaves nothing. Register it before
// standIn so it runs after the stand-in removed its own.
func removeSliceDirs(t *testing.T, slicePath string) {
	t.Helper()
	t.Cleanup(func() {
		hs, _ := filepath.Glob(fscommon.DefaultRoot + "/*")
		parts := strings.Split(strings.Trim(slicePath, "/"), "/")
		for _, h := range hs {
			for i := len(parts); i > 0; i-- {
				d := filepath.Join(append([]string{h}, parts[:i]...)...)
				if err := os.Remove(d); err != nil && !os.IsNotExist(err) {
					t.Errorf("slice directory left: %v", err)
				}
			}
		}
	})
}

// uniqueName is a unit or slice name part nobody else uses (no "-", which
// nests slices).
func uniqueName(t *testing.T) string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return "ocirunt" + hex.EncodeToString(b)
}

// sleeper starts a child that sleeps until killed; cleanup kills it.
func sleeper(t *testing.T) *exec.Cmd {
	t.Helper()
	cmd := exec.Command("sleep", "1000")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { kill(cmd) })
	return cmd
}

// kill kills and reaps cmd (again is harmless).
func kill(cmd *exec.Cmd) {
	_ = cmd.Process.Signal(syscall.SIGKILL)
	_ = cmd.Wait()
}

// procCgroup returns pid's cgroup per hierarchy key ("memory",
// "name=systemd", "" for v2).
func procCgroup(t *testing.T, pid int) map[string]string {
	t.Helper()
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cgroup")
	if err != nil {
		t.Fatal(err)
	}
	return fscommon.ParseProcCgroup(string(b))
}

func readTrim(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

// gone checks that no directory remains.
func gone(t *testing.T, dirs ...string) {
	t.Helper()
	for _, d := range dirs {
		if _, err := os.Stat(d); !os.IsNotExist(err) {
			t.Errorf("%s still exists (%v)", d, err)
		}
	}
}
