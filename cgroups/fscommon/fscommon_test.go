package fscommon

import (
	"errors"
	"os"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

func TestRelPath(t *testing.T) {
	for in, want := range map[string]string{
		"/": "", "": "", "/a/b": "a/b", "a/b/": "a/b", "/a/../b": "b", "//a//b": "a/b",
	} {
		if got, err := RelPath(in); err != nil || got != want {
			t.Errorf("RelPath(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"..", "../a", "a/../../b", "a\x00b"} {
		if _, err := RelPath(bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("RelPath(%q) = %v, want ErrInvalid", bad, err)
		}
	}
	// absolute paths are clamped below the root by Clean: "/../a" is "/a".
	if got, _ := RelPath("/../a"); got != "a" {
		t.Errorf("RelPath(/../a) = %q", got)
	}
}

func TestValidName(t *testing.T) {
	for _, bad := range []string{"", ".", "..", "a/b", "a\x00"} {
		if ValidName(bad) == nil {
			t.Errorf("ValidName(%q) accepted", bad)
		}
	}
	if err := ValidName("memory.max"); err != nil {
		t.Error(err)
	}
}

func TestParseMountsAndProcCgroup(t *testing.T) {
	mi := `25 30 0:23 / /sys/fs/cgroup rw - tmpfs tmpfs rw
26 25 0:24 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu
27 25 0:25 /ns /sys/fs/cgroup/memory rw shared:9 - cgroup cgroup rw,memory
28 25 0:26 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw,xattr,name=systemd
29 25 0:27 / /sys/fs/cgroup/un\040ified rw - cgroup2 cgroup2 rw,nsdelegate
`
	ms, err := ParseMounts(strings.NewReader(mi))
	if err != nil || len(ms) != 4 {
		t.Fatalf("ParseMounts = %+v, %v", ms, err)
	}
	if ms[1].Root != "/ns" || ms[1].Subsystems[0] != "memory" || ms[2].Subsystems[0] != "name=systemd" {
		t.Errorf("mounts %+v", ms)
	}
	if ms[3].Version != 2 || ms[3].Mountpoint != "/sys/fs/cgroup/un ified" {
		t.Errorf("cgroup2 mount %+v", ms[3])
	}
	pc := ParseProcCgroup("9:name=systemd:/\n2:cpu,cpuacct:/a\n0::/b\n")
	if pc["cpu"] != "/a" || pc["cpuacct"] != "/a" || pc["name=systemd"] != "/" || pc[""] != "/b" {
		t.Errorf("ParseProcCgroup = %v", pc)
	}
	// relative to own cgroup, through a mount whose root is /ns
	d, err := CgroupDir("/m", "/ns", "/ns/own", "c1")
	if err != nil || d.Path() != "/m/own/c1" {
		t.Errorf("CgroupDir = %s, %v", d.Path(), err)
	}
	if d, _ := CgroupDir("/m", "/", "/own", "/abs/c"); d.Path() != "/m/abs/c" {
		t.Errorf("absolute CgroupDir = %s", d.Path())
	}
	if _, err := CgroupDir("/m", "/", "/own", "../escape"); !errors.Is(err, ErrInvalid) {
		t.Errorf("relative path climbing out: %v", err)
	}
}

func TestDirStaysBeneathMount(t *testing.T) {
	root, outside := t.TempDir(), t.TempDir()
	if err := os.WriteFile(outside+"/f", []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, root+"/link"); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/"+outside+"/f", root+"/abs"); err != nil {
		t.Fatal(err)
	}
	d := Dir{Mount: root, Rel: "link"}
	if _, err := d.Read("f"); !errors.Is(err, unix.EXDEV) {
		t.Errorf("read through a symlinked dir: %v, want EXDEV", err)
	}
	r := Dir{Mount: root}
	if err := r.Write("abs", "y"); err == nil {
		t.Error("write through an absolute symlink succeeded")
	}
	if _, err := d.MkdirAll(); err == nil {
		t.Error("MkdirAll through a symlink succeeded")
	}
	if err := r.Write("../x", "1"); !errors.Is(err, ErrInvalid) {
		t.Errorf("file name with a slash: %v", err)
	}
	// normal use
	c := Dir{Mount: root, Rel: "a/b"}
	created, err := c.MkdirAll()
	if err != nil || len(created) != 2 {
		t.Fatalf("MkdirAll = %v, %v", created, err)
	}
	if err := os.WriteFile(root+"/a/b/memory.max", nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := c.Write("memory.max", "4096"); err != nil {
		t.Fatal(err)
	}
	if v, err := c.ReadUint("memory.max"); err != nil || v != 4096 {
		t.Errorf("ReadUint = %d, %v", v, err)
	}
	err = c.Write("nope", "1")
	var fe *FileError
	if !errors.As(err, &fe) || !errors.Is(err, os.ErrNotExist) || !strings.HasSuffix(err.Error(), "/a/b/nope: write 1: no such file or directory") {
		t.Errorf("missing file: %v", err)
	}
	if err := os.Remove(root + "/a/b/memory.max"); err != nil {
		t.Fatal(err)
	}
	if err := c.RemoveTree(func(int) bool { return false }); err != nil || c.Exists() {
		t.Errorf("RemoveTree = %v", err)
	}
}

func TestFileErrorMessage(t *testing.T) {
	e := &FileError{Op: "write", Path: "/x/memory.limit_in_bytes", Value: "4096", Err: unix.EBUSY}
	if e.Error() != "/x/memory.limit_in_bytes: write 4096: device or resource busy" || !errors.Is(e, unix.EBUSY) {
		t.Errorf("%v", e)
	}
	e.Value = "c 1:3 rwm"
	if !strings.Contains(e.Error(), `write "c 1:3 rwm"`) {
		t.Errorf("%v", e)
	}
	b := &BusyError{Path: "/x", Reason: ErrFrozen}
	if !errors.Is(b, ErrFrozenOrBusy) || !errors.Is(b, ErrFrozen) || errors.Is(b, ErrHasProcesses) {
		t.Error("BusyError matching")
	}
}

func TestParsePSI(t *testing.T) {
	p := ParsePSI("some avg10=0.12 avg60=1.00 avg300=2.50 total=99\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=7\n")
	if p.Some.Avg10 != 0.12 || p.Some.Avg300 != 2.5 || p.Some.Total != 99 || p.Full.Total != 7 {
		t.Errorf("%+v", p)
	}
}
