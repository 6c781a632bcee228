package specconv

import (
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"

	"github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/oci-run/oci-run/libcontainer/configs"
)

// convertMounts converts the spec's mounts in order. It returns the indexes
// of mounts that asked for an id mapping ("idmap"/"ridmap") without giving
// one: those take the container's user namespace mappings, which are known
// only after the linux section is converted.
func convertMounts(c *configs.Config, mounts []specs.Mount, bundle string, log *slog.Logger) ([]int, error) {
	var needMaps []int
	for i, m := range mounts {
		field := fmt.Sprintf("mounts[%d]", i)
		cm, wantsMaps, err := convertMount(field, m, bundle, log)
		if err != nil {
			return nil, err
		}
		if wantsMaps {
			needMaps = append(needMaps, i)
		}
		c.Mounts = append(c.Mounts, cm)
	}
	return needMaps, nil
}

// convertMount converts one mount. Bind mounts (a "bind" or "rbind" option,
// or type "bind") get Device "bind" and an absolute source, relative to the
// bundle. The second result reports an idmap option without mappings.
func convertMount(field string, m specs.Mount, bundle string, log *slog.Logger) (*configs.Mount, bool, error) {
	if err := checkMountStrings(field, m); err != nil {
		return nil, false, err
	}
	opts := parseMountOptions(field, m.Options, log)
	cm := &configs.Mount{
		Source:      m.Source,
		Destination: m.Destination,
		Device:      m.Type,
		UIDMappings: convertIDMaps(m.UIDMappings),
		GIDMappings: convertIDMaps(m.GIDMappings),
	}
	opts.apply(cm)
	if m.Type == "bind" {
		cm.Flags |= unix.MS_BIND
	}
	if cm.Flags&unix.MS_BIND != 0 {
		// The type of a bind mount means nothing to mount(2); "bind"
		// tells the rootfs code what it is.
		cm.Device = "bind"
		if cm.Source != "" && !filepath.IsAbs(cm.Source) {
			cm.Source = filepath.Join(bundle, cm.Source)
		}
	}
	hasMaps := len(cm.UIDMappings) > 0 || len(cm.GIDMappings) > 0
	cm.IDMapRecursive = opts.idmapRecursive
	return cm, opts.idmap && !hasMaps, nil
}

// checkMountStrings refuses NUL bytes, which cannot cross to mount(2).
func checkMountStrings(field string, m specs.Mount) error {
	parts := []struct{ name, v string }{
		{"destination", m.Destination}, {"source", m.Source}, {"type", m.Type},
	}
	for i, o := range m.Options {
		parts = append(parts, struct{ name, v string }{fmt.Sprintf("options[%d]", i), o})
	}
	for _, p := range parts {
		if strings.IndexByte(p.v, 0) >= 0 {
			return specErr(field+"."+p.name, p.v, "must not contain a NUL byte")
		}
	}
	return nil
}

// fillIDMappedMounts gives mounts that asked for "idmap" or "ridmap"
// without mappings of their own the container's user namespace mappings.
func fillIDMappedMounts(c *configs.Config, idx []int) error {
	for _, i := range idx {
		if len(c.UIDMappings) == 0 || len(c.GIDMappings) == 0 {
			return specErr(fmt.Sprintf("mounts[%d].options", i), c.Mounts[i].Destination,
				"idmap needs uidMappings and gidMappings on the mount or on the container's user namespace")
		}
		c.Mounts[i].UIDMappings = append([]configs.IDMap(nil), c.UIDMappings...)
		c.Mounts[i].GIDMappings = append([]configs.IDMap(nil), c.GIDMappings...)
	}
	return nil
}
