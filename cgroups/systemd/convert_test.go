package systemd

import (
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"testing"

	"github.com/oci-run/oci-run/cgroups/fscommon"
	"github.com/oci-run/oci-run/libcontainer/configs"
)

func TestExpandSlice(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"system.slice", "/system.slice"},
		{"-.slice", "/"},
		{"a-b.slice", "/a.slice/a-b.slice"},
		{"a-b-c.slice", "/a.slice/a-b.slice/a-b-c.slice"},
		{"machine-qemu_2dvm.slice", "/machine.slice/machine-qemu_2dvm.slice"},
		{"a--b.slice", ""},
		{"-a.slice", ""},
		{"a-.slice", ""},
		{"a/b.slice", ""},
		{"a.scope", ""},
		{".slice", ""},
		{"a b.slice", ""},
	} {
		got, err := ExpandSlice(tc.in)
		if tc.want == "" {
			if !errors.Is(err, fscommon.ErrInvalid) {
				t.Errorf("ExpandSlice(%q) = %q, %v; want ErrInvalid", tc.in, got, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ExpandSlice(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func TestUnitName(t *testing.T) {
	for _, tc := range []struct {
		prefix, name, want string
	}{
		{"oci-run", "c1", "oci-run-c1.scope"},
		{"", "c1", "c1.scope"},
		{"docker", "abc@1", "docker-abc@1.scope"},
		{"x", "k8s.slice", ""},
		{"x", "", ""},
		{"x", "bad/name", ""},
		{"x", strings.Repeat("a", 250), ""},
	} {
		got, err := UnitName(&configs.Cgroup{ScopePrefix: tc.prefix, Name: tc.name})
		if tc.want == "" {
			if !errors.Is(err, fscommon.ErrInvalid) {
				t.Errorf("UnitName(%q, %q) = %q, %v; want ErrInvalid", tc.prefix, tc.name, got, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("UnitName(%q, %q) = %q, %v; want %q", tc.prefix, tc.name, got, err, tc.want)
		}
	}
	if SliceName(&configs.Cgroup{}) != "system.slice" || SliceName(&configs.Cgroup{Parent: "user.slice"}) != "user.slice" {
		t.Error("SliceName default")
	}
}

func TestCPUQuotaPerSecUSec(t *testing.T) {
	for _, tc := range []struct {
		quota  int64
		period uint64
		want   uint64
		set    bool
	}{
		{0, 0, 0, false},
		{50000, 100000, 500000, true},   // half a CPU
		{25000, 0, 250000, true},        // default period
		{150000, 100000, 1500000, true}, // 1.5 CPUs
		{1, 100000, 10000, true},        // 10 µs/s rounds up to 1 %
		{12345, 100000, 130000, true},   // 123450 -> 130000
		{10000, 1000000, 10000, true},   // exactly 1 %
		{-1, 100000, infinity, true},    // period only: unlimited
		{0, 50000, infinity, true},
		{-1, 0, infinity, true},
	} {
		got, set := CPUQuotaPerSecUSec(tc.quota, tc.period)
		if got != tc.want || set != tc.set {
			t.Errorf("CPUQuotaPerSecUSec(%d, %d) = %d, %v; want %d, %v", tc.quota, tc.period, got, set, tc.want, tc.set)
		}
	}
}

func TestRangeToBits(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []byte
	}{
		{"0", []byte{0x01}},
		{"1", []byte{0x02}},
		{"0-3", []byte{0x0f}},
		{"0-3,8", []byte{0x0f, 0x01}},
		{"7,8", []byte{0x80, 0x01}},
		{"0-7,16-23", []byte{0xff, 0x00, 0xff}},
		{" 2 , 4-5 ", []byte{0x34}},
		{"63", []byte{0, 0, 0, 0, 0, 0, 0, 0x80}},
		{"", nil},
		{",", nil},
		{"3-1", nil},
		{"a", nil},
		{"-1", nil},
		{"70000", nil},
	} {
		got, err := RangeToBits(tc.in)
		if tc.want == nil {
			if !errors.Is(err, fscommon.ErrInvalid) {
				t.Errorf("RangeToBits(%q) = %v, %v; want ErrInvalid", tc.in, got, err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("RangeToBits(%q) = %#v, %v; want %#v", tc.in, got, err, tc.want)
		}
	}
}

// propMap renders properties as name -> value for comparison.
func propMap(props []Property) map[string]any {
	m := map[string]any{}
	for _, p := range props {
		m[p.Name] = p.Value.Value()
	}
	return m
}

func noNames(configs.DeviceType, int64) (string, bool) { return "", false }

func TestResourceProperties(t *testing.T) {
	u := func(v uint64) any { return v }
	for _, tc := range []struct {
		name    string
		r       configs.Resources
		unified bool
		want    map[string]any
	}{
		{"v1 limits", configs.Resources{Memory: 1 << 30, CPUShares: 2048, BlkioWeight: 300, PidsLimit: 100}, false,
			map[string]any{"MemoryLimit": u(1 << 30), "CPUShares": u(2048), "BlockIOWeight": u(300), "TasksMax": u(100)}},
		{"v1 unlimited", configs.Resources{Memory: -1, PidsLimit: -1}, false,
			map[string]any{"MemoryLimit": u(infinity), "TasksMax": u(infinity)}},
		{"v2 shares to weight", configs.Resources{CPUShares: 1024}, true, map[string]any{"CPUWeight": u(100)}},
		{"v2 min shares", configs.Resources{CPUShares: 2}, true, map[string]any{"CPUWeight": u(1)}},
		{"v2 max shares", configs.Resources{CPUShares: 262144}, true, map[string]any{"CPUWeight": u(10000)}},
		{"v2 memory", configs.Resources{Memory: 100 << 20, MemoryReservation: 50 << 20, MemorySwap: 300 << 20}, true,
			map[string]any{"MemoryMax": u(100 << 20), "MemoryLow": u(50 << 20), "MemorySwapMax": u(200 << 20)}},
		{"v2 unlimited memory and swap", configs.Resources{Memory: -1}, true,
			map[string]any{"MemoryMax": u(infinity), "MemorySwapMax": u(infinity)}},
		{"v2 io weight", configs.Resources{BlkioWeight: 10}, true, map[string]any{"IOWeight": u(1)}},
		{"v2 io weight max", configs.Resources{BlkioWeight: 1000}, true, map[string]any{"IOWeight": u(10000)}},
		{"quota and period", configs.Resources{CPUQuota: 20000, CPUPeriod: 50000}, false,
			map[string]any{"CPUQuotaPerSecUSec": u(400000), "CPUQuotaPeriodUSec": u(50000)}},
		{"quota only", configs.Resources{CPUQuota: 20000}, true, map[string]any{"CPUQuotaPerSecUSec": u(200000)}},
		{"cpuset", configs.Resources{CpusetCpus: "0-1,4", CpusetMems: "0"}, true,
			map[string]any{"AllowedCPUs": []byte{0x13}, "AllowedMemoryNodes": []byte{0x01}}},
		{"nothing", configs.Resources{}, true, map[string]any{}},
	} {
		props, err := resourceProperties(&tc.r, tc.unified, noNames)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if got := propMap(props); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: got %v\nwant %v", tc.name, got, tc.want)
		}
	}
	for _, bad := range []configs.Resources{
		{CpusetCpus: "x"},
		{CpusetMems: "2-1"},
		{Memory: 100, MemorySwap: 50},
	} {
		if _, err := resourceProperties(&bad, true, noNames); !errors.Is(err, fscommon.ErrInvalid) {
			t.Errorf("%+v: %v, want ErrInvalid", bad, err)
		}
	}
}

func TestUnitProperties(t *testing.T) {
	c := &configs.Cgroup{Name: "c1"}
	v1 := propMap(unitProperties(c, "system.slice", 42, false))
	want := map[string]any{
		"Description": "oci-run container c1", "Slice": "system.slice", "Delegate": true,
		"DefaultDependencies": false, "MemoryAccounting": true, "CPUAccounting": true,
		"TasksAccounting": true, "BlockIOAccounting": true, "PIDs": []uint32{42},
	}
	if !reflect.DeepEqual(v1, want) {
		t.Errorf("v1: %v", v1)
	}
	v2 := propMap(unitProperties(c, "system.slice", -1, true))
	if _, ok := v2["PIDs"]; ok {
		t.Error("PIDs for pid -1")
	}
	if v2["IOAccounting"] != true || v2["BlockIOAccounting"] != nil {
		t.Errorf("v2: %v", v2)
	}
}

func TestDeviceProperties(t *testing.T) {
	names := parseProcDevices(strings.NewReader("Character devices:\n  1 mem\n  4 /dev/vc/0\n  4 tty\n136 pts\n\nBlock devices:\n  7 loop\n259 blkext\n"))
	rule := func(typ rune, major, minor int64, perms string, allow bool) *configs.DeviceRule {
		return &configs.DeviceRule{Type: configs.DeviceType(typ), Major: major, Minor: minor, Permissions: perms, Allow: allow}
	}
	for _, tc := range []struct {
		name   string
		rules  []*configs.DeviceRule
		skip   bool
		policy string
		allow  string
	}{
		{"nil leaves devices alone", nil, false, "", ""},
		{"skip", []*configs.DeviceRule{rule('c', 1, 3, "rwm", true)}, true, "", ""},
		{"default deny", []*configs.DeviceRule{
			rule('a', -1, -1, "rwm", false),
			rule('c', 1, 3, "rwm", true),
			rule('c', 136, -1, "rw", true),
			rule('b', 7, -1, "r", true),
			rule('c', -1, -1, "m", true),
			rule('a', 4, -1, "r", true),  // char 4 is tty; no block 4
			rule('c', 99, -1, "r", true), // no /proc/devices name: left out
			rule('c', 1, 5, "w", false),  // deny: enforced by the fs driver
		}, false, "strict",
			"[{/dev/char/1:3 rwm} {char-pts rw} {block-loop r} {char-* m} {char-tty r}]"},
		{"no wildcard is deny by default", []*configs.DeviceRule{rule('c', 10, 200, "rwm", true)}, false, "strict", "[{/dev/char/10:200 rwm}]"},
		{"default allow", []*configs.DeviceRule{rule('a', -1, -1, "rwm", false), rule('a', -1, -1, "rwm", true), rule('c', 1, 3, "w", false)}, false, "auto", "[]"},
		{"rules before the last wildcard do not count", []*configs.DeviceRule{rule('c', 1, 3, "rwm", true), rule('a', -1, -1, "rwm", false)}, false, "strict", "[]"},
	} {
		r := &configs.Resources{Devices: tc.rules, SkipDevices: tc.skip}
		props, err := deviceProperties(r, names)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		m := propMap(props)
		if tc.policy == "" {
			if len(props) != 0 {
				t.Errorf("%s: %v", tc.name, m)
			}
			continue
		}
		if m["DevicePolicy"] != tc.policy || fmt.Sprint(m["DeviceAllow"]) != tc.allow {
			t.Errorf("%s: policy %v allow %v; want %s %s", tc.name, m["DevicePolicy"], m["DeviceAllow"], tc.policy, tc.allow)
		}
	}
	// 'a' type with a specific major expands to char and block.
	props, _ := deviceProperties(&configs.Resources{Devices: []*configs.DeviceRule{rule('a', 259, -1, "r", true)}}, names)
	if got := fmt.Sprint(propMap(props)["DeviceAllow"]); got != "[{block-blkext r}]" {
		t.Errorf("a 259:* -> %s", got)
	}
	if _, err := deviceProperties(&configs.Resources{Devices: []*configs.DeviceRule{rule('x', 1, 1, "r", true)}}, names); !errors.Is(err, fscommon.ErrInvalid) {
		t.Errorf("bad rule: %v", err)
	}
}

func TestForVersion(t *testing.T) {
	props := []Property{prop("CPUQuotaPeriodUSec", uint64(1)), prop("AllowedCPUs", []byte{1}), prop("MemoryMax", uint64(1))}
	log := slog.New(slog.DiscardHandler)
	names := func(ps []Property) (out []string) {
		for _, p := range ps {
			out = append(out, p.Name)
		}
		return out
	}
	for _, tc := range []struct {
		ver  int
		want []string
	}{
		{0, []string{"CPUQuotaPeriodUSec", "AllowedCPUs", "MemoryMax"}},
		{241, []string{"MemoryMax"}},
		{243, []string{"CPUQuotaPeriodUSec", "MemoryMax"}},
		{252, []string{"CPUQuotaPeriodUSec", "AllowedCPUs", "MemoryMax"}},
	} {
		if got := names(forVersion(props, tc.ver, "u.scope", log)); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("version %d: %v, want %v", tc.ver, got, tc.want)
		}
	}
}
