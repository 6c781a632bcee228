package v1

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/oci-run/oci-run/cgroups/devices"
	"github.com/oci-run/oci-run/cgroups/fscommon"
	"github.com/oci-run/oci-run/libcontainer/configs"
)

func setHugetlb(d fscommon.Dir, r *configs.Resources) error {
	for _, h := range r.HugetlbLimit {
		f := "hugetlb." + h.Pagesize + ".limit_in_bytes"
		if err := fscommon.ValidName(f); err != nil {
			return err
		}
		if !d.Has(f) {
			return fscommon.Unsupported(d.File(f), "huge page size "+h.Pagesize)
		}
		v := strconv.FormatUint(h.Limit, 10)
		if err := d.Write(f, v); err != nil {
			return err
		}
		if rsvd := "hugetlb." + h.Pagesize + ".rsvd.limit_in_bytes"; d.Has(rsvd) {
			if err := d.Write(rsvd, v); err != nil {
				return err
			}
		}
	}
	return nil
}

func setNetCls(d fscommon.Dir, r *configs.Resources) error {
	return d.Write("net_cls.classid", strconv.FormatUint(uint64(r.NetClsClassid), 10))
}

func setNetPrio(d fscommon.Dir, r *configs.Resources) error {
	for _, p := range r.NetPrioIfpriomap {
		if p.Interface == "" || strings.ContainsAny(p.Interface, " \n") {
			return fmt.Errorf("net_prio interface %q: %w", p.Interface, fscommon.ErrInvalid)
		}
		if err := d.Write("net_prio.ifpriomap", fmt.Sprintf("%s %d", p.Interface, p.Priority)); err != nil {
			return err
		}
	}
	return nil
}

// RdmaLine renders one rdma.max line: "mlx4_0 hca_handle=2 hca_object=max".
func RdmaLine(dev string, l configs.RdmaLimit) (string, error) {
	if dev == "" || strings.ContainsAny(dev, " \n=") {
		return "", fmt.Errorf("rdma device %q: %w", dev, fscommon.ErrInvalid)
	}
	line := dev
	if l.HcaHandles != nil {
		line += " hca_handle=" + strconv.FormatUint(uint64(*l.HcaHandles), 10)
	}
	if l.HcaObjects != nil {
		line += " hca_object=" + strconv.FormatUint(uint64(*l.HcaObjects), 10)
	}
	return line, nil
}

func setRdma(d fscommon.Dir, r *configs.Resources) error {
	devs := slices.Sorted(maps.Keys(r.Rdma))
	for _, dev := range devs {
		line, err := RdmaLine(dev, r.Rdma[dev])
		if err != nil {
			return err
		}
		if err := d.Write("rdma.max", line); err != nil {
			return err
		}
	}
	return nil
}

func setDevices(d fscommon.Dir, r *configs.Resources) error {
	writes, err := devices.V1Writes(r.Devices)
	if err != nil {
		return err
	}
	for _, w := range writes {
		if err := d.Write(w.File, w.Value); err != nil {
			return err
		}
	}
	return nil
}

func unifiedOnV1(u map[string]string) error {
	keys := slices.Sorted(maps.Keys(u))
	return fmt.Errorf("unified cgroup v2 settings %v on a cgroup v1 host: %w", keys, fscommon.ErrNotSupported)
}
