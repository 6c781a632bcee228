package seccomp

// Features is what the package supports, in the runtime-spec's names, for
// the features document (`oci-run features`).
type Features struct {
	// Actions, Operators and Archs are every name Compile accepts. An
	// action the running kernel lacks, or an architecture the linked
	// libseccomp lacks, is still refused by Compile with an error.
	Actions   []string
	Operators []string
	Archs     []string
	// KnownFlags are the flag names Compile accepts; SupportedFlags those
	// the running kernel accepts too (asked at each call, as runc does).
	KnownFlags     []string
	SupportedFlags []string
}

// Supported lists the actions, operators, architectures and flags of the
// package. Only SupportedFlags depends on the host.
func Supported() Features {
	var f Features
	for _, a := range actions() {
		f.Actions = append(f.Actions, a.name)
	}
	for _, o := range operators() {
		f.Operators = append(f.Operators, o.name)
	}
	for _, a := range architectures() {
		f.Archs = append(f.Archs, a.name)
	}
	f.SupportedFlags = []string{}
	for _, fl := range flags() {
		f.KnownFlags = append(f.KnownFlags, fl.name)
		if _, err := loadFlags([]string{fl.name}, false); err == nil {
			f.SupportedFlags = append(f.SupportedFlags, fl.name)
		}
	}
	return f
}
