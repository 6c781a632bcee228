package configs

import (
	"fmt"
	"os"
	"strconv"
)

// DeviceType is 'c' (char), 'b' (block), 'p' (fifo) or 'a' (all, rules only).
type DeviceType rune

// Device kinds.
const (
	CharDevice  DeviceType = 'c'
	BlockDevice DeviceType = 'b'
	FifoDevice  DeviceType = 'p'
	AnyDevice   DeviceType = 'a'
)

// Wildcard stands for "any major" or "any minor" in a device rule.
const Wildcard int64 = -1

// DeviceRule allows or denies access to devices through the cgroup.
type DeviceRule struct {
	Type        DeviceType `json:"type"`
	Major       int64      `json:"major"`
	Minor       int64      `json:"minor"`
	Permissions string     `json:"permissions"` // a subset of "rwm"
	Allow       bool       `json:"allow"`
}

// String renders the rule as cgroup v1 devices.allow/deny take it: "c 1:3 rwm".
func (r *DeviceRule) String() string {
	num := func(n int64) string {
		if n == Wildcard {
			return "*"
		}
		return strconv.FormatInt(n, 10)
	}
	return fmt.Sprintf("%c %s:%s %s", r.Type, num(r.Major), num(r.Minor), r.Permissions)
}

// Device is a device node created in the container's /dev.
type Device struct {
	DeviceRule
	// Path is the absolute path inside the container.
	Path     string      `json:"path"`
	FileMode os.FileMode `json:"fileMode"`
	UID      uint32      `json:"uid"`
	GID      uint32      `json:"gid"`
}
