package specconv

import (
	"log/slog"
	"path/filepath"
	"strings"

	"github.com/opencontainers/runtime-spec/specs-go"

	"github.com/oci-run/oci-run/libcontainer/configs"
)

// ScopePrefix is the default systemd scope prefix: a container's scope is
// "oci-run-<id>.scope".
const ScopePrefix = "oci-run"

// convertCgroup places the container and converts its resources;
// defaultRules (from convertDevices) follow the spec's device rules.
//
// For the fs drivers the path is linux.cgroupsPath, cleaned, or "/<id>"
// when it is empty. For systemd, cgroupsPath is "slice:prefix:name" and
// defaults to "system.slice:oci-run:<id>" ("user.slice" when rootless); an
// empty slice takes the same default.
func convertCgroup(l *specs.Linux, opts Options, defaultRules []*configs.DeviceRule, log *slog.Logger) (*configs.Cgroup, error) {
	var path string
	var res *specs.LinuxResources
	if l != nil {
		path = l.CgroupsPath
		res = l.Resources
	}
	c := &configs.Cgroup{Systemd: opts.Systemd}
	if opts.Systemd {
		if err := systemdPlacement(c, path, opts); err != nil {
			return nil, err
		}
	} else {
		if path == "" {
			path = "/" + opts.ID
		}
		c.Path = filepath.Clean(path)
	}
	r, err := convertResources(res, log)
	if err != nil {
		return nil, err
	}
	r.Devices = append(r.Devices, defaultRules...)
	c.Resources = r
	return c, nil
}

// systemdPlacement parses "slice:prefix:name" into the Cgroup.
func systemdPlacement(c *configs.Cgroup, path string, opts Options) error {
	slice := "system.slice"
	if opts.Rootless {
		slice = "user.slice"
	}
	if path == "" {
		c.Parent, c.ScopePrefix, c.Name = slice, ScopePrefix, opts.ID
		return nil
	}
	parts := strings.Split(path, ":")
	if len(parts) != 3 {
		return specErr("linux.cgroupsPath", path, `must have the form "slice:prefix:name" for the systemd cgroup driver`)
	}
	c.Parent, c.ScopePrefix, c.Name = parts[0], parts[1], parts[2]
	if c.Parent == "" {
		c.Parent = slice
	}
	if c.Name == "" {
		return specErr("linux.cgroupsPath", path, "the unit name (after the second colon) must not be empty")
	}
	return nil
}
