package specconv

import (
	"errors"
	"log/slog"
	"maps"
	"slices"
	"strings"

	"github.com/opencontainers/runtime-spec/specs-go"

	"github.com/oci-run/oci-run/libcontainer/configs"
)

// ToConfig converts an OCI spec into a configs.Config.
//
// It resolves the rootfs and bind sources against the bundle, turns mount
// options into flags, adds runc's default devices and device cgroup rules,
// and maps names (namespaces, rlimits, personality) to their values. It
// returns a *SpecError for what it cannot convert: unknown names, malformed
// values, and features oci-run does not implement (intelRdt, memoryPolicy,
// netDevices). It does not check the Config as a whole: call Validate on
// the result.
func ToConfig(spec *specs.Spec, opts Options) (*configs.Config, error) {
	if spec == nil {
		return nil, errors.New("specconv: no spec given")
	}
	if opts.ID == "" {
		return nil, errors.New("specconv: container id must be set")
	}
	bundle, err := opts.bundle()
	if err != nil {
		return nil, err
	}
	log := opts.logger()
	if err := checkVersion(spec.Version); err != nil {
		return nil, err
	}
	if err := checkUnsupported(spec.Linux); err != nil {
		return nil, err
	}

	c := &configs.Config{
		Version:      spec.Version,
		NoPivotRoot:  opts.NoPivotRoot,
		NoNewKeyring: opts.NoNewKeyring,
		Hostname:     spec.Hostname,
		Domainname:   spec.Domainname,
		Labels:       []string{"bundle=" + bundle},
		Annotations:  maps.Clone(spec.Annotations),
		Hooks:        convertHooks(spec.Hooks),
	}
	if err := convertRoot(c, spec, bundle); err != nil {
		return nil, err
	}
	idmapped, err := convertMounts(c, spec.Mounts, bundle, log)
	if err != nil {
		return nil, err
	}
	if err := convertLinux(c, spec.Linux); err != nil {
		return nil, err
	}
	if err := fillIDMappedMounts(c, idmapped); err != nil {
		return nil, err
	}
	nodes, rules, err := convertDevices(spec.Linux)
	if err != nil {
		return nil, err
	}
	c.Devices = nodes
	if c.Cgroups, err = convertCgroup(spec.Linux, opts, rules, log); err != nil {
		return nil, err
	}
	if spec.Process != nil {
		if c.Process, err = ToProcess(spec.Process, log); err != nil {
			return nil, err
		}
		c.OOMScoreAdj = copyPtr(spec.Process.OOMScoreAdj)
	}
	return c, nil
}

// convertLinux copies the linux section's namespaces, maps, paths and
// security settings.
func convertLinux(c *configs.Config, l *specs.Linux) error {
	if l == nil {
		return nil
	}
	var err error
	if c.RootPropagation, err = rootPropagation(l.RootfsPropagation); err != nil {
		return err
	}
	if c.Namespaces, err = convertNamespaces(l.Namespaces); err != nil {
		return err
	}
	c.UIDMappings = convertIDMaps(l.UIDMappings)
	c.GIDMappings = convertIDMaps(l.GIDMappings)
	c.TimeOffsets = convertTimeOffsets(l.TimeOffsets)
	c.Sysctl = maps.Clone(l.Sysctl)
	c.MaskPaths = slices.Clone(l.MaskedPaths)
	c.ReadonlyPaths = slices.Clone(l.ReadonlyPaths)
	c.MountLabel = l.MountLabel
	c.Seccomp = convertSeccomp(l.Seccomp)
	if c.Personality, err = convertPersonality(l.Personality); err != nil {
		return err
	}
	return nil
}

// checkVersion accepts specs of major version 1 (or no version, as runc
// does).
func checkVersion(v string) error {
	if v == "" || strings.HasPrefix(v, "1.") {
		return nil
	}
	return specErr("ociVersion", v, "unsupported version: oci-run implements runtime-spec 1.x")
}

// checkUnsupported refuses linux features oci-run does not implement
// rather than silently running without them.
func checkUnsupported(l *specs.Linux) error {
	switch {
	case l == nil:
		return nil
	case l.IntelRdt != nil:
		return specErr("linux.intelRdt", "", "Intel RDT is not supported by oci-run")
	case l.MemoryPolicy != nil:
		return specErr("linux.memoryPolicy", "", "memory policies are not supported by oci-run")
	case len(l.NetDevices) > 0:
		return specErr("linux.netDevices", "", "moving network devices is not supported by oci-run")
	}
	return nil
}

// copyPtr returns a pointer to a copy of *p, or nil.
func copyPtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// warn logs a setting ToConfig ignores.
func warn(log *slog.Logger, field, msg string) {
	log.Warn("spec setting ignored", "field", field, "reason", msg)
}
