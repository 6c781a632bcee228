package configs

// Validate checks the Config for mistakes that would otherwise surface only
// halfway through creating a container, and returns the first one found as
// a *ValidationError (nil when the Config is fine).
//
// Validate does not change anything on the system; the only system calls it
// makes are stat(2) of the rootfs and of namespace paths (including
// /proc/self/ns/net, to tell whether a joined network namespace is the
// host's).
func (c *Config) Validate() error {
	checks := []func(*Config) error{
		validateRootfs,
		validateProcess,
		validateNamespaces,
		validateIDMappings,
		validateUTS,
		validateTimeOffsets,
		validateMounts,
		validateDevices,
		validatePathLists,
		validateHooks,
		validateSysctl,
		validateCgroups,
	}
	for _, check := range checks {
		if err := check(c); err != nil {
			return err
		}
	}
	return nil
}
