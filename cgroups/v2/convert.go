package v2

import (
	"fmt"
	"math"
	"strconv"

	"github.com/oci-run/oci-run/cgroups/fscommon"
)

// SharesToWeight converts v1 cpu.shares [2, 262144] to v2 cpu.weight
// [1, 10000] with runc's (1.3+) quadratic mapping in log space, which
// keeps the defaults aligned (1024 -> 100) and the ends (2 -> 1,
// 262144 -> 10000). 0 stays 0 ("unset").
func SharesToWeight(shares uint64) uint64 {
	switch {
	case shares == 0:
		return 0
	case shares <= 2:
		return 1
	case shares >= 262144:
		return 10000
	}
	l := math.Log2(float64(shares))
	exp := (l*l+125*l)/612.0 - 7.0/34.0
	return uint64(math.Ceil(math.Pow(10, exp)))
}

// BlkioWeightToIOWeight converts v1 blkio.weight [10, 1000] to v2
// io.weight [1, 10000] linearly. 0 stays 0 ("unset").
func BlkioWeightToIOWeight(w uint16) uint64 {
	if w == 0 {
		return 0
	}
	if w < 10 {
		w = 10
	}
	return 1 + (uint64(w)-10)*9999/990
}

// SwapMax converts the v1 memory+swap limit to v2 memory.swap.max, which
// limits swap alone. set is false when nothing is to be written.
//
//   - swap 0 (unset) with memory -1: "max" (unlimited memory means
//     unlimited swap, as on v1);
//   - swap 0: unset; swap -1: "max";
//   - otherwise swap - memory, which needs a memory limit <= swap.
func SwapMax(memorySwap, memory int64) (value string, set bool, err error) {
	switch {
	case memory == -1 && memorySwap == 0, memorySwap == -1:
		return "max", true, nil
	case memorySwap == 0:
		return "", false, nil
	case memorySwap < -1:
		return "", false, fmt.Errorf("memory+swap limit %d: %w", memorySwap, fscommon.ErrInvalid)
	case memory <= 0:
		return "", false, fmt.Errorf("memory+swap limit %d without a memory limit: %w", memorySwap, fscommon.ErrInvalid)
	case memorySwap < memory:
		return "", false, fmt.Errorf("memory+swap limit %d is below the memory limit %d: %w", memorySwap, memory, fscommon.ErrInvalid)
	}
	return strconv.FormatInt(memorySwap-memory, 10), true, nil
}

// CPUMax renders cpu.max ("$QUOTA $PERIOD", quota "max" for unlimited)
// from the v1 values. set is false when neither is given; a period alone
// keeps the quota unlimited.
func CPUMax(quota int64, period uint64) (value string, set bool) {
	if quota == 0 && period == 0 {
		return "", false
	}
	v := "max"
	if quota > 0 {
		v = strconv.FormatInt(quota, 10)
	}
	if period != 0 {
		v += " " + strconv.FormatUint(period, 10)
	}
	return v, true
}
