package specconv

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/oci-run/oci-run/libcontainer/configs"
)

func TestParseMountOptions(t *testing.T) {
	atime := uint64(unix.MOUNT_ATTR__ATIME)
	tests := []struct {
		opts        []string
		flags       int
		cleared     int
		propagation []int
		data        string
		rec         *configs.MountAttr
	}{
		{opts: nil},
		{opts: []string{"defaults"}},
		{opts: []string{"ro"}, flags: unix.MS_RDONLY},
		{opts: []string{"rw"}, cleared: unix.MS_RDONLY},
		{opts: []string{"ro", "rw"}, cleared: unix.MS_RDONLY},
		{opts: []string{"rw", "ro"}, flags: unix.MS_RDONLY},
		{opts: []string{"nosuid", "nodev", "noexec"}, flags: unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC},
		{opts: []string{"suid", "dev", "exec"}, cleared: unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC},
		{opts: []string{"noatime", "nodiratime", "relatime", "strictatime"}, flags: unix.MS_NOATIME | unix.MS_NODIRATIME | unix.MS_RELATIME | unix.MS_STRICTATIME},
		{opts: []string{"atime", "diratime", "norelatime", "nostrictatime"}, cleared: unix.MS_NOATIME | unix.MS_NODIRATIME | unix.MS_RELATIME | unix.MS_STRICTATIME},
		{opts: []string{"sync", "dirsync", "mand", "iversion", "lazytime", "silent", "remount", "nosymfollow"},
			flags: unix.MS_SYNCHRONOUS | unix.MS_DIRSYNC | unix.MS_MANDLOCK | unix.MS_I_VERSION | unix.MS_LAZYTIME | unix.MS_SILENT | unix.MS_REMOUNT | unix.MS_NOSYMFOLLOW},
		{opts: []string{"async", "nomand", "noiversion", "nolazytime", "loud", "symfollow"},
			cleared: unix.MS_SYNCHRONOUS | unix.MS_MANDLOCK | unix.MS_I_VERSION | unix.MS_LAZYTIME | unix.MS_SILENT | unix.MS_NOSYMFOLLOW},
		{opts: []string{"bind"}, flags: unix.MS_BIND},
		{opts: []string{"rbind"}, flags: unix.MS_BIND | unix.MS_REC},
		{opts: []string{"rprivate", "shared", "rslave", "unbindable"},
			propagation: []int{unix.MS_PRIVATE | unix.MS_REC, unix.MS_SHARED, unix.MS_SLAVE | unix.MS_REC, unix.MS_UNBINDABLE}},
		{opts: []string{"private", "rshared", "slave", "runbindable"},
			propagation: []int{unix.MS_PRIVATE, unix.MS_SHARED | unix.MS_REC, unix.MS_SLAVE, unix.MS_UNBINDABLE | unix.MS_REC}},
		{opts: []string{"mode=755", "size=65536k", "acl", "noacl", "x-foo"}, data: "mode=755,size=65536k,acl,noacl,x-foo"},
		{opts: []string{"nosuid", "mode=1777", "ro", "uid=5"}, flags: unix.MS_NOSUID | unix.MS_RDONLY, data: "mode=1777,uid=5"},
		{opts: []string{"rro", "rnosuid", "rnodev", "rnoexec", "rnodiratime", "rnosymfollow"},
			rec: &configs.MountAttr{Set: unix.MOUNT_ATTR_RDONLY | unix.MOUNT_ATTR_NOSUID | unix.MOUNT_ATTR_NODEV | unix.MOUNT_ATTR_NOEXEC | unix.MOUNT_ATTR_NODIRATIME | unix.MOUNT_ATTR_NOSYMFOLLOW}},
		{opts: []string{"rrw", "rsuid", "rdev", "rexec", "rdiratime", "rsymfollow"},
			rec: &configs.MountAttr{Clear: unix.MOUNT_ATTR_RDONLY | unix.MOUNT_ATTR_NOSUID | unix.MOUNT_ATTR_NODEV | unix.MOUNT_ATTR_NOEXEC | unix.MOUNT_ATTR_NODIRATIME | unix.MOUNT_ATTR_NOSYMFOLLOW}},
		{opts: []string{"rro", "rrw"}, rec: &configs.MountAttr{Clear: unix.MOUNT_ATTR_RDONLY}},
		{opts: []string{"rrw", "rro"}, rec: &configs.MountAttr{Set: unix.MOUNT_ATTR_RDONLY}},
		{opts: []string{"rnoatime"}, rec: &configs.MountAttr{Set: unix.MOUNT_ATTR_NOATIME, Clear: atime}},
		{opts: []string{"rstrictatime"}, rec: &configs.MountAttr{Set: unix.MOUNT_ATTR_STRICTATIME, Clear: atime}},
		{opts: []string{"rrelatime"}, rec: &configs.MountAttr{Set: unix.MOUNT_ATTR_RELATIME, Clear: atime}},
		{opts: []string{"rnoatime", "rrelatime"}, rec: &configs.MountAttr{Set: unix.MOUNT_ATTR_RELATIME, Clear: atime}},
		{opts: []string{"rnoatime", "ratime"}, rec: &configs.MountAttr{Set: unix.MOUNT_ATTR_RELATIME, Clear: atime}},
		{opts: []string{"rstrictatime", "rnostrictatime"}, rec: &configs.MountAttr{Set: unix.MOUNT_ATTR_RELATIME, Clear: atime}},
		{opts: []string{"rnorelatime"}, rec: &configs.MountAttr{Set: unix.MOUNT_ATTR_STRICTATIME, Clear: atime}},
		{opts: []string{"rro", "rnoatime", "rnodev"}, rec: &configs.MountAttr{Set: unix.MOUNT_ATTR_RDONLY | unix.MOUNT_ATTR_NOATIME | unix.MOUNT_ATTR_NODEV, Clear: atime}},
		{opts: []string{"tmpcopyup", "mode=755"}, data: "mode=755"},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.opts, ","), func(t *testing.T) {
			var m configs.Mount
			parseMountOptions("mounts[0]", tc.opts, discard()).apply(&m)
			if m.Flags != tc.flags {
				t.Errorf("Flags = %#x, want %#x", m.Flags, tc.flags)
			}
			if m.ClearedFlags != tc.cleared {
				t.Errorf("ClearedFlags = %#x, want %#x", m.ClearedFlags, tc.cleared)
			}
			if !reflect.DeepEqual(m.PropagationFlags, tc.propagation) {
				t.Errorf("PropagationFlags = %#x, want %#x", m.PropagationFlags, tc.propagation)
			}
			if m.Data != tc.data {
				t.Errorf("Data = %q, want %q", m.Data, tc.data)
			}
			if !reflect.DeepEqual(m.RecAttr, tc.rec) {
				t.Errorf("RecAttr = %+v, want %+v", m.RecAttr, tc.rec)
			}
		})
	}
}

