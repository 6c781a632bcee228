package specconv

import (
	"os"
	"reflect"
	"testing"

	"github.com/opencontainers/runtime-spec/specs-go"

	"github.com/oci-run/oci-run/libcontainer/configs"
)

func TestDefaultDevices(t *testing.T) {
	c, err := ToConfig(baseSpec(t), testOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][2]int64{
		"/dev/null": {1, 3}, "/dev/zero": {1, 5}, "/dev/full": {1, 7},
		"/dev/random": {1, 8}, "/dev/urandom": {1, 9}, "/dev/tty": {5, 0},
	}
	if len(c.Devices) != len(want) {
		t.Fatalf("%d devices, want %d", len(c.Devices), len(want))
	}
	for _, d := range c.Devices {
		mm, ok := want[d.Path]
		if !ok || d.Major != mm[0] || d.Minor != mm[1] || d.Type != configs.CharDevice || d.FileMode != 0o666 || d.UID != 0 || d.GID != 0 {
			t.Errorf("unexpected device %+v", d)
		}
	}
}

func TestDeviceRulesOrder(t *testing.T) {
	spec := baseSpec(t)
	spec.Linux.Resources = &specs.LinuxResources{Devices: []specs.LinuxDeviceCgroup{{Allow: false, Access: "rwm"}}}
	spec.Linux.Devices = []specs.LinuxDevice{
		{Path: "/dev/fuse", Type: "c", Major: 10, Minor: 229},
		{Path: "/dev/sda", Type: "b", Major: 8, Minor: 0, FileMode: ptr(os.FileMode(0o660)), UID: ptr(uint32(1)), GID: ptr(uint32(6))},
		{Path: "/dev/myfifo", Type: "p"},
	}
	c, err := ToConfig(spec, testOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range c.Cgroups.Resources.Devices {
		allow := "deny "
		if r.Allow {
			allow = "allow "
		}
		got = append(got, allow+r.String())
	}
	want := []string{
		"deny a *:* rwm",
		"allow c *:* m", "allow b *:* m",
		"allow c 1:3 rwm", "allow c 1:5 rwm", "allow c 1:7 rwm", "allow c 1:8 rwm", "allow c 1:9 rwm",
		"allow c 5:0 rwm", "allow c 5:1 rwm", "allow c 5:2 rwm", "allow c 136:* rwm", "allow c 10:200 rwm",
		"allow c 10:229 rwm", "allow b 8:0 rwm",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rules:\n got %q\nwant %q", got, want)
	}
	n := len(c.Devices)
	if n != 9 {
		t.Fatalf("%d devices, want 6 defaults + 3", n)
	}
	sda := c.Devices[7]
	if sda.Path != "/dev/sda" || sda.Type != configs.BlockDevice || sda.FileMode != 0o660 || sda.UID != 1 || sda.GID != 6 {
		t.Errorf("sda = %+v", sda)
	}
	if fifo := c.Devices[8]; fifo.Type != configs.FifoDevice {
		t.Errorf("fifo = %+v", fifo)
	}
}

func TestSpecDeviceReplacesDefault(t *testing.T) {
	spec := baseSpec(t)
	spec.Linux.Devices = []specs.LinuxDevice{
		{Path: "/dev/null", Type: "c", Major: 1, Minor: 3, FileMode: ptr(os.FileMode(0o600)), UID: ptr(uint32(1000))},
		{Path: "/dev/tty/", Type: "u", Major: 4, Minor: 1},
	}
	c, err := ToConfig(spec, testOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	paths := map[string]int{}
	for _, d := range c.Devices {
		paths[d.Path]++
	}
	if paths["/dev/null"] != 1 || paths["/dev/tty"] != 0 || paths["/dev/tty/"] != 1 || len(c.Devices) != 6 {
		t.Fatalf("devices %v", paths)
	}
	null := c.Devices[4]
	if null.Path != "/dev/null" || null.FileMode != 0o600 || null.UID != 1000 {
		t.Errorf("/dev/null = %+v", null)
	}
	for _, r := range c.Cgroups.Resources.Devices {
		if r.Type == configs.CharDevice && r.Major == 5 && r.Minor == 0 {
			t.Error("the replaced /dev/tty kept its default rule")
		}
	}
	last := c.Cgroups.Resources.Devices[len(c.Cgroups.Resources.Devices)-1]
	if last.String() != "c 4:1 rwm" || !last.Allow {
		t.Errorf("last rule = %v", last)
	}
}

func TestDeviceFileModeStripsType(t *testing.T) {
	d, err := convertDevice("d", specs.LinuxDevice{Path: "/dev/x", Type: "c", Major: 1, Minor: 1, FileMode: ptr(os.FileMode(0o20666))})
	if err != nil {
		t.Fatal(err)
	}
	if d.FileMode != 0o666 {
		t.Errorf("FileMode = %o", d.FileMode)
	}
}
