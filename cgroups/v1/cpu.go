package v1

import (
	"errors"
	"fmt"
	"strconv"

	"golang.org/x/sys/unix"

	"github.com/oci-run/oci-run/cgroups/fscommon"
	"github.com/oci-run/oci-run/libcontainer/configs"
)

func cpuNeeded(r *configs.Resources) bool {
	return r.CPUShares != 0 || r.CPUQuota != 0 || r.CPUPeriod != 0 || r.CPUBurst != nil ||
		r.CPURtRuntime != 0 || r.CPURtPeriod != 0 || r.CPUIdle != nil
}

func setCPU(d fscommon.Dir, r *configs.Resources) error {
	if r.CPUShares != 0 {
		v := strconv.FormatUint(r.CPUShares, 10)
		if err := d.Write("cpu.shares", v); err != nil {
			return err
		}
		got, err := d.ReadUint("cpu.shares")
		if err != nil {
			return err
		}
		if got != r.CPUShares {
			return fmt.Errorf("%s: asked %d, the kernel clamped it to %d: %w", d.File("cpu.shares"), r.CPUShares, got, fscommon.ErrInvalid)
		}
	}
	// A smaller period can be refused (EINVAL) while the old quota is in
	// place; then write the quota first and the period again.
	periodPending := false
	if r.CPUPeriod != 0 {
		err := d.Write("cpu.cfs_period_us", strconv.FormatUint(r.CPUPeriod, 10))
		if err != nil {
			if !errors.Is(err, unix.EINVAL) || r.CPUQuota == 0 {
				return err
			}
			periodPending = true
		}
	}
	if r.CPUQuota != 0 {
		if err := d.Write("cpu.cfs_quota_us", fscommon.FormatLimit(r.CPUQuota, "-1")); err != nil {
			return err
		}
	}
	if periodPending {
		if err := d.Write("cpu.cfs_period_us", strconv.FormatUint(r.CPUPeriod, 10)); err != nil {
			return err
		}
	}
	if r.CPUBurst != nil {
		if !d.Has("cpu.cfs_burst_us") {
			return fscommon.Unsupported(d.File("cpu.cfs_burst_us"), "cpu burst")
		}
		if err := d.Write("cpu.cfs_burst_us", strconv.FormatUint(*r.CPUBurst, 10)); err != nil {
			return err
		}
	}
	if r.CPURtPeriod != 0 || r.CPURtRuntime != 0 {
		if !d.Has("cpu.rt_runtime_us") {
			return fscommon.Unsupported(d.File("cpu.rt_runtime_us"), "realtime cpu scheduling")
		}
	}
	if r.CPURtPeriod != 0 {
		if err := d.Write("cpu.rt_period_us", strconv.FormatUint(r.CPURtPeriod, 10)); err != nil {
			return err
		}
	}
	if r.CPURtRuntime != 0 {
		if err := d.Write("cpu.rt_runtime_us", strconv.FormatInt(r.CPURtRuntime, 10)); err != nil {
			return err
		}
	}
	if r.CPUIdle != nil {
		if !d.Has("cpu.idle") {
			return fscommon.Unsupported(d.File("cpu.idle"), "cpu idle")
		}
		if err := d.Write("cpu.idle", strconv.FormatInt(*r.CPUIdle, 10)); err != nil {
			return err
		}
	}
	return nil
}

func setCpuset(d fscommon.Dir, r *configs.Resources) error {
	if err := d.WriteIfSet("cpuset.cpus", r.CpusetCpus); err != nil {
		return err
	}
	return d.WriteIfSet("cpuset.mems", r.CpusetMems)
}

func setPids(d fscommon.Dir, r *configs.Resources) error {
	return d.Write("pids.max", fscommon.FormatLimit(r.PidsLimit, "max"))
}
