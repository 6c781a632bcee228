package v1

import (
	"fmt"
	"strconv"

	"github.com/oci-run/oci-run/cgroups/fscommon"
	"github.com/oci-run/oci-run/libcontainer/configs"
)

const (
	memLimit = "memory.limit_in_bytes"
	memswLim = "memory.memsw.limit_in_bytes"
)

func memoryNeeded(r *configs.Resources) bool {
	return r.Memory != 0 || r.MemorySwap != 0 || r.MemoryReservation != 0 ||
		r.MemorySwappiness != nil || r.OomKillDisable || r.UseHierarchy != nil
}

func (m *Manager) setMemory(d fscommon.Dir, r *configs.Resources) error {
	if err := m.setMemoryAndSwap(d, r); err != nil {
		return err
	}
	if r.MemoryReservation != 0 {
		if err := d.Write("memory.soft_limit_in_bytes", fscommon.FormatLimit(r.MemoryReservation, "-1")); err != nil {
			return err
		}
	}
	if r.MemorySwappiness != nil {
		if *r.MemorySwappiness > 100 {
			return fmt.Errorf("memory swappiness %d: must be 0-100: %w", *r.MemorySwappiness, fscommon.ErrInvalid)
		}
		if err := d.Write("memory.swappiness", strconv.FormatUint(*r.MemorySwappiness, 10)); err != nil {
			return err
		}
	}
	if r.OomKillDisable {
		if err := d.Write("memory.oom_control", "1"); err != nil {
			return err
		}
	}
	if r.UseHierarchy != nil {
		v := "0"
		if *r.UseHierarchy {
			v = "1"
		}
		if err := d.Write("memory.use_hierarchy", v); err != nil {
			return err
		}
	}
	return nil
}

// setMemoryAndSwap writes memory.limit_in_bytes and
// memory.memsw.limit_in_bytes. The kernel wants memory <= memory+swap at
// every moment, so when both change the order depends on whether the new
// memory+swap limit is above the current memory limit.
func (m *Manager) setMemoryAndSwap(d fscommon.Dir, r *configs.Resources) error {
	mem, swap := r.Memory, r.MemorySwap
	if mem == -1 && swap == 0 {
		// unlimited memory with swap unset: unlimited memory+swap too.
		swap = -1
	}
	if swap != 0 && !d.Has(memswLim) {
		if swap != -1 && swap != mem {
			return fscommon.Unsupported(d.File(memswLim), fmt.Sprintf("memory+swap limit %d (swap accounting is off)", swap))
		}
		m.log.Debug("no swap accounting: memory+swap limit not written", "memorySwap", swap)
		swap = 0
	}
	if r.CheckBeforeUpdate && mem > 0 {
		usage, err := d.ReadUint("memory.usage_in_bytes")
		if err != nil {
			return err
		}
		if uint64(mem) < usage {
			return fmt.Errorf("%s: memory limit %d is below the current usage %d: %w", d.File(memLimit), mem, usage, fscommon.ErrInvalid)
		}
	}
	memV, swapV := fscommon.FormatLimit(mem, "-1"), fscommon.FormatLimit(swap, "-1")
	if mem != 0 && swap != 0 {
		cur, err := d.ReadUint(memLimit)
		if err != nil {
			return err
		}
		if swap == -1 || cur < uint64(swap) {
			if err := d.Write(memswLim, swapV); err != nil {
				return err
			}
			return d.Write(memLimit, memV)
		}
		if err := d.Write(memLimit, memV); err != nil {
			return err
		}
		return d.Write(memswLim, swapV)
	}
	if mem != 0 {
		if err := d.Write(memLimit, memV); err != nil {
			return err
		}
	}
	if swap != 0 {
		return d.Write(memswLim, swapV)
	}
	return nil
}
