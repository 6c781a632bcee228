package systemd

import (
	"fmt"
	"strconv"

	"github.com/godbus/dbus/v5"

	"github.com/oci-run/oci-run/cgroups/fscommon"
	v2 "github.com/oci-run/oci-run/cgroups/v2"
	"github.com/oci-run/oci-run/libcontainer/configs"
)

// Property is one unit property as StartTransientUnit and
// SetUnitProperties take it (D-Bus signature "(sv)").
type Property struct {
	Name  string
	Value dbus.Variant
}

func prop(name string, value any) Property {
	return Property{Name: name, Value: dbus.MakeVariant(value)}
}

// unitProperties are the properties of a new scope (without resources):
// description, parent slice, delegation, the first process (none for pid
// -1), no default dependencies, and accounting for the controllers the
// driver limits. The v1 and v2 names differ for block I/O.
func unitProperties(c *configs.Cgroup, slice string, pid int, unified bool) []Property {
	props := []Property{
		prop("Description", "oci-run container "+c.Name),
		prop("Slice", slice),
		prop("Delegate", true),
		prop("DefaultDependencies", false),
		prop("MemoryAccounting", true),
		prop("CPUAccounting", true),
		prop("TasksAccounting", true),
	}
	if unified {
		props = append(props, prop("IOAccounting", true))
	} else {
		props = append(props, prop("BlockIOAccounting", true))
	}
	if pid != -1 {
		props = append(props, prop("PIDs", []uint32{uint32(pid)}))
	}
	return props
}

// resourceProperties converts the resources systemd has a property for.
// Everything else (and the exact values) is written by the fs driver
// afterwards; these only keep systemd's view of the unit in line, so that
// a daemon-reload does not undo the limits. procDevices resolves a device
// major number to its /proc/devices name (for wildcard-minor rules).
func resourceProperties(r *configs.Resources, unified bool, procDevices deviceNames) ([]Property, error) {
	if r == nil {
		return nil, nil
	}
	props, err := deviceProperties(r, procDevices)
	if err != nil {
		return nil, err
	}
	if unified {
		more, err := v2ResourceProperties(r)
		if err != nil {
			return nil, err
		}
		props = append(props, more...)
	} else {
		props = append(props, v1ResourceProperties(r)...)
	}
	if q, ok := CPUQuotaPerSecUSec(r.CPUQuota, r.CPUPeriod); ok {
		if r.CPUPeriod != 0 {
			props = append(props, prop("CPUQuotaPeriodUSec", r.CPUPeriod))
		}
		props = append(props, prop("CPUQuotaPerSecUSec", q))
	}
	if r.PidsLimit > 0 || r.PidsLimit == -1 {
		props = append(props, prop("TasksMax", limit(r.PidsLimit)))
	}
	if r.CpusetCpus != "" {
		bits, err := RangeToBits(r.CpusetCpus)
		if err != nil {
			return nil, fmt.Errorf("property AllowedCPUs: %w", err)
		}
		props = append(props, prop("AllowedCPUs", bits))
	}
	if r.CpusetMems != "" {
		bits, err := RangeToBits(r.CpusetMems)
		if err != nil {
			return nil, fmt.Errorf("property AllowedMemoryNodes: %w", err)
		}
		props = append(props, prop("AllowedMemoryNodes", bits))
	}
	return props, nil
}

func v1ResourceProperties(r *configs.Resources) []Property {
	var props []Property
	if r.Memory != 0 {
		props = append(props, prop("MemoryLimit", limit(r.Memory)))
	}
	if r.CPUShares != 0 {
		props = append(props, prop("CPUShares", r.CPUShares))
	}
	if r.BlkioWeight != 0 {
		props = append(props, prop("BlockIOWeight", uint64(r.BlkioWeight)))
	}
	return props
}

func v2ResourceProperties(r *configs.Resources) ([]Property, error) {
	var props []Property
	if r.Memory != 0 {
		props = append(props, prop("MemoryMax", limit(r.Memory)))
	}
	if r.MemoryReservation != 0 {
		props = append(props, prop("MemoryLow", limit(r.MemoryReservation)))
	}
	swap, set, err := v2.SwapMax(r.MemorySwap, r.Memory)
	if err != nil {
		return nil, fmt.Errorf("property MemorySwapMax: %w", err)
	}
	if set {
		v := uint64(infinity)
		if swap != "max" {
			if v, err = strconv.ParseUint(swap, 10, 64); err != nil {
				return nil, fmt.Errorf("property MemorySwapMax %q: %w", swap, fscommon.ErrInvalid)
			}
		}
		props = append(props, prop("MemorySwapMax", v))
	}
	if w := v2.SharesToWeight(r.CPUShares); w != 0 {
		props = append(props, prop("CPUWeight", w))
	}
	if w := v2.BlkioWeightToIOWeight(r.BlkioWeight); w != 0 {
		props = append(props, prop("IOWeight", w))
	}
	return props, nil
}

// limit maps the library's -1 ("unlimited") to systemd's infinity.
func limit(v int64) uint64 {
	if v < 0 {
		return infinity
	}
	return uint64(v)
}
