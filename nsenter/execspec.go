package nsenter

import (
	"encoding/binary"
	"fmt"
	"strings"

	"golang.org/x/sys/unix"
)

// Attribute types of the MsgExecSpec payload (execfinish.c), a sequence of
// uint32 type, uint32 length, value (little endian, no padding).
const (
	execArg     uint32 = 1  // string, one per argument
	execEnv     uint32 = 2  // string, one per variable
	execCwd     uint32 = 3  // string
	execUser    uint32 = 4  // uint32 uid, gid, umask
	execGroups  uint32 = 5  // n x uint32
	execCaps    uint32 = 6  // 5 x uint64 (bounding, effective, inheritable, permitted, ambient), uint32 last cap
	execRlimit  uint32 = 7  // uint32 resource, uint64 soft, uint64 hard
	execNNP     uint32 = 8  // empty
	execSeccomp uint32 = 9  // uint32 flags, n x struct sock_filter
	execOOM     uint32 = 10 // int32
)

// Rlimit is one resource limit of an ExecSpec.
type Rlimit struct {
	Resource   uint32
	Soft, Hard uint64
}

// ExecSpec is what the C exec stage applies before it execs the process
// (Bootstrap.Exec): everything already resolved by the parent, so the C
// side only makes system calls.
type ExecSpec struct {
	Args     []string
	Env      []string
	Cwd      string
	UID, GID uint32
	Umask    uint32
	Groups   []uint32
	// Capability sets as bit masks, and the highest capability number the
	// kernel knows (/proc/sys/kernel/cap_last_cap).
	Bounding, Effective, Inheritable, Permitted, Ambient uint64
	LastCap                                              uint32
	Rlimits                                              []Rlimit
	NoNewPrivs                                           bool
	// Seccomp is the compiled filter (nil: none) and its seccomp(2) flags.
	Seccomp      []unix.SockFilter
	SeccompFlags uint32
	// OOMScoreAdj, if set, is written to /proc/self/oom_score_adj.
	OOMScoreAdj *int32
	// Init, if set, makes the C stage a container init: it sets up the
	// root filesystem by the plan, reports ready and waits to be started
	// before it execs the process.
	Init *InitPlan
}

// Encode checks s and returns the MsgExecSpec payload.
func (s *ExecSpec) Encode() ([]byte, error) {
	if len(s.Args) == 0 {
		return nil, fmt.Errorf("nsenter: exec spec: no arguments")
	}
	if s.LastCap > 63 {
		return nil, fmt.Errorf("nsenter: exec spec: last capability %d", s.LastCap)
	}
	if len(s.Seccomp) > 0xffff {
		return nil, fmt.Errorf("nsenter: exec spec: seccomp program of %d instructions", len(s.Seccomp))
	}
	le := binary.LittleEndian
	var buf []byte
	attr := func(typ uint32, n int) {
		buf = le.AppendUint32(buf, typ)
		buf = le.AppendUint32(buf, uint32(n))
	}
	str := func(typ uint32, what, v string) error {
		if strings.IndexByte(v, 0) >= 0 {
			return fmt.Errorf("nsenter: exec spec: %s %q contains a NUL byte", what, v)
		}
		attr(typ, len(v))
		buf = append(buf, v...)
		return nil
	}
	for _, a := range s.Args {
		if err := str(execArg, "argument", a); err != nil {
			return nil, err
		}
	}
	for _, e := range s.Env {
		if err := str(execEnv, "environment variable", e); err != nil {
			return nil, err
		}
	}
	if err := str(execCwd, "cwd", s.Cwd); err != nil {
		return nil, err
	}
	attr(execUser, 12)
	buf = le.AppendUint32(buf, s.UID)
	buf = le.AppendUint32(buf, s.GID)
	buf = le.AppendUint32(buf, s.Umask)
	attr(execGroups, 4*len(s.Groups))
	for _, g := range s.Groups {
		buf = le.AppendUint32(buf, g)
	}
	attr(execCaps, 44)
	for _, m := range []uint64{s.Bounding, s.Effective, s.Inheritable, s.Permitted, s.Ambient} {
		buf = le.AppendUint64(buf, m)
	}
	buf = le.AppendUint32(buf, s.LastCap)
	for _, r := range s.Rlimits {
		attr(execRlimit, 20)
		buf = le.AppendUint32(buf, r.Resource)
		buf = le.AppendUint64(buf, r.Soft)
		buf = le.AppendUint64(buf, r.Hard)
	}
	if s.NoNewPrivs {
		attr(execNNP, 0)
	}
	if len(s.Seccomp) > 0 {
		attr(execSeccomp, 4+8*len(s.Seccomp))
		buf = le.AppendUint32(buf, s.SeccompFlags)
		for _, f := range s.Seccomp {
			buf = le.AppendUint16(buf, f.Code)
			buf = append(buf, f.Jt, f.Jf)
			buf = le.AppendUint32(buf, f.K)
		}
	}
	if s.OOMScoreAdj != nil {
		attr(execOOM, 4)
		buf = le.AppendUint32(buf, uint32(*s.OOMScoreAdj))
	}
	if s.Init != nil {
		var err error
		if buf, err = s.Init.encodeInit(buf); err != nil {
			return nil, err
		}
	}
	if len(buf) > MaxExecSpec {
		return nil, fmt.Errorf("nsenter: exec spec of %d bytes exceeds %d", len(buf), MaxExecSpec)
	}
	return buf, nil
}
