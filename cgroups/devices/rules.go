// Package devices turns the container's device rules into what each cgroup
// version enforces: devices.allow/devices.deny writes for v1, and a
// BPF_CGROUP_DEVICE program for v2.
package devices

import (
	"fmt"
	"strings"

	"github.com/oci-run/oci-run/cgroups/fscommon"
	"github.com/oci-run/oci-run/libcontainer/configs"
)

// Validate checks a rule: a known type, major/minor >= 0 or Wildcard, and
// permissions a non-empty subset of "rwm" without repeats.
func Validate(r *configs.DeviceRule) error {
	if r == nil {
		return fmt.Errorf("device rule: nil: %w", fscommon.ErrInvalid)
	}
	switch r.Type {
	case configs.CharDevice, configs.BlockDevice, configs.AnyDevice:
	default:
		return fmt.Errorf("device rule %q: type %q: %w", r.String(), rune(r.Type), fscommon.ErrInvalid)
	}
	if r.Major < configs.Wildcard || r.Minor < configs.Wildcard {
		return fmt.Errorf("device rule %q: negative major/minor: %w", r.String(), fscommon.ErrInvalid)
	}
	if r.Permissions == "" {
		return fmt.Errorf("device rule %q: no permissions: %w", r.String(), fscommon.ErrInvalid)
	}
	seen := map[rune]bool{}
	for _, c := range r.Permissions {
		if !strings.ContainsRune("rwm", c) || seen[c] {
			return fmt.Errorf("device rule %q: permissions %q: %w", r.String(), r.Permissions, fscommon.ErrInvalid)
		}
		seen[c] = true
	}
	return nil
}

// isWildcardAll reports a rule that covers every device with every access.
func isWildcardAll(r *configs.DeviceRule) bool {
	return r.Type == configs.AnyDevice && r.Major == configs.Wildcard &&
		r.Minor == configs.Wildcard && len(r.Permissions) == 3
}

// V1Write is one write to devices.allow or devices.deny.
type V1Write struct {
	File  string // "devices.allow" or "devices.deny"
	Value string
}

// V1Writes returns the writes that make a v1 devices cgroup enforce rules:
// first "a" to devices.deny (default deny, clear exceptions), then each rule
// in order. A full wildcard rule becomes "a" (the kernel resets the
// default on "a"); an 'a'-type rule that is narrower is split into 'c' and
// 'b' rules, because the kernel reads any line starting with "a" as the
// full wildcard.
func V1Writes(rules []*configs.DeviceRule) ([]V1Write, error) {
	out := []V1Write{{File: "devices.deny", Value: "a"}}
	for _, r := range rules {
		if err := Validate(r); err != nil {
			return nil, err
		}
		file := "devices.deny"
		if r.Allow {
			file = "devices.allow"
		}
		switch {
		case isWildcardAll(r):
			out = append(out, V1Write{File: file, Value: "a"})
		case r.Type == configs.AnyDevice:
			for _, t := range []configs.DeviceType{configs.CharDevice, configs.BlockDevice} {
				c := *r
				c.Type = t
				out = append(out, V1Write{File: file, Value: c.String()})
			}
		default:
			out = append(out, V1Write{File: file, Value: r.String()})
		}
	}
	return out, nil
}
