package integration

import (
	"strconv"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// The init makes its device nodes only once the parent has written the
// device cgroup's rules: on cgroup v1 the parent denies everything before
// it allows the listed devices, and a mknod in between fails
// ("device /dev/null (c): mknod: operation not permitted"). The rules here
// are containerd's default list, long enough to make that window easy to
// hit; repeated runs must all succeed.
func TestDevicesWaitForDeviceCgroup(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "true")
	ptr := func(v int64) *int64 { return &v }
	rules := []specs.LinuxDeviceCgroup{{Allow: false, Access: "rwm"}}
	for _, d := range []struct {
		typ          string
		major, minor int64
	}{{"c", 1, 3}, {"c", 1, 8}, {"c", 1, 7}, {"c", 5, 0}, {"c", 1, 5}, {"c", 1, 9}, {"c", 5, 1}, {"c", 136, -1}, {"c", 5, 2}, {"c", 10, 200}} {
		r := specs.LinuxDeviceCgroup{Allow: true, Type: d.typ, Major: ptr(d.major), Access: "rwm"}
		if d.minor >= 0 {
			r.Minor = ptr(d.minor)
		}
		rules = append(rules, r)
	}
	if e.spec.Linux.Resources == nil {
		e.spec.Linux.Resources = &specs.LinuxResources{}
	}
	e.spec.Linux.Resources.Devices = rules
	e.writeConfig()
	for i := range 30 {
		id := e.id + "-" + strconv.Itoa(i)
		e.track(id)
		if r := e.rt("run", id); r.code != 0 {
			t.Fatalf("run %d: %s", i, r)
		}
	}
}
