package devices

import (
	"bytes"
	"strings"
	"testing"
)

// The encoding of each instruction the filter uses, checked against the
// byte layout of struct bpf_insn (code, dst|src<<4, off, imm; little end).
func TestEncode(t *testing.T) {
	code, err := encode([]insn{
		ldxW(r2, r1, 4),
		mov32Reg(r3, r2),
		and32Imm(r2, 0xFFFF),
		rsh32Imm(r3, 16),
		jneImm(r4, 7, "out"),
		jeqImm(r6, 0, "out"),
		mov64Imm(r0, 1),
		exit(),
		mov64Imm(r0, -1).withLabel("out"),
		exit(),
	})
	if err != nil {
		t.Fatal(err)
	}
	want := [][]byte{
		{0x61, 0x12, 4, 0, 0, 0, 0, 0},
		{0xbc, 0x23, 0, 0, 0, 0, 0, 0},
		{0x54, 0x02, 0, 0, 0xff, 0xff, 0, 0},
		{0x74, 0x03, 0, 0, 16, 0, 0, 0},
		{0x55, 0x04, 3, 0, 7, 0, 0, 0}, // to index 8 from 4: off 3
		{0x15, 0x06, 2, 0, 0, 0, 0, 0},
		{0xb7, 0x00, 0, 0, 1, 0, 0, 0},
		{0x95, 0, 0, 0, 0, 0, 0, 0},
		{0xb7, 0x00, 0, 0, 0xff, 0xff, 0xff, 0xff},
		{0x95, 0, 0, 0, 0, 0, 0, 0},
	}
	if len(code) != 8*len(want) {
		t.Fatalf("%d bytes, want %d", len(code), 8*len(want))
	}
	for i, w := range want {
		if got := code[8*i : 8*i+8]; !bytes.Equal(got, w) {
			t.Errorf("insn %d: % x, want % x", i, got, w)
		}
	}
}

func TestEncodeLabelErrors(t *testing.T) {
	for name, prog := range map[string][]insn{
		"undefined": {jneImm(r2, 1, "nowhere"), exit()},
		"twice":     {exit().withLabel("a"), exit().withLabel("a")},
		"backwards": {exit().withLabel("a"), jneImm(r2, 1, "a"), exit()},
	} {
		if _, err := encode(prog); err == nil || !strings.Contains(err.Error(), "bpf:") {
			t.Errorf("%s: %v", name, err)
		}
	}
}
