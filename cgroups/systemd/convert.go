package systemd

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/oci-run/oci-run/cgroups/fscommon"
)

// defaultCPUPeriod is the kernel's default CFS period (µs), assumed when a
// quota comes without a period.
const defaultCPUPeriod = 100000

// infinity is systemd's USEC_INFINITY / CGROUP_LIMIT_MAX: "no limit".
const infinity = math.MaxUint64

// maxCPUIndex bounds the CPU and memory node numbers a list may name, so a
// typo cannot make a huge bitmask.
const maxCPUIndex = 1 << 16

// CPUQuotaPerSecUSec converts a CFS quota and period (µs) to systemd's
// CPUQuotaPerSecUSec (CPU time per wall-clock second). set is false when
// neither is given. A quota <= 0 with a period means no limit (infinity).
// systemd stores the quota as a whole percentage of one CPU, so, like runc,
// the value is rounded up to the next multiple of 10000 µs (1 %): the
// cgroup then allows at least the quota asked for, and the fs driver's
// exact cpu.cfs_quota_us write that follows fits below it.
func CPUQuotaPerSecUSec(quota int64, period uint64) (value uint64, set bool) {
	if quota == 0 && period == 0 {
		return 0, false
	}
	if quota <= 0 {
		return infinity, true
	}
	if period == 0 {
		period = defaultCPUPeriod
	}
	v := uint64(quota) * 1000000 / period
	if r := v % 10000; r != 0 {
		v += 10000 - r
	}
	return v, true
}

// RangeToBits converts a cpuset list ("0-3,8") to the little-endian bitmask
// systemd's AllowedCPUs and AllowedMemoryNodes take: byte 0 holds CPUs 0-7
// with CPU 0 in the lowest bit. An empty list is an error (systemd would
// read it as "no restriction").
func RangeToBits(list string) ([]byte, error) {
	var bits []byte
	set := func(i int) {
		for len(bits) <= i/8 {
			bits = append(bits, 0)
		}
		bits[i/8] |= 1 << (i % 8)
	}
	for part := range strings.SplitSeq(strings.TrimSpace(list), ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		lo, hi, isRange := strings.Cut(part, "-")
		first, err := parseIndex(lo)
		if err != nil {
			return nil, fmt.Errorf("cpuset list %q: %w", list, err)
		}
		last := first
		if isRange {
			if last, err = parseIndex(hi); err != nil {
				return nil, fmt.Errorf("cpuset list %q: %w", list, err)
			}
			if last < first {
				return nil, fmt.Errorf("cpuset list %q: range %q ends before it starts: %w", list, part, fscommon.ErrInvalid)
			}
		}
		for i := first; i <= last; i++ {
			set(i)
		}
	}
	if len(bits) == 0 {
		return nil, fmt.Errorf("cpuset list %q is empty: %w", list, fscommon.ErrInvalid)
	}
	return bits, nil
}

func parseIndex(s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 0 || n >= maxCPUIndex {
		return 0, fmt.Errorf("%q is not a CPU or node number in [0, %d): %w", s, maxCPUIndex, fscommon.ErrInvalid)
	}
	return n, nil
}
