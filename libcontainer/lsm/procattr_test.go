package lsm

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// ownAttr is "<pid>/task/<tid>/<attr>" for the calling (locked) thread.
func ownAttr(attr string) string {
	return fmt.Sprintf("%d/task/%d/%s", unix.Getpid(), unix.Gettid(), attr)
}

func TestOpenThreadAttrRealProc(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	for _, opts := range []procOptions{
		{root: "/proc", fsopen: false},
		defaultProcOptions(), // a private procfs where fsopen is allowed
	} {
		f, name, err := openThreadAttr(opts, "attr/no-such-lsm/exec", "attr/exec")
		if err != nil {
			t.Fatalf("%+v: %v", opts, err)
		}
		f.Close()
		if !strings.HasSuffix(name, "/"+ownAttr("attr/exec")) {
			t.Errorf("%+v: opened %s, want this thread's %s", opts, name, ownAttr("attr/exec"))
		}
	}
}

func TestPrivateProcfs(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("fsopen(\"proc\") needs CAP_SYS_ADMIN")
	}
	fd, err := privateProcfs()
	if err != nil {
		t.Fatalf("private procfs: %v", err)
	}
	unix.Close(fd)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	f, name, err := openThreadAttr(defaultProcOptions(), "attr/exec")
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if want := "private procfs/" + ownAttr("attr/exec"); name != want {
		t.Fatalf("opened %s, want %s", name, want)
	}
}

func TestOpenThreadAttrMissing(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	_, _, err := openThreadAttr(procOptions{root: "/proc"}, "attr/no-such-lsm/exec")
	if !errors.Is(err, unix.ENOENT) || !strings.Contains(err.Error(), "attr/no-such-lsm/exec") {
		t.Fatalf("err = %v, want ENOENT naming the file", err)
	}
}

func TestProcRootRefusesDirectory(t *testing.T) {
	dir := t.TempDir()
	// A directory laid out like /proc: the file exists, the handle must
	// still be refused before anything is opened in it.
	ts := filepath.Join(dir, "1", "task", "1", "attr")
	if err := os.MkdirAll(ts, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(ts, "exec"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("1/task/1", filepath.Join(dir, "thread-self")); err != nil {
		t.Fatal(err)
	}
	_, _, err := openThreadAttr(procOptions{root: dir}, "attr/exec")
	if !errors.Is(err, ErrNotProcfs) || !strings.Contains(err.Error(), dir) {
		t.Fatalf("err = %v, want a refusal naming %s", err, dir)
	}
	if b, _ := os.ReadFile(filepath.Join(ts, "exec")); len(b) != 0 {
		t.Fatalf("fake attr written: %q", b)
	}
}

func TestProcRootRefusesProcSubdir(t *testing.T) {
	// /proc/self is on procfs, so a statfs check alone passes it: a bind
	// mount of a procfs directory over /proc must be refused too.
	_, _, err := openThreadAttr(procOptions{root: "/proc/self"}, "attr/exec")
	if !errors.Is(err, ErrNotProcfs) || !strings.Contains(err.Error(), "/proc/self") ||
		!strings.Contains(err.Error(), "root") {
		t.Fatalf("err = %v, want a not-the-procfs-root refusal", err)
	}
}

func TestThreadDirForm(t *testing.T) {
	root, name, err := openProcRoot(procOptions{root: "/proc"})
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(root)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	dir, err := threadDir(root, name)
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("%d/task/%d", unix.Getpid(), unix.Gettid()); dir != want {
		t.Fatalf("thread dir %q, want %q", dir, want)
	}
	for s, ok := range map[string]bool{"1": true, "4194304": true, "": false, "01": false, "-1": false, "1a": false, "99999999999": false} {
		if isDecimal(s) != ok {
			t.Errorf("isDecimal(%q) = %v", s, !ok)
		}
	}
}
