package v2

import (
	"errors"
	"testing"

	"github.com/oci-run/oci-run/cgroups/fscommon"
)

func TestSharesToWeight(t *testing.T) {
	for _, c := range []struct{ shares, weight uint64 }{
		{0, 0}, {1, 1}, {2, 1}, {1024, 100}, {262144, 10000}, {1 << 20, 10000},
		{512, 59}, {2048, 174}, {100, 17},
	} {
		if got := SharesToWeight(c.shares); got != c.weight {
			t.Errorf("SharesToWeight(%d) = %d, want %d", c.shares, got, c.weight)
		}
	}
	// monotonic over the whole v1 range
	prev := uint64(0)
	for s := uint64(2); s <= 262144; s += 97 {
		w := SharesToWeight(s)
		if w < prev || w < 1 || w > 10000 {
			t.Fatalf("SharesToWeight(%d) = %d after %d", s, w, prev)
		}
		prev = w
	}
}

func TestBlkioWeightToIOWeight(t *testing.T) {
	for _, c := range []struct {
		in  uint16
		out uint64
	}{{0, 0}, {10, 1}, {500, 4950}, {1000, 10000}, {5, 1}} {
		if got := BlkioWeightToIOWeight(c.in); got != c.out {
			t.Errorf("BlkioWeightToIOWeight(%d) = %d, want %d", c.in, got, c.out)
		}
	}
}

func TestSwapMax(t *testing.T) {
	for _, c := range []struct {
		swap, mem int64
		val       string
		set       bool
		bad       bool
	}{
		{0, 0, "", false, false},
		{0, 100, "", false, false},
		{0, -1, "max", true, false},
		{-1, 100, "max", true, false},
		{-1, -1, "max", true, false},
		{200, 100, "100", true, false},
		{100, 100, "0", true, false},
		{50, 100, "", false, true},
		{200, 0, "", false, true},
		{200, -1, "", false, true},
		{-2, 100, "", false, true},
	} {
		v, set, err := SwapMax(c.swap, c.mem)
		if (err != nil) != c.bad || v != c.val || set != c.set {
			t.Errorf("SwapMax(%d, %d) = %q, %v, %v; want %q, %v, bad=%v", c.swap, c.mem, v, set, err, c.val, c.set, c.bad)
		}
		if err != nil && !errors.Is(err, fscommon.ErrInvalid) {
			t.Errorf("SwapMax(%d, %d) error %v is not ErrInvalid", c.swap, c.mem, err)
		}
	}
}

func TestCPUMax(t *testing.T) {
	for _, c := range []struct {
		quota  int64
		period uint64
		val    string
		set    bool
	}{
		{0, 0, "", false},
		{50000, 0, "50000", true},
		{50000, 100000, "50000 100000", true},
		{-1, 0, "max", true},
		{-1, 20000, "max 20000", true},
		{0, 20000, "max 20000", true},
	} {
		v, set := CPUMax(c.quota, c.period)
		if v != c.val || set != c.set {
			t.Errorf("CPUMax(%d, %d) = %q, %v; want %q, %v", c.quota, c.period, v, set, c.val, c.set)
		}
	}
}

func TestValidateUnified(t *testing.T) {
	for k, bad := range map[string]bool{
		"memory.high": false, "pids.max": false, "cgroup.procs": true, "cgroup.kill": true,
		"../memory.max": true, "memory": true, "a/b.c": true, ".max": true, "": true,
	} {
		if err := ValidateUnified(k, "1"); (err != nil) != bad {
			t.Errorf("ValidateUnified(%q) = %v", k, err)
		}
	}
	if err := ValidateUnified("memory.high", "1\n2"); err == nil {
		t.Error("two-line value accepted")
	}
}