func TestParseMountOptionsIDMap(t *testing.T) {
	tests := []struct {
		opts            []string
		idmap, recursed bool
	}{
		{[]string{"bind"}, false, false},
		{[]string{"bind", "idmap"}, true, false},
		{[]string{"rbind", "ridmap"}, true, true},
		{[]string{"ridmap", "idmap"}, true, false},
	}
	for _, tc := range tests {
		p := parseMountOptions("m", tc.opts, discard())
		if p.idmap != tc.idmap || p.idmapRecursive != tc.recursed {
			t.Errorf("%v: idmap=%v recursive=%v, want %v %v", tc.opts, p.idmap, p.idmapRecursive, tc.idmap, tc.recursed)
		}
		if len(p.data) != 0 {
			t.Errorf("%v: idmap options leaked into data: %v", tc.opts, p.data)
		}
	}
}

func TestTmpcopyupIsWarned(t *testing.T) {
	log, buf := newTestLogger()
	parseMountOptions("mounts[4]", []string{"tmpcopyup"}, log)
	if out := buf.String(); !strings.Contains(out, "tmpcopyup") || !strings.Contains(out, "mounts[4]") || !strings.Contains(out, "WARN") {
		t.Errorf("no warning naming the option and mount: %q", out)
	}
}

func TestKnownMountOptions(t *testing.T) {
	known := KnownMountOptions()
	if !slices.IsSorted(known) {
		t.Error("not sorted")
	}
	for _, want := range []string{"ro", "rbind", "rprivate", "rro", "rnosymfollow", "idmap", "ridmap", "nosuid", "strictatime"} {
		if !slices.Contains(known, want) {
			t.Errorf("%q missing", want)
		}
	}
	if slices.Contains(known, "tmpcopyup") {
		t.Error("tmpcopyup is ignored and must not be advertised")
	}
	// Every advertised option has an effect other than becoming data.
	for _, o := range known {
		if p := parseMountOptions("m", []string{o}, discard()); len(p.data) != 0 {
			t.Errorf("%q ends up in data", o)
		}
	}
}
