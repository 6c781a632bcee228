package seccomp

import (
	"errors"
	"fmt"

	libseccomp "github.com/seccomp/libseccomp-golang"

	"github.com/oci-run/oci-run/libcontainer/configs"
)

// maxArgs is the number of arguments a syscall has on Linux.
const maxArgs = 6

// conditions converts a rule's argument conditions. A rule's conditions
// are ANDed by libseccomp; when two of them test the same argument index,
// libseccomp cannot AND them, and runc then turns every condition into a
// rule of its own (so they are ORed). split reports that case.
func conditions(name string, args []*configs.SeccompArg) (conds []libseccomp.ScmpCondition, split bool, err error) {
	var seen [maxArgs]bool
	for i, a := range args {
		if a == nil {
			return nil, false, fmt.Errorf("syscall %s: argument condition %d is null", name, i)
		}
		if a.Index >= maxArgs {
			return nil, false, fmt.Errorf("syscall %s: argument index %d out of range (0-%d)", name, a.Index, maxArgs-1)
		}
		op, err := parseOperator(a.Op)
		if err != nil {
			return nil, false, fmt.Errorf("syscall %s: %w", name, err)
		}
		// For SCMP_CMP_MASKED_EQ, value is the mask and valueTwo the datum.
		c, err := libseccomp.MakeCondition(a.Index, op, a.Value, a.ValueTwo)
		if err != nil {
			return nil, false, fmt.Errorf("syscall %s: argument %d %s: %w", name, a.Index, a.Op, err)
		}
		if seen[a.Index] {
			split = true
		}
		seen[a.Index] = true
		conds = append(conds, c)
	}
	return conds, split, nil
}

// addRule adds one syscall name of one OCI rule to the filter. It returns
// skipped=true, without error, when libseccomp does not know the name (the
// name may be newer than the library, or belong to another architecture),
// as runc does.
func addRule(f *libseccomp.ScmpFilter, name, actName string, act libseccomp.ScmpAction, conds []libseccomp.ScmpCondition, split bool) (skipped bool, err error) {
	nr, err := libseccomp.GetSyscallFromName(name)
	if err != nil {
		if errors.Is(err, libseccomp.ErrSyscallDoesNotExist) {
			return true, nil
		}
		return false, fmt.Errorf("syscall %s: %w", name, err)
	}
	switch {
	case len(conds) == 0:
		err = f.AddRule(nr, act)
	case split:
		for _, c := range conds {
			if err = f.AddRuleConditional(nr, act, []libseccomp.ScmpCondition{c}); err != nil {
				break
			}
		}
	default:
		err = f.AddRuleConditional(nr, act, conds)
	}
	if err != nil {
		return false, fmt.Errorf("adding seccomp rule %s for syscall %s: %w", actName, name, err)
	}
	return false, nil
}
