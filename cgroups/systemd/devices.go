package systemd

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/oci-run/oci-run/cgroups/devices"
	"github.com/oci-run/oci-run/libcontainer/configs"
)

// DeviceAllow is one entry of systemd's DeviceAllow property ("a(ss)"): a
// device node path, "/dev/char/M:m", "char-<group>" or "block-<group>", and
// the access ("rwm" subset).
type DeviceAllow struct {
	Path  string
	Perms string
}

// deviceNames resolves a device major number to its group name in
// /proc/devices ("pts" for char 136); ok is false when none is listed.
type deviceNames func(t configs.DeviceType, major int64) (name string, ok bool)

// deviceProperties renders the device rules as DevicePolicy and
// DeviceAllow. systemd can only express an allow list, so:
//   - rules ending with a default allow (a last "a *:* rwm" allow) become
//     DevicePolicy=auto with an empty DeviceAllow (no restriction from
//     systemd; the fs driver writes the deny rules);
//   - otherwise DevicePolicy=strict and one DeviceAllow entry per allow
//     rule after the last full wildcard. Deny rules are left out (systemd
//     allows a superset) and enforced by the fs driver, which writes every
//     rule after the properties are set.
//
// A wildcard-minor rule whose major has no /proc/devices name is left out
// of DeviceAllow: systemd then denies that device while the fs rules allow
// it, as runc does ("temporarily ignoring rule").
func deviceProperties(r *configs.Resources, names deviceNames) ([]Property, error) {
	if r.Devices == nil || r.SkipDevices {
		return nil, nil
	}
	start, defaultAllow := 0, false
	for i, d := range r.Devices {
		if err := devices.Validate(d); err != nil {
			return nil, fmt.Errorf("property DeviceAllow: %w", err)
		}
		if d.Type == configs.AnyDevice && d.Major == configs.Wildcard && d.Minor == configs.Wildcard && len(d.Permissions) == 3 {
			start, defaultAllow = i+1, d.Allow
		}
	}
	allow := []DeviceAllow{}
	if defaultAllow {
		return []Property{prop("DevicePolicy", "auto"), prop("DeviceAllow", allow)}, nil
	}
	for _, d := range r.Devices[start:] {
		if !d.Allow {
			continue
		}
		types := []configs.DeviceType{d.Type}
		if d.Type == configs.AnyDevice {
			types = []configs.DeviceType{configs.CharDevice, configs.BlockDevice}
		}
		for _, t := range types {
			if p, ok := deviceAllowPath(t, d.Major, d.Minor, names); ok {
				allow = append(allow, DeviceAllow{Path: p, Perms: d.Permissions})
			}
		}
	}
	return []Property{prop("DevicePolicy", "strict"), prop("DeviceAllow", allow)}, nil
}

// deviceAllowPath names one device (type t, major:minor) the way
// DeviceAllow takes it.
func deviceAllowPath(t configs.DeviceType, major, minor int64, names deviceNames) (string, bool) {
	kind := "char"
	if t == configs.BlockDevice {
		kind = "block"
	}
	switch {
	case major == configs.Wildcard:
		return kind + "-*", true
	case minor == configs.Wildcard:
		if names == nil {
			return "", false
		}
		name, ok := names(t, major)
		if !ok {
			return "", false
		}
		return kind + "-" + name, true
	default:
		return fmt.Sprintf("/dev/%s/%d:%d", kind, major, minor), true
	}
}

// procDevices reads /proc/devices once and returns a lookup over it (an
// empty one if it cannot be read).
func procDevices() deviceNames {
	f, err := os.Open("/proc/devices")
	if err != nil {
		return func(configs.DeviceType, int64) (string, bool) { return "", false }
	}
	defer f.Close()
	return parseProcDevices(f)
}

// parseProcDevices parses /proc/devices: a "Character devices:" and a
// "Block devices:" section of "<major> <name>" lines. Names with a "/"
// (old "/dev/vc/0" entries) are skipped; the first name per major wins.
func parseProcDevices(r io.Reader) deviceNames {
	table := map[configs.DeviceType]map[int64]string{
		configs.CharDevice:  {},
		configs.BlockDevice: {},
	}
	var cur map[int64]string
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "Character devices"):
			cur = table[configs.CharDevice]
			continue
		case strings.HasPrefix(line, "Block devices"):
			cur = table[configs.BlockDevice]
			continue
		}
		f := strings.Fields(line)
		if cur == nil || len(f) != 2 || strings.Contains(f[1], "/") {
			continue
		}
		n, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			continue
		}
		if _, dup := cur[n]; !dup {
			cur[n] = f[1]
		}
	}
	return func(t configs.DeviceType, major int64) (string, bool) {
		name, ok := table[t][major]
		return name, ok
	}
}
