package v1

import (
	"fmt"
	"strconv"

	"github.com/oci-run/oci-run/cgroups/fscommon"
	"github.com/oci-run/oci-run/libcontainer/configs"
)

func blkioNeeded(r *configs.Resources) bool {
	return r.BlkioWeight != 0 || r.BlkioLeafWeight != 0 || len(r.BlkioWeightDevice) > 0 ||
		len(r.BlkioThrottleReadBpsDevice) > 0 || len(r.BlkioThrottleWriteBpsDevice) > 0 ||
		len(r.BlkioThrottleReadIOPSDevice) > 0 || len(r.BlkioThrottleWriteIOPSDevice) > 0
}

// pick returns the first of the files the cgroup has: CFQ's blkio.weight or
// BFQ's blkio.bfq.weight, depending on the kernel's io scheduler.
func pick(d fscommon.Dir, what string, files ...string) (string, error) {
	for _, f := range files {
		if d.Has(f) {
			return f, nil
		}
	}
	return "", fscommon.Unsupported(d.File(files[0]), what+" (this kernel has none of "+fmt.Sprint(files)+")")
}

func setBlkio(d fscommon.Dir, r *configs.Resources) error {
	if r.BlkioWeight != 0 {
		f, err := pick(d, "blkio weight", "blkio.weight", "blkio.bfq.weight")
		if err != nil {
			return err
		}
		if err := d.Write(f, strconv.FormatUint(uint64(r.BlkioWeight), 10)); err != nil {
			return err
		}
	}
	if r.BlkioLeafWeight != 0 {
		f, err := pick(d, "blkio leaf weight", "blkio.leaf_weight")
		if err != nil {
			return err
		}
		if err := d.Write(f, strconv.FormatUint(uint64(r.BlkioLeafWeight), 10)); err != nil {
			return err
		}
	}
	for _, wd := range r.BlkioWeightDevice {
		if wd.Weight != 0 {
			f, err := pick(d, "blkio per-device weight", "blkio.weight_device", "blkio.bfq.weight_device")
			if err != nil {
				return err
			}
			if err := d.Write(f, fmt.Sprintf("%d:%d %d", wd.Major, wd.Minor, wd.Weight)); err != nil {
				return err
			}
		}
		if wd.LeafWeight != 0 {
			f, err := pick(d, "blkio per-device leaf weight", "blkio.leaf_weight_device")
			if err != nil {
				return err
			}
			if err := d.Write(f, fmt.Sprintf("%d:%d %d", wd.Major, wd.Minor, wd.LeafWeight)); err != nil {
				return err
			}
		}
	}
	throttles := []struct {
		file string
		devs []*configs.ThrottleDevice
	}{
		{"blkio.throttle.read_bps_device", r.BlkioThrottleReadBpsDevice},
		{"blkio.throttle.write_bps_device", r.BlkioThrottleWriteBpsDevice},
		{"blkio.throttle.read_iops_device", r.BlkioThrottleReadIOPSDevice},
		{"blkio.throttle.write_iops_device", r.BlkioThrottleWriteIOPSDevice},
	}
	for _, t := range throttles {
		for _, td := range t.devs {
			if !d.Has(t.file) {
				return fscommon.Unsupported(d.File(t.file), "blkio throttling")
			}
			if err := d.Write(t.file, fmt.Sprintf("%d:%d %d", td.Major, td.Minor, td.Rate)); err != nil {
				return err
			}
		}
	}
	return nil
}
