package nsenter

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// The byte layout execfinish.c parses: TLV attributes in a fixed order.
func TestExecSpecEncodeLayout(t *testing.T) {
	oom := int32(-5)
	s := &ExecSpec{
		Args: []string{"sh", "-c"}, Env: []string{"A=1"}, Cwd: "/w",
		UID: 7, GID: 8, Umask: 0o027, Groups: []uint32{9, 10},
		Bounding: 1, Effective: 2, Inheritable: 3, Permitted: 4, Ambient: 5, LastCap: 40,
		Rlimits:    []Rlimit{{Resource: 7, Soft: 11, Hard: 12}},
		NoNewPrivs: true,
		Seccomp:    []unix.SockFilter{{Code: 0x06, Jt: 1, Jf: 2, K: 0x7fff0000}}, SeccompFlags: 8,
		OOMScoreAdj: &oom,
	}
	got, err := s.Encode()
	if err != nil {
		t.Fatal(err)
	}
	le := binary.LittleEndian
	var want []byte
	a := func(typ uint32, v []byte) {
		want = le.AppendUint32(want, typ)
		want = le.AppendUint32(want, uint32(len(v)))
		want = append(want, v...)
	}
	u32 := func(vs ...uint32) (b []byte) {
		for _, v := range vs {
			b = le.AppendUint32(b, v)
		}
		return b
	}
	a(execArg, []byte("sh"))
	a(execArg, []byte("-c"))
	a(execEnv, []byte("A=1"))
	a(execCwd, []byte("/w"))
	a(execUser, u32(7, 8, 0o027))
	a(execGroups, u32(9, 10))
	var caps []byte
	for _, m := range []uint64{1, 2, 3, 4, 5} {
		caps = le.AppendUint64(caps, m)
	}
	a(execCaps, append(caps, u32(40)...))
	a(execRlimit, le.AppendUint64(le.AppendUint64(u32(7), 11), 12))
	a(execNNP, nil)
	a(execSeccomp, append(u32(8), 0x06, 0, 1, 2, 0, 0, 0xff, 0x7f))
	a(execOOM, u32(uint32(0xfffffffb)))
	if !bytes.Equal(got, want) {
		t.Errorf("encoding:\n got % x\nwant % x", got, want)
	}
}

func TestExecSpecEncodeRejects(t *testing.T) {
	for name, s := range map[string]*ExecSpec{
		"no args":      {},
		"NUL in arg":   {Args: []string{"a\x00b"}},
		"NUL in env":   {Args: []string{"a"}, Env: []string{"A=\x00"}},
		"last cap 64":  {Args: []string{"a"}, LastCap: 64},
		"huge seccomp": {Args: []string{"a"}, Seccomp: make([]unix.SockFilter, 0x10000)},
		"too large":    {Args: []string{strings.Repeat("x", MaxExecSpec)}},
	} {
		if _, err := s.Encode(); err == nil {
			t.Errorf("%s: encoded", name)
		}
	}
}
