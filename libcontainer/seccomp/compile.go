package seccomp

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	libseccomp "github.com/seccomp/libseccomp-golang"
	"golang.org/x/sys/unix"

	"github.com/oci-run/oci-run/libcontainer/configs"
)

// Filter is a compiled seccomp profile: a classic BPF program and the
// seccomp(2) flags to install it with. It holds no C memory and no file
// descriptors; it is safe to keep across fork-free waits (the exec fifo).
type Filter struct {
	prog   []unix.SockFilter
	flags  uintptr
	notify bool
}

// Program returns the compiled BPF program and the seccomp(2) flags to
// load it with, for a loader other than Load (the C exec stage).
func (f *Filter) Program() ([]unix.SockFilter, uintptr) {
	if f == nil {
		return nil, 0
	}
	return f.prog, f.flags
}

// Notify reports whether the filter has SCMP_ACT_NOTIFY rules, so that
// Load will return a notify fd to hand to the seccomp agent.
func (f *Filter) Notify() bool { return f != nil && f.notify }

// NotifyForbidden lists the syscalls SCMP_ACT_NOTIFY may not be used on
// (Compile refuses them): after Load the init hands the notify fd to its
// parent with them, and a notification nobody can answer yet would hang it.
// runc refuses "write" for the same reason; oci-run also covers the
// vectored and socket forms the hand-over may use.
func NotifyForbidden() []string {
	return []string{"write", "writev", "sendmsg"}
}

// Compile checks the profile, builds its filter with libseccomp and exports
// the BPF program. It installs nothing; Load does. warnings lists, once
// each, the syscall names libseccomp does not know and that were skipped
// (as runc does: a profile may name syscalls newer than this library).
// Errors name the action, operator, architecture, flag or syscall at fault.
func Compile(c *configs.Seccomp) (_ *Filter, warnings []string, _ error) {
	if c == nil {
		return nil, nil, errors.New("seccomp: no profile")
	}
	if !kernelHasFlags(0) {
		return nil, nil, errors.New("seccomp: this kernel does not support seccomp filters")
	}
	defInfo, defAct, err := parseAction(c.DefaultAction, c.DefaultErrnoRet)
	if err != nil {
		return nil, nil, fmt.Errorf("seccomp default action: %w", err)
	}
	if defAct == libseccomp.ActNotify {
		return nil, nil, errors.New("seccomp: SCMP_ACT_NOTIFY cannot be the default action")
	}
	used := []actionInfo{defInfo}

	lf, err := libseccomp.NewFilter(defAct)
	if err != nil {
		return nil, nil, fmt.Errorf("seccomp: creating filter with default action %s: %w", c.DefaultAction, err)
	}
	defer lf.Release()

	for _, name := range c.Architectures {
		arch, err := parseArch(name)
		if err != nil {
			return nil, nil, fmt.Errorf("seccomp: %w", err)
		}
		if err := lf.AddArch(arch); err != nil {
			return nil, nil, fmt.Errorf("seccomp: adding architecture %s: %w", name, err)
		}
	}
	if len(c.Syscalls) > 32 {
		// A binary tree is shorter and faster for long profiles; runc
		// does the same. Old libraries lack it, which is harmless.
		_ = lf.SetOptimize(2)
	}

	notify := false
	for i, rule := range c.Syscalls {
		info, skipped, err := compileRule(lf, i, rule, defAct)
		if err != nil {
			return nil, nil, fmt.Errorf("seccomp: %w", err)
		}
		for _, name := range skipped {
			if !slices.Contains(warnings, name) {
				warnings = append(warnings, name)
			}
		}
		if info.name == "" {
			continue // every rule of it was redundant or skipped
		}
		used = append(used, info)
		if info.act == libseccomp.ActNotify {
			notify = true
		}
	}
	for _, a := range used {
		if !kernelHasAction(a.ret) {
			return nil, nil, fmt.Errorf("seccomp: action %s is not supported by this kernel", a.name)
		}
	}
	if notify && c.ListenerPath == "" {
		return nil, nil, errors.New("seccomp: SCMP_ACT_NOTIFY is used but listenerPath is not set")
	}

	bits, err := loadFlags(c.Flags, notify)
	if err != nil {
		return nil, nil, err
	}
	prog, err := exportBPF(lf)
	if err != nil {
		return nil, nil, err
	}
	return &Filter{prog: prog, flags: bits, notify: notify}, warnings, nil
}

// compileRule adds one OCI rule. It returns the rule's action when at
// least one name was added (zero otherwise), and the unknown names it
// skipped.
func compileRule(lf *libseccomp.ScmpFilter, i int, rule *configs.SeccompSyscall, defAct libseccomp.ScmpAction) (actionInfo, []string, error) {
	if rule == nil {
		return actionInfo{}, nil, fmt.Errorf("syscall rule %d is null", i)
	}
	if len(rule.Names) == 0 {
		return actionInfo{}, nil, fmt.Errorf("syscall rule %d (%s) has no names", i, rule.Action)
	}
	label := strings.Join(rule.Names, ",")
	info, act, err := parseAction(rule.Action, rule.ErrnoRet)
	if err != nil {
		return actionInfo{}, nil, fmt.Errorf("syscall %s: %w", label, err)
	}
	for _, name := range rule.Names {
		if name == "" {
			return actionInfo{}, nil, fmt.Errorf("syscall rule %d (%s): empty syscall name", i, rule.Action)
		}
		if act == libseccomp.ActNotify && slices.Contains(NotifyForbidden(), name) {
			return actionInfo{}, nil, fmt.Errorf("syscall %s: SCMP_ACT_NOTIFY cannot be used on it (the runtime needs it to pass the notify fd on)", name)
		}
	}
	conds, split, err := conditions(label, rule.Args)
	if err != nil {
		return actionInfo{}, nil, err
	}
	if act == defAct {
		// libseccomp refuses a rule that repeats the default action;
		// it changes nothing, so skip it as runc does.
		return actionInfo{}, nil, nil
	}
	var skipped []string
	added := false
	for _, name := range rule.Names {
		unknown, err := addRule(lf, name, rule.Action, act, conds, split)
		if err != nil {
			return actionInfo{}, nil, err
		}
		if unknown {
			skipped = append(skipped, name)
		} else {
			added = true
		}
	}
	if !added {
		return actionInfo{}, skipped, nil
	}
	return info, skipped, nil
}
