package mountinfo

import (
	"reflect"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	in := `22 1 0:21 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw
35 22 0:30 / /sys/fs/cgroup/memory rw,relatime shared:15 master:3 - cgroup cgroup rw,memory
40 1 8:1 /a\040b /mnt/with\040space rw - ext4 /dev/sda1 rw
bogus line
41 1 8:1 / /x rw -
`
	got, err := Parse(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []Entry{
		{ID: 22, Root: "/", Mountpoint: "/sys", Opts: "rw,nosuid,nodev,noexec,relatime", Optional: []string{"shared:7"}, FSType: "sysfs", Source: "sysfs", SuperOpts: "rw"},
		{ID: 35, Root: "/", Mountpoint: "/sys/fs/cgroup/memory", Opts: "rw,relatime", Optional: []string{"shared:15", "master:3"}, FSType: "cgroup", Source: "cgroup", SuperOpts: "rw,memory"},
		{ID: 40, Root: "/a b", Mountpoint: "/mnt/with space", Opts: "rw", Optional: []string{}, FSType: "ext4", Source: "/dev/sda1", SuperOpts: "rw"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %+v\nwant %+v", got, want)
	}
	if !got[0].IsShared() || got[2].IsShared() {
		t.Error("IsShared")
	}
}

func TestReadSelf(t *testing.T) {
	es, err := Read("/proc/self/mountinfo")
	if err != nil || len(es) == 0 {
		t.Fatalf("%d entries, %v", len(es), err)
	}
}
