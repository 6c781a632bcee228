package devices

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"

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

// instructions compiles rules into a BPF_PROG_TYPE_CGROUP_DEVICE program.
// The last matching rule wins, as in the configuration; so rules are tested
// from the last to the first and the first match returns. A device no rule
// matches is denied.
//
// An allow rule matches a request whose every access bit it grants; a deny
// rule matches a request that asks for any access bit it denies.
func instructions(rules []*configs.DeviceRule) ([]insn, error) {
	prog := []insn{
		// r2 = type, r3 = access, r4 = major, r5 = minor
		ldxW(r2, r1, 0),
		mov32Reg(r3, r2),
		and32Imm(r2, 0xFFFF),
		rsh32Imm(r3, 16),
		ldxW(r4, r1, 4),
		ldxW(r5, r1, 8),
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
		var block []insn
		switch r.Type {
		case configs.CharDevice:
			block = append(block, jneImm(r2, bpfDevChar, next))
		case configs.BlockDevice:
			block = append(block, jneImm(r2, bpfDevBlock, next))
		}
		if p := accessBits(r.Permissions); p != bpfAccAll {
			block = append(block, mov32Reg(r6, r3))
			if r.Allow {
				// some asked bit is not granted: no match
				block = append(block,
					and32Imm(r6, int32(^p&bpfAccAll)),
					jneImm(r6, 0, next))
			} else {
				// no asked bit is denied: no match
				block = append(block,
					and32Imm(r6, int32(p)),
					jeqImm(r6, 0, next))
			}
		}
		if r.Major != configs.Wildcard {
			block = append(block, jneImm(r4, int32(r.Major), next))
		}
		if r.Minor != configs.Wildcard {
			block = append(block, jneImm(r5, int32(r.Minor), next))
		}
		verdict := int32(0)
		if r.Allow {
			verdict = 1
		}
		unconditional := len(block) == 0
		block = append(block, mov64Imm(r0, verdict), exit())
		block[0] = block[0].withLabel(label(i))
		prog = append(prog, block...)
		if unconditional {
			// matches everything: earlier rules and the default are
			// unreachable, and the verifier refuses dead code.
			return prog, nil
		}
	}
	prog = append(prog,
		mov64Imm(r0, 0).withLabel(label(-1)),
		exit())
	return prog, nil
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

// Program is a loaded device filter program (its fd).
type Program struct{ fd int }

// Close releases the program; an attached program stays in the kernel
// while the cgroup holds it.
func (p *Program) Close() error {
	if p == nil || p.fd < 0 {
		return nil
	}
	err := unix.Close(p.fd)
	p.fd = -1
	return err
}

// LoadProgram compiles and loads the rules' program into the kernel. The
// caller closes it after attaching (the attachment keeps it alive).
func LoadProgram(rules []*configs.DeviceRule) (*Program, error) {
	for _, r := range rules {
		if r != nil && (r.Major > 1<<31-1 || r.Minor > 1<<31-1) {
			return nil, fmt.Errorf("device rule %q: number too large for the BPF filter: %w", r.String(), errors.ErrUnsupported)
		}
	}
	prog, err := instructions(rules)
	if err != nil {
		return nil, err
	}
	code, err := encode(prog)
	if err != nil {
		return nil, err
	}
	fd, err := loadCgroupDevice("ocirun_devices", code)
	if err != nil {
		return nil, fmt.Errorf("load BPF device filter (%d rules): %w", len(rules), err)
	}
	return &Program{fd: fd}, nil
}
