// Package specconv turns an OCI runtime-spec bundle into oci-run's own
// configs.Config.
//
// The usual sequence is:
//
//	spec, err := specconv.LoadSpec(bundle)
//	cfg, err := specconv.ToConfig(spec, specconv.Options{ID: id, BundleDir: bundle})
//	err = cfg.Validate()
//
// ToConfig converts; it rejects only what it cannot represent (unknown
// names, malformed values, features oci-run does not implement). Checks of
// the resulting Config as a whole (paths absolute, namespaces consistent,
// sysctls namespaced, ...) belong to configs.Config.Validate.
//
// Example and ToRootless produce the spec that `oci-run spec` writes, and
// Features describes what ToConfig accepts for `oci-run features`.
package specconv
