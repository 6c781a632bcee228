package specconv

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/opencontainers/runtime-spec/specs-go"

	"github.com/oci-run/oci-run/libcontainer/configs"
)

// defaultDevices are the nodes runc creates in every container's /dev:
// null, zero, full, random, urandom and tty, char devices with mode 0666
// owned by root.
func defaultDevices() []*configs.Device {
	node := func(path string, major, minor int64) *configs.Device {
		return &configs.Device{
			DeviceRule: configs.DeviceRule{Type: configs.CharDevice, Major: major, Minor: minor, Permissions: "rwm", Allow: true},
			Path:       path,
			FileMode:   0o666,
		}
	}
	return []*configs.Device{
		node("/dev/null", 1, 3),
		node("/dev/zero", 1, 5),
		node("/dev/full", 1, 7),
		node("/dev/random", 1, 8),
		node("/dev/urandom", 1, 9),
		node("/dev/tty", 5, 0),
	}
}

// defaultRule is one entry of runc's default device allow-list; Path ties
// it to a default node so that the rule goes when the spec replaces that
// node.
type defaultRule struct {
	path string
	rule configs.DeviceRule
}

// defaultDeviceRules is runc's allow-list, appended after the spec's own
// rules: mknod of any char or block device, the default nodes, the console
// (5:1), /dev/ptmx (5:2), the pty slaves (136:*) and /dev/net/tun (10:200).
func defaultDeviceRules() []defaultRule {
	rwm := func(path string, major, minor int64) defaultRule {
		return defaultRule{path, configs.DeviceRule{Type: configs.CharDevice, Major: major, Minor: minor, Permissions: "rwm", Allow: true}}
	}
	w := configs.Wildcard
	return []defaultRule{
		{"", configs.DeviceRule{Type: configs.CharDevice, Major: w, Minor: w, Permissions: "m", Allow: true}},
		{"", configs.DeviceRule{Type: configs.BlockDevice, Major: w, Minor: w, Permissions: "m", Allow: true}},
		rwm("/dev/null", 1, 3),
		rwm("/dev/zero", 1, 5),
		rwm("/dev/full", 1, 7),
		rwm("/dev/random", 1, 8),
		rwm("/dev/urandom", 1, 9),
		rwm("/dev/tty", 5, 0),
		rwm("", 5, 1),
		rwm("", 5, 2),
		rwm("", 136, w),
		rwm("", 10, 200),
	}
}

// convertDevices returns the device nodes to create (the defaults, less
// any the spec replaces by path, then linux.devices in order) and the
// device cgroup rules that follow the spec's own resources.devices (the
// default allow-list, then an rwm allow rule for each spec device).
func convertDevices(l *specs.Linux) ([]*configs.Device, []*configs.DeviceRule, error) {
	var specDevs []specs.LinuxDevice
	if l != nil {
		specDevs = l.Devices
	}
	replaced := make(map[string]bool, len(specDevs))
	for _, d := range specDevs {
		replaced[filepath.Clean(d.Path)] = true
	}

	var nodes []*configs.Device
	for _, d := range defaultDevices() {
		if !replaced[d.Path] {
			nodes = append(nodes, d)
		}
	}
	var rules []*configs.DeviceRule
	for _, r := range defaultDeviceRules() {
		if r.path == "" || !replaced[r.path] {
			rule := r.rule
			rules = append(rules, &rule)
		}
	}
	for i, d := range specDevs {
		dev, err := convertDevice(fmt.Sprintf("linux.devices[%d]", i), d)
		if err != nil {
			return nil, nil, err
		}
		nodes = append(nodes, dev)
		if dev.Type != configs.FifoDevice {
			rule := dev.DeviceRule
			rules = append(rules, &rule)
		}
	}
	return nodes, rules, nil
}

// convertDevice converts one linux.devices entry. Type "u" (unbuffered
// char) is a char device; fileMode defaults to 0666 and keeps only the
// permission bits; uid and gid default to 0.
func convertDevice(field string, d specs.LinuxDevice) (*configs.Device, error) {
	var t configs.DeviceType
	switch d.Type {
	case "c", "u":
		t = configs.CharDevice
	case "b":
		t = configs.BlockDevice
	case "p":
		t = configs.FifoDevice
	default:
		return nil, specErr(field+".type", d.Type, `unknown device type (want "c", "u", "b" or "p")`)
	}
	if d.Path == "" {
		return nil, specErr(field+".path", "", "must be set")
	}
	if t != configs.FifoDevice && (d.Major < 0 || d.Minor < 0) {
		return nil, specErr(field, d.Path, "major and minor must not be negative")
	}
	mode := os.FileMode(0o666)
	if d.FileMode != nil {
		mode = *d.FileMode & 0o7777
	}
	dev := &configs.Device{
		DeviceRule: configs.DeviceRule{Type: t, Major: d.Major, Minor: d.Minor, Permissions: "rwm", Allow: true},
		Path:       d.Path,
		FileMode:   mode,
	}
	if d.UID != nil {
		dev.UID = *d.UID
	}
	if d.GID != nil {
		dev.GID = *d.GID
	}
	return dev, nil
}

// convertDeviceRules converts resources.devices in order. Type "" and "a"
// mean every device, a missing major or minor is a wildcard; the access
// string is required, as runc requires it.
func convertDeviceRules(in []specs.LinuxDeviceCgroup) ([]*configs.DeviceRule, error) {
	var out []*configs.DeviceRule
	for i, d := range in {
		field := fmt.Sprintf("linux.resources.devices[%d]", i)
		var t configs.DeviceType
		switch d.Type {
		case "", "a":
			t = configs.AnyDevice
		case "c":
			t = configs.CharDevice
		case "b":
			t = configs.BlockDevice
		default:
			return nil, specErr(field+".type", d.Type, `unknown device type (want "a", "b" or "c")`)
		}
		if d.Access == "" {
			return nil, specErr(field+".access", "", "must be set")
		}
		r := &configs.DeviceRule{Type: t, Major: configs.Wildcard, Minor: configs.Wildcard, Permissions: d.Access, Allow: d.Allow}
		if d.Major != nil {
			r.Major = *d.Major
		}
		if d.Minor != nil {
			r.Minor = *d.Minor
		}
		out = append(out, r)
	}
	return out, nil
}
