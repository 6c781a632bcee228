package nsenter

import (
	"encoding/binary"
	"fmt"
	"strings"

	"golang.org/x/sys/unix"
)

// Attribute types of the MsgBootstrap payload, a sequence of
// uint32 type, uint32 length, value (little endian, no padding).
const (
	AttrCloneFlags    uint32 = 1 // uint32 CLONE_NEW* flags to create
	AttrNSPath        uint32 = 2 // uint32 nstype, then the path bytes
	AttrTimeOffsets   uint32 = 3 // written verbatim to /proc/self/timens_offsets
	AttrExec          uint32 = 4 // empty: the C exec stage execs the process (MsgExecSpec)
	MaxNSPathLen             = unix.PathMax - 1
	MaxTimeOffsetsLen        = 1024
)

// NamespaceFlags are the CLONE_NEW* flags the C stage can create or join.
const NamespaceFlags = unix.CLONE_NEWUSER | unix.CLONE_NEWNS | unix.CLONE_NEWPID |
	unix.CLONE_NEWNET | unix.CLONE_NEWUTS | unix.CLONE_NEWIPC |
	unix.CLONE_NEWCGROUP | unix.CLONE_NEWTIME

// forkFlags are the namespaces that apply to children only.
const forkFlags = unix.CLONE_NEWPID | unix.CLONE_NEWTIME

var nsNames = []struct {
	flag uintptr
	name string
}{
	{unix.CLONE_NEWUSER, "user"}, {unix.CLONE_NEWNS, "mnt"},
	{unix.CLONE_NEWPID, "pid"}, {unix.CLONE_NEWNET, "net"},
	{unix.CLONE_NEWUTS, "uts"}, {unix.CLONE_NEWIPC, "ipc"},
	{unix.CLONE_NEWCGROUP, "cgroup"}, {unix.CLONE_NEWTIME, "time"},
}

// NamespaceName returns the /proc/PID/ns name of a single CLONE_NEW* flag
// ("net", "mnt", ...), or "" when flag is not exactly one of them.
func NamespaceName(flag uintptr) string {
	for _, n := range nsNames {
		if n.flag == flag {
			return n.name
		}
	}
	return ""
}

// Join is a namespace to enter by path (usually /proc/PID/ns/TYPE).
type Join struct {
	Type uintptr // exactly one CLONE_NEW* flag
	Path string
}

// Bootstrap is what the C stage does before the Go runtime starts:
// join Joins (user namespace first, mount namespace last, the others in
// order), create the namespaces in CloneFlags (the user namespace first, with
// maps written by the parent), write TimeOffsets for a new time namespace
// ("monotonic SECS NSECS\nboottime SECS NSECS\n"), and fork once if
// NeedsFork.
type Bootstrap struct {
	CloneFlags  uintptr
	Joins       []Join
	TimeOffsets string
	// Exec: after MsgChildPid the C stage reads a MsgExecSpec frame and
	// execs the process itself (execfinish.c); the Go runtime never starts.
	Exec bool
}

// Validate checks b against the C stage's rules; Encode calls it.
func (b *Bootstrap) Validate() error {
	if b.CloneFlags&^NamespaceFlags != 0 {
		return fmt.Errorf("nsenter: bootstrap: unsupported clone flags %#x", b.CloneFlags&^NamespaceFlags)
	}
	var joined uintptr
	for _, j := range b.Joins {
		name := NamespaceName(j.Type)
		switch {
		case name == "":
			return fmt.Errorf("nsenter: bootstrap: join %q: invalid namespace type %#x", j.Path, j.Type)
		case j.Path == "":
			return fmt.Errorf("nsenter: bootstrap: join %s namespace: empty path", name)
		case len(j.Path) > MaxNSPathLen:
			return fmt.Errorf("nsenter: bootstrap: join %s namespace: path of %d bytes is longer than %d", name, len(j.Path), MaxNSPathLen)
		case strings.IndexByte(j.Path, 0) >= 0:
			return fmt.Errorf("nsenter: bootstrap: join %s namespace: path %q contains a NUL byte", name, j.Path)
		case joined&j.Type != 0:
			return fmt.Errorf("nsenter: bootstrap: %s namespace joined twice", name)
		case b.CloneFlags&j.Type != 0:
			return fmt.Errorf("nsenter: bootstrap: %s namespace both joined and created", name)
		}
		joined |= j.Type
	}
	if b.TimeOffsets != "" {
		switch {
		case b.CloneFlags&unix.CLONE_NEWTIME == 0:
			return fmt.Errorf("nsenter: bootstrap: time offsets need a new time namespace")
		case len(b.TimeOffsets) > MaxTimeOffsetsLen:
			return fmt.Errorf("nsenter: bootstrap: time offsets of %d bytes are longer than %d", len(b.TimeOffsets), MaxTimeOffsetsLen)
		case strings.IndexByte(b.TimeOffsets, 0) >= 0:
			return fmt.Errorf("nsenter: bootstrap: time offsets contain a NUL byte")
		}
	}
	return nil
}

// Encode validates b and returns the MsgBootstrap payload, to be sent with
// WriteFrame(w, MsgBootstrap, payload).
func (b *Bootstrap) Encode() ([]byte, error) {
	if err := b.Validate(); err != nil {
		return nil, err
	}
	size := 8 + 4
	for _, j := range b.Joins {
		size += 8 + 4 + len(j.Path)
	}
	if b.TimeOffsets != "" {
		size += 8 + len(b.TimeOffsets)
	}
	if b.Exec {
		size += 8
	}
	if size > MaxBootstrap { // cannot happen with the limits above; kept as the contract
		return nil, fmt.Errorf("nsenter: bootstrap of %d bytes exceeds %d", size, MaxBootstrap)
	}
	buf := make([]byte, 0, size)
	le := binary.LittleEndian
	buf = le.AppendUint32(buf, AttrCloneFlags)
	buf = le.AppendUint32(buf, 4)
	buf = le.AppendUint32(buf, uint32(b.CloneFlags))
	for _, j := range b.Joins {
		buf = le.AppendUint32(buf, AttrNSPath)
		buf = le.AppendUint32(buf, uint32(4+len(j.Path)))
		buf = le.AppendUint32(buf, uint32(j.Type))
		buf = append(buf, j.Path...)
	}
	if b.TimeOffsets != "" {
		buf = le.AppendUint32(buf, AttrTimeOffsets)
		buf = le.AppendUint32(buf, uint32(len(b.TimeOffsets)))
		buf = append(buf, b.TimeOffsets...)
	}
	if b.Exec {
		buf = le.AppendUint32(buf, AttrExec)
		buf = le.AppendUint32(buf, 0)
	}
	return buf, nil
}

// NeedsFork reports whether the C stage forks: a PID or time namespace,
// created or joined, applies only to children, so the process that runs
// Go is then a child of the one the parent started (its sibling, thanks to
// CLONE_PARENT: the parent must wait for both). MsgChildPid always carries
// the pid of the process that continues into Go.
func (b *Bootstrap) NeedsFork() bool {
	if b.CloneFlags&forkFlags != 0 {
		return true
	}
	for _, j := range b.Joins {
		if j.Type&forkFlags != 0 {
			return true
		}
	}
	return false
}
