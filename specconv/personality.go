package specconv

import (
	"github.com/opencontainers/runtime-spec/specs-go"

	"github.com/oci-run/oci-run/libcontainer/configs"
)

// Execution domains of personality(2) (linux/personality.h).
const (
	perLinux   = 0x0000
	perLinux32 = 0x0008
)

// convertPersonality maps the domain name to its number; the flags are
// copied for the init code to handle.
func convertPersonality(p *specs.LinuxPersonality) (*configs.Personality, error) {
	if p == nil {
		return nil, nil
	}
	out := &configs.Personality{}
	switch p.Domain {
	case specs.PerLinux:
		out.Domain = perLinux
	case specs.PerLinux32:
		out.Domain = perLinux32
	default:
		return nil, specErr("linux.personality.domain", string(p.Domain), `unknown domain (want "LINUX" or "LINUX32")`)
	}
	for _, f := range p.Flags {
		out.Flags = append(out.Flags, string(f))
	}
	return out, nil
}
