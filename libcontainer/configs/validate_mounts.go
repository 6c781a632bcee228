package configs

import (
	"fmt"
	"slices"
	"strings"
)

// validateMounts requires clean absolute destinations, and idmapped mounts
// that are bind mounts with both uid and gid mappings.
func validateMounts(c *Config) error {
	for i, m := range c.Mounts {
		field := fmt.Sprintf("mounts[%d]", i)
		if m == nil {
			return invalid(field, "", "must not be null")
		}
		if err := checkAbsPath(field+".destination", m.Destination); err != nil {
			return err
		}
		if strings.IndexByte(m.Source, 0) >= 0 {
			return invalid(field+".source", m.Source, "must not contain a NUL byte")
		}
		if strings.IndexByte(m.Device, 0) >= 0 {
			return invalid(field+".type", m.Device, "must not contain a NUL byte")
		}
		if len(m.UIDMappings) == 0 && len(m.GIDMappings) == 0 {
			if m.IDMapRecursive {
				return invalid(field, m.Destination, "idmapRecursive is set but the mount has no id mappings")
			}
			continue
		}
		if !m.IsBind() {
			return invalid(field, m.Destination, "idmapped mounts must be bind mounts")
		}
		if len(m.UIDMappings) == 0 || len(m.GIDMappings) == 0 {
			return invalid(field, m.Destination, "idmapped mounts need both uid and gid mappings")
		}
		if err := checkIDMaps(field+".uidMappings", m.UIDMappings); err != nil {
			return err
		}
		if err := checkIDMaps(field+".gidMappings", m.GIDMappings); err != nil {
			return err
		}
	}
	return nil
}

// validateDevices requires device nodes with clean absolute paths and a
// creatable type.
func validateDevices(c *Config) error {
	for i, d := range c.Devices {
		field := fmt.Sprintf("devices[%d]", i)
		if d == nil {
			return invalid(field, "", "must not be null")
		}
		if err := checkAbsPath(field+".path", d.Path); err != nil {
			return err
		}
		switch d.Type {
		case CharDevice, BlockDevice, FifoDevice:
		default:
			return invalid(field+".type", string(d.Type), "must be 'c', 'b' or 'p'")
		}
	}
	return nil
}

// validatePathLists requires absolute masked and read-only paths.
func validatePathLists(c *Config) error {
	for i, p := range c.MaskPaths {
		if err := checkAbs(fmt.Sprintf("maskPaths[%d]", i), p); err != nil {
			return err
		}
	}
	for i, p := range c.ReadonlyPaths {
		if err := checkAbs(fmt.Sprintf("readonlyPaths[%d]", i), p); err != nil {
			return err
		}
	}
	return nil
}

// validateHooks requires known hook points and absolute hook paths.
func validateHooks(c *Config) error {
	points := []HookName{Prestart, CreateRuntime, CreateContainer, StartContainer, Poststart, Poststop}
	for name := range c.Hooks {
		if !slices.Contains(points, name) {
			return invalid("hooks", string(name), "unknown hook point")
		}
	}
	for _, name := range points {
		for i, h := range c.Hooks[name] {
			field := fmt.Sprintf("hooks.%s[%d].path", name, i)
			if err := checkAbs(field, h.Path); err != nil {
				return err
			}
			if h.Timeout != nil && *h.Timeout <= 0 {
				return invalid(fmt.Sprintf("hooks.%s[%d].timeout", name, i), "", "must be positive")
			}
		}
	}
	return nil
}
