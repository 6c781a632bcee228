package specconv

import (
	"fmt"
	"log/slog"
	"math"
	"slices"

	"github.com/opencontainers/runtime-spec/specs-go"

	"github.com/oci-run/oci-run/libcontainer/configs"
)

// ToProcess converts an OCI process: the container's first one (from
// ToConfig) or one given to exec (a process.json). Rlimit names become
// RLIMIT_* numbers; an unknown name is a *SpecError. As runc does,
// capability names this build does not know are dropped with a warning (a
// config written for a newer kernel still runs), and ambient capabilities
// that are not also permitted and inheritable, which the kernel would refuse
// to raise, are dropped with a warning too (runc's own `spec` lists them).
//
// execCPUAffinity.final becomes CPUAffinity; the runtime-spec applies it to
// exec'd processes only. execCPUAffinity.initial (the affinity while the
// runtime joins the container) is not supported and logged. log may be nil.
func ToProcess(p *specs.Process, log *slog.Logger) (*configs.Process, error) {
	if p == nil {
		return nil, specErr("process", "", "must be set")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	out := &configs.Process{
		Args:     slices.Clone(p.Args),
		Env:      slices.Clone(p.Env),
		Cwd:      p.Cwd,
		Terminal: p.Terminal,
		User: configs.User{
			UID:            p.User.UID,
			GID:            p.User.GID,
			AdditionalGids: slices.Clone(p.User.AdditionalGids),
			Umask:          copyPtr(p.User.Umask),
		},
		Capabilities:    convertCapabilities(p.Capabilities, log),
		NoNewPrivileges: p.NoNewPrivileges,
		OOMScoreAdj:     copyPtr(p.OOMScoreAdj),
		AppArmorProfile: p.ApparmorProfile,
		SelinuxLabel:    p.SelinuxLabel,
	}
	if box := p.ConsoleSize; box != nil {
		if box.Width > math.MaxUint16 || box.Height > math.MaxUint16 {
			return nil, specErr("process.consoleSize", fmt.Sprintf("%dx%d", box.Width, box.Height), "must fit in 65535x65535")
		}
		out.ConsoleWidth, out.ConsoleHeight = uint16(box.Width), uint16(box.Height)
	}
	var err error
	if out.Rlimits, err = convertRlimits(p.Rlimits); err != nil {
		return nil, err
	}
	if io := p.IOPriority; io != nil {
		out.IOPriority = &configs.IOPriority{Class: string(io.Class), Priority: io.Priority}
	}
	out.Scheduler = convertScheduler(p.Scheduler)
	if a := p.ExecCPUAffinity; a != nil {
		out.CPUAffinity = a.Final
		if a.Initial != "" {
			warn(log, "process.execCPUAffinity.initial", "an initial affinity is not supported")
		}
	}
	return out, nil
}

// convertCapabilities copies the five sets; nil stays nil.
func convertCapabilities(c *specs.LinuxCapabilities, log *slog.Logger) *configs.Capabilities {
	if c == nil {
		return nil
	}
	known := func(set string, names []string) []string {
		out := make([]string, 0, len(names))
		for _, n := range names {
			if _, ok := configs.CapabilityValue(n); !ok {
				warn(log, "process.capabilities."+set, "unknown capability "+n+" ignored")
				continue
			}
			out = append(out, n)
		}
		return out
	}
	out := &configs.Capabilities{
		Bounding:    known("bounding", c.Bounding),
		Effective:   known("effective", c.Effective),
		Inheritable: known("inheritable", c.Inheritable),
		Permitted:   known("permitted", c.Permitted),
	}
	for _, n := range known("ambient", c.Ambient) {
		if !slices.Contains(out.Permitted, n) || !slices.Contains(out.Inheritable, n) {
			warn(log, "process.capabilities.ambient", "ambient capability "+n+" is not both permitted and inheritable; ignored")
			continue
		}
		out.Ambient = append(out.Ambient, n)
	}
	return out
}

// convertRlimits maps each rlimit name to its resource number.
func convertRlimits(in []specs.POSIXRlimit) ([]configs.Rlimit, error) {
	var out []configs.Rlimit
	for i, r := range in {
		n, ok := configs.RlimitValue(r.Type)
		if !ok {
			return nil, specErr(fmt.Sprintf("process.rlimits[%d].type", i), r.Type, "unknown rlimit")
		}
		out = append(out, configs.Rlimit{Type: n, Name: r.Type, Hard: r.Hard, Soft: r.Soft})
	}
	return out, nil
}

// convertScheduler copies the scheduler settings; nil stays nil.
func convertScheduler(s *specs.Scheduler) *configs.Scheduler {
	if s == nil {
		return nil
	}
	out := &configs.Scheduler{
		Policy:   string(s.Policy),
		Nice:     s.Nice,
		Priority: s.Priority,
		Runtime:  s.Runtime,
		Deadline: s.Deadline,
		Period:   s.Period,
	}
	for _, f := range s.Flags {
		out.Flags = append(out.Flags, string(f))
	}
	return out
}
