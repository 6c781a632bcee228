package specconv

import (
	"slices"

	"github.com/opencontainers/runtime-spec/specs-go"

	"github.com/oci-run/oci-run/libcontainer/configs"
)

// convertSeccomp copies the seccomp profile as it is; the seccomp loader
// checks and compiles it. A profile with neither a default action nor
// rules means no filter (nil), as in runc.
func convertSeccomp(s *specs.LinuxSeccomp) *configs.Seccomp {
	if s == nil || (s.DefaultAction == "" && len(s.Syscalls) == 0) {
		return nil
	}
	out := &configs.Seccomp{
		DefaultAction:    string(s.DefaultAction),
		DefaultErrnoRet:  copyPtr(s.DefaultErrnoRet),
		ListenerPath:     s.ListenerPath,
		ListenerMetadata: s.ListenerMetadata,
	}
	for _, a := range s.Architectures {
		out.Architectures = append(out.Architectures, string(a))
	}
	if s.Flags != nil {
		// Keep "no flags given" (nil) apart from "explicitly none" (empty).
		out.Flags = make([]string, 0, len(s.Flags))
		for _, f := range s.Flags {
			out.Flags = append(out.Flags, string(f))
		}
	}
	for _, sc := range s.Syscalls {
		rule := &configs.SeccompSyscall{
			Names:    slices.Clone(sc.Names),
			Action:   string(sc.Action),
			ErrnoRet: copyPtr(sc.ErrnoRet),
		}
		for _, a := range sc.Args {
			rule.Args = append(rule.Args, &configs.SeccompArg{Index: a.Index, Value: a.Value, ValueTwo: a.ValueTwo, Op: string(a.Op)})
		}
		out.Syscalls = append(out.Syscalls, rule)
	}
	return out
}
