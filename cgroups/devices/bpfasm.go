package devices

import (
	"encoding/binary"
	"fmt"
)

// A minimal eBPF assembler: just the instructions the device filter uses,
// with jumps to labels resolved at encoding. Written here rather than taken
// from cilium/ebpf: that module pulls ~60 packages (go/parser, debug/dwarf,
// encoding/xml, compress/*, crypto/*) whose initialisers ran at every start
// of the CLI and of every container init.

// reg is an eBPF register (R0..R10).
type reg uint8

const (
	r0 reg = iota
	r1
	r2
	r3
	r4
	r5
	r6
)

// Opcodes (linux/bpf_common.h, linux/bpf.h): class | operation | source.
const (
	classLDX   = 0x01
	classJMP   = 0x05
	classALU   = 0x04 // 32-bit ALU
	classALU64 = 0x07

	modeMEM = 0x60
	sizeW   = 0x00 // 32-bit load

	srcK = 0x00 // immediate operand
	srcX = 0x08 // register operand

	opAND = 0x50
	opRSH = 0x70
	opMOV = 0xb0

	jmpJEQ  = 0x10
	jmpJNE  = 0x50
	jmpEXIT = 0x90
)

// insn is one instruction before encoding. A jump names its target label;
// label, when set, names this instruction.
type insn struct {
	op     uint8
	dst    reg
	src    reg
	off    int16
	imm    int32
	target string
	label  string
}

// ldxW: dst = *(u32 *)(src + off).
func ldxW(dst, src reg, off int16) insn {
	return insn{op: classLDX | modeMEM | sizeW, dst: dst, src: src, off: off}
}

// mov32Reg: dst = (u32)src.
func mov32Reg(dst, src reg) insn { return insn{op: classALU | opMOV | srcX, dst: dst, src: src} }

// and32Imm: dst = (u32)dst & imm.
func and32Imm(dst reg, imm int32) insn { return insn{op: classALU | opAND | srcK, dst: dst, imm: imm} }

// rsh32Imm: dst = (u32)dst >> imm.
func rsh32Imm(dst reg, imm int32) insn { return insn{op: classALU | opRSH | srcK, dst: dst, imm: imm} }

// mov64Imm: dst = imm (sign-extended).
func mov64Imm(dst reg, imm int32) insn {
	return insn{op: classALU64 | opMOV | srcK, dst: dst, imm: imm}
}

// jneImm: if dst != imm goto target.
func jneImm(dst reg, imm int32, target string) insn {
	return insn{op: classJMP | jmpJNE | srcK, dst: dst, imm: imm, target: target}
}

// jeqImm: if dst == imm goto target.
func jeqImm(dst reg, imm int32, target string) insn {
	return insn{op: classJMP | jmpJEQ | srcK, dst: dst, imm: imm, target: target}
}

// exit returns R0.
func exit() insn { return insn{op: classJMP | jmpEXIT} }

// withLabel names the instruction as a jump target.
func (i insn) withLabel(l string) insn { i.label = l; return i }

// encode resolves the jumps and returns the program as struct bpf_insn
// records (8 bytes each, host byte order: little endian on every
// architecture this runtime is built for).
func encode(prog []insn) ([]byte, error) {
	at := make(map[string]int, len(prog))
	for i, in := range prog {
		if in.label == "" {
			continue
		}
		if _, dup := at[in.label]; dup {
			return nil, fmt.Errorf("bpf: label %q defined twice", in.label)
		}
		at[in.label] = i
	}
	out := make([]byte, 8*len(prog))
	for i, in := range prog {
		off := in.off
		if in.target != "" {
			t, ok := at[in.target]
			if !ok {
				return nil, fmt.Errorf("bpf: jump to undefined label %q", in.target)
			}
			d := t - (i + 1)
			if d < 0 || d > 1<<15-1 {
				return nil, fmt.Errorf("bpf: jump to %q out of range (%d)", in.target, d)
			}
			off = int16(d)
		}
		b := out[8*i:]
		b[0] = in.op
		b[1] = uint8(in.dst&0x0f) | uint8(in.src&0x0f)<<4
		binary.LittleEndian.PutUint16(b[2:], uint16(off))
		binary.LittleEndian.PutUint32(b[4:], uint32(in.imm))
	}
	return out, nil
}
