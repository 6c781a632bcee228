package configs

import (
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// validateRootfs requires an absolute rootfs path naming an existing
// directory, and a root propagation that pivot_root-less setups can honour.
func validateRootfs(c *Config) error {
	if c.Rootfs == "" {
		return invalid("rootfs", "", "must be set")
	}
	if !filepath.IsAbs(c.Rootfs) {
		return invalid("rootfs", c.Rootfs, "must be an absolute path")
	}
	fi, err := os.Stat(c.Rootfs)
	if err != nil {
		return &ValidationError{Field: "rootfs", Value: c.Rootfs, Msg: "cannot be used", Err: err}
	}
	if !fi.IsDir() {
		return invalid("rootfs", c.Rootfs, "must be a directory")
	}
	return validateRootPropagation(c)
}

// validateRootPropagation accepts 0 or one of shared/slave/private/
// unbindable, optionally recursive. Like runc, it refuses a private root
// together with NoPivotRoot, a combination runc documents as unsafe.
func validateRootPropagation(c *Config) error {
	p := c.RootPropagation
	if p == 0 {
		return nil
	}
	kind := p &^ unix.MS_REC
	switch kind {
	case unix.MS_SHARED, unix.MS_SLAVE, unix.MS_PRIVATE, unix.MS_UNBINDABLE:
	default:
		return invalid("rootPropagation", "", "must be one of MS_SHARED, MS_SLAVE, MS_PRIVATE or MS_UNBINDABLE, optionally with MS_REC")
	}
	if c.NoPivotRoot && kind == unix.MS_PRIVATE {
		return invalid("rootPropagation", "", "a private root propagation is not safe without pivot_root (noPivotRoot is set)")
	}
	return nil
}
