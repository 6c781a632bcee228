package devices

import (
	"errors"
	"fmt"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"

	"github.com/oci-run/oci-run/libcontainer/configs"
)

// Values of struct bpf_cgroup_dev_ctx.access_type (linux/bpf.h): the low
// 16 bits are the device type, the high 16 bits the access.
const (
	bpfDevBlock = 1 // BPF_DEVCG_DEV_BLOCK
	bpfDevChar  = 2 // BPF_DEVCG_DEV_CHAR

	bpfAccMknod = 1 // BPF_DEVCG_ACC_MKNOD
	bpfAccRead  = 2 // BPF_DEVCG_ACC_READ
	bpfAccWrite = 4 // BPF_DEVCG_ACC_WRITE
	bpfAccAll   = bpfAccMknod | bpfAccRead | bpfAccWrite
)

// Instructions compiles rules into a BPF_PROG_TYPE_CGROUP_DEVICE program.
// The last matching rule wins, as in the configuration; so rules are tested
// from the last to the first and the first match returns. A device no rule
// matches is denied.
//
// An allow rule matches a request whose every access bit it grants; a deny
// rule matches a request that asks for any access bit it denies.
func Instructions(rules []*configs.DeviceRule) (asm.Instructions, error) {
	insns := asm.Instructions{
		// r2 = type, r3 = access, r4 = major, r5 = minor
		asm.LoadMem(asm.R2, asm.R1, 0, asm.Word),
		asm.Mov.Reg32(asm.R3, asm.R2),
		asm.And.Imm32(asm.R2, 0xFFFF),
		asm.RSh.Imm32(asm.R3, 16),
		asm.LoadMem(asm.R4, asm.R1, 4, asm.Word),
		asm.LoadMem(asm.R5, asm.R1, 8, asm.Word),
	}
	label := func(i int) string {
		if i < 0 {
			return "deny_default"
		}
		return fmt.Sprintf("rule_%d", i)
	}
	for i := len(rules) - 1; i >= 0; i-- {
		r := rules[i]
		if err := Validate(r); err != nil {
			return nil, err
		}
		next := label(i - 1)
		var block asm.Instructions
		switch r.Type {
		case configs.CharDevice:
			block = append(block, asm.JNE.Imm(asm.R2, bpfDevChar, next))
		case configs.BlockDevice:
			block = append(block, asm.JNE.Imm(asm.R2, bpfDevBlock, next))
		}
		if p := accessBits(r.Permissions); p != bpfAccAll {
			block = append(block, asm.Mov.Reg32(asm.R6, asm.R3))
			if r.Allow {
				// some asked bit is not granted: no match
				block = append(block,
					asm.And.Imm32(asm.R6, int32(^p&bpfAccAll)),
					asm.JNE.Imm(asm.R6, 0, next))
			} else {
				// no asked bit is denied: no match
				block = append(block,
					asm.And.Imm32(asm.R6, int32(p)),
					asm.JEq.Imm(asm.R6, 0, next))
			}
		}
		if r.Major != configs.Wildcard {
			block = append(block, asm.JNE.Imm(asm.R4, int32(r.Major), next))
		}
		if r.Minor != configs.Wildcard {
			block = append(block, asm.JNE.Imm(asm.R5, int32(r.Minor), next))
		}
		verdict := int32(0)
		if r.Allow {
			verdict = 1
		}
		unconditional := len(block) == 0
		block = append(block, asm.Mov.Imm(asm.R0, verdict), asm.Return())
		block[0] = block[0].WithSymbol(label(i))
		insns = append(insns, block...)
		if unconditional {
			// matches everything: earlier rules and the default are
			// unreachable, and the verifier refuses dead code.
			return insns, nil
		}
	}
	insns = append(insns,
		asm.Mov.Imm(asm.R0, 0).WithSymbol(label(-1)),
		asm.Return())
	return insns, nil
}

func accessBits(perms string) int {
	p := 0
	for _, c := range perms {
		switch c {
		case 'r':
			p |= bpfAccRead
		case 'w':
			p |= bpfAccWrite
		case 'm':
			p |= bpfAccMknod
		}
	}
	return p
}

// LoadProgram compiles and loads the rules' program into the kernel. The
// caller closes it after attaching (the attachment keeps it alive).
func LoadProgram(rules []*configs.DeviceRule) (*ebpf.Program, error) {
	for _, r := range rules {
		if r != nil && (r.Major > 1<<31-1 || r.Minor > 1<<31-1) {
			return nil, fmt.Errorf("device rule %q: number too large for the BPF filter: %w", r.String(), errors.ErrUnsupported)
		}
	}
	insns, err := Instructions(rules)
	if err != nil {
		return nil, err
	}
	prog, err := ebpf.NewProgram(&ebpf.ProgramSpec{
		Name:         "ocirun_devices",
		Type:         ebpf.CGroupDevice,
		License:      "Apache",
		Instructions: insns,
	})
	if err != nil {
		return nil, fmt.Errorf("load BPF device filter (%d rules): %w", len(rules), err)
	}
	return prog, nil
}
