package systemd

import (
	"fmt"
	"strings"

	"github.com/oci-run/oci-run/cgroups/fscommon"
	"github.com/oci-run/oci-run/libcontainer/configs"
)

// DefaultSlice is the slice a container's scope goes into when the
// configuration names none.
const DefaultSlice = "system.slice"

// maxUnitNameLen is systemd's UNIT_NAME_MAX minus the terminating NUL.
const maxUnitNameLen = 255

// UnitName returns the container's transient scope unit:
// "<ScopePrefix>-<Name>.scope", or "<Name>.scope" without a prefix.
// A Name ending in ".slice" (runc lets libcontainer users create a slice as
// the container's unit) is refused: this driver only creates scopes.
func UnitName(c *configs.Cgroup) (string, error) {
	if c == nil || c.Name == "" {
		return "", fmt.Errorf("systemd cgroup: no unit name (cgroupsPath \"slice:prefix:name\" needs a name): %w", fscommon.ErrInvalid)
	}
	if strings.HasSuffix(c.Name, ".slice") {
		return "", fmt.Errorf("systemd cgroup: name %q: creating a slice as the container's unit is not supported, only scopes: %w", c.Name, fscommon.ErrInvalid)
	}
	unit := c.Name + ".scope"
	if c.ScopePrefix != "" {
		unit = c.ScopePrefix + "-" + unit
	}
	if err := validUnitName(unit); err != nil {
		return "", err
	}
	return unit, nil
}

// SliceName returns the configured parent slice, or DefaultSlice.
func SliceName(c *configs.Cgroup) string {
	if c == nil || c.Parent == "" {
		return DefaultSlice
	}
	return c.Parent
}

// validUnitName checks the characters systemd accepts in a unit name
// (ASCII letters and digits, ":", "-", "_", ".", "\\", "@") and its length.
func validUnitName(unit string) error {
	if len(unit) > maxUnitNameLen {
		return fmt.Errorf("systemd unit name %q is longer than %d bytes: %w", unit, maxUnitNameLen, fscommon.ErrInvalid)
	}
	for _, r := range unit {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' ||
			strings.ContainsRune(":-_.\\@", r)
		if !ok {
			return fmt.Errorf("systemd unit name %q: character %q is not allowed: %w", unit, r, fscommon.ErrInvalid)
		}
	}
	return nil
}

// ExpandSlice turns a slice unit name into its cgroup path below the
// hierarchy root, as systemd lays slices out: every "-" opens a nested
// slice, so "a-b-c.slice" is "/a.slice/a-b.slice/a-b-c.slice". The root
// slice "-.slice" is "/". Empty components ("a--b.slice", "-a.slice",
// "a-.slice") and "/" are refused.
func ExpandSlice(slice string) (string, error) {
	const suffix = ".slice"
	name, ok := strings.CutSuffix(slice, suffix)
	if !ok || name == "" {
		return "", fmt.Errorf("systemd slice %q: must be a name ending in %q: %w", slice, suffix, fscommon.ErrInvalid)
	}
	if strings.Contains(name, "/") {
		return "", fmt.Errorf("systemd slice %q: must not contain \"/\": %w", slice, fscommon.ErrInvalid)
	}
	if err := validUnitName(slice); err != nil {
		return "", err
	}
	if name == "-" {
		return "/", nil
	}
	var path, prefix strings.Builder
	for part := range strings.SplitSeq(name, "-") {
		if part == "" {
			return "", fmt.Errorf("systemd slice %q: empty component (leading, trailing or doubled \"-\"): %w", slice, fscommon.ErrInvalid)
		}
		prefix.WriteString(part)
		path.WriteString("/" + prefix.String() + suffix)
		prefix.WriteString("-")
	}
	return path.String(), nil
}
