package configs

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
)

// validateProcess checks the container's first process: it must exist, have
// arguments, an absolute cwd, well-formed environment entries, sane rlimits
// and known capability, I/O priority and scheduler names.
func validateProcess(c *Config) error {
	p := c.Process
	if p == nil {
		return invalid("process", "", "must be set")
	}
	if len(p.Args) == 0 {
		return invalid("process.args", "", "must not be empty")
	}
	for i, a := range p.Args {
		if strings.IndexByte(a, 0) >= 0 {
			return invalid(fmt.Sprintf("process.args[%d]", i), a, "must not contain a NUL byte")
		}
	}
	if p.Cwd == "" {
		return invalid("process.cwd", "", "must be set")
	}
	if !filepath.IsAbs(p.Cwd) {
		return invalid("process.cwd", p.Cwd, "must be an absolute path")
	}
	for i, e := range p.Env {
		name, _, ok := strings.Cut(e, "=")
		if !ok || name == "" || strings.IndexByte(e, 0) >= 0 {
			return invalid(fmt.Sprintf("process.env[%d]", i), e, "must have the form NAME=VALUE")
		}
	}
	checks := []func(*Process) error{
		validateRlimits,
		validateCapabilities,
		validateIOPriority,
		validateScheduler,
		validateCPUAffinity,
	}
	for _, check := range checks {
		if err := check(p); err != nil {
			return err
		}
	}
	return nil
}

// validateRlimits requires known resources, each at most once, with the
// soft limit not above the hard one.
func validateRlimits(p *Process) error {
	seen := make(map[int]bool, len(p.Rlimits))
	for i, r := range p.Rlimits {
		field := fmt.Sprintf("process.rlimits[%d]", i)
		name, ok := RlimitName(r.Type)
		if !ok {
			return invalid(field, r.Name, "unknown resource number "+strconv.Itoa(r.Type))
		}
		if seen[r.Type] {
			return invalid(field, name, "is set more than once")
		}
		seen[r.Type] = true
		if r.Soft > r.Hard {
			return invalid(field, name, fmt.Sprintf("soft limit %d is above hard limit %d", r.Soft, r.Hard))
		}
	}
	return nil
}

// validateCapabilities requires every name in the five sets to be known.
func validateCapabilities(p *Process) error {
	caps := p.Capabilities
	if caps == nil {
		return nil
	}
	sets := []struct {
		name  string
		names []string
	}{
		{"bounding", caps.Bounding},
		{"effective", caps.Effective},
		{"inheritable", caps.Inheritable},
		{"permitted", caps.Permitted},
		{"ambient", caps.Ambient},
	}
	for _, set := range sets {
		for i, n := range set.names {
			if _, ok := CapabilityValue(n); !ok {
				return invalid(fmt.Sprintf("process.capabilities.%s[%d]", set.name, i), n, "unknown capability")
			}
		}
	}
	return nil
}

// validateIOPriority requires a known class and a level from 0 to 7.
func validateIOPriority(p *Process) error {
	io := p.IOPriority
	if io == nil {
		return nil
	}
	switch io.Class {
	case "IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE":
	default:
		return invalid("process.ioPriority.class", io.Class, "unknown I/O priority class")
	}
	if io.Priority < 0 || io.Priority > 7 {
		return invalid("process.ioPriority.priority", strconv.Itoa(io.Priority), "must be between 0 and 7")
	}
	return nil
}

// validateScheduler requires a known policy and flags, a nice value in
// -20..19, and deadline parameters only for SCHED_DEADLINE.
func validateScheduler(p *Process) error {
	s := p.Scheduler
	if s == nil {
		return nil
	}
	switch s.Policy {
	case "SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH", "SCHED_ISO", "SCHED_IDLE", "SCHED_DEADLINE":
	default:
		return invalid("process.scheduler.policy", s.Policy, "unknown scheduling policy")
	}
	if s.Nice < -20 || s.Nice > 19 {
		return invalid("process.scheduler.nice", strconv.Itoa(int(s.Nice)), "must be between -20 and 19")
	}
	if s.Policy != "SCHED_DEADLINE" && (s.Runtime != 0 || s.Deadline != 0 || s.Period != 0) {
		return invalid("process.scheduler", s.Policy, "runtime, deadline and period are only valid with SCHED_DEADLINE")
	}
	for i, f := range s.Flags {
		switch f {
		case "SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM", "SCHED_FLAG_DL_OVERRUN",
			"SCHED_FLAG_KEEP_POLICY", "SCHED_FLAG_KEEP_PARAMS",
			"SCHED_FLAG_UTIL_CLAMP_MIN", "SCHED_FLAG_UTIL_CLAMP_MAX":
		default:
			return invalid(fmt.Sprintf("process.scheduler.flags[%d]", i), f, "unknown scheduler flag")
		}
	}
	return nil
}

// validateCPUAffinity requires a cpu list such as "0-3,7" when one is set.
func validateCPUAffinity(p *Process) error {
	if p.CPUAffinity == "" {
		return nil
	}
	if err := checkCPUList(p.CPUAffinity); err != nil {
		return &ValidationError{Field: "process.cpuAffinity", Value: p.CPUAffinity, Msg: "is not a cpu list", Err: err}
	}
	return nil
}

// checkCPUList parses a list of cpu numbers and ranges ("0-3,7").
func checkCPUList(s string) error {
	for _, part := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(strings.TrimSpace(part), "-")
		a, err := strconv.ParseUint(lo, 10, 16)
		if err != nil {
			return fmt.Errorf("element %q: %w", part, err)
		}
		if !isRange {
			continue
		}
		b, err := strconv.ParseUint(hi, 10, 16)
		if err != nil {
			return fmt.Errorf("element %q: %w", part, err)
		}
		if b < a {
			return fmt.Errorf("element %q: range ends before it starts", part)
		}
	}
	return nil
}
