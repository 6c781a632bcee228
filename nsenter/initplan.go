package nsenter

import (
	"encoding/binary"
	"fmt"
	"strings"
)

// Attribute types of the container-init part of a MsgExecSpec payload
// (initfinish.c). They follow the exec attributes in the same frame; their
// presence makes the C exec stage a container init: it sets up the root
// filesystem first and waits to be started before it execs the process.
const (
	initRootfs      uint32 = 32 // string: the configured rootfs path
	initRootProp    uint32 = 33 // uint32 MS_* propagation for "/" (0: rslave)
	initMountFS     uint32 = 34 // MountOp of kind MountFS
	initBind        uint32 = 35 // MountOp of kind MountBind
	initSymlinks    uint32 = 36 // MountOp of kind MountSymlinks
	initRdonly      uint32 = 37 // MountOp of kind MountReadonly
	initAwaitCgroup uint32 = 38 // empty: wait for MsgCgroupDone (once)
	initDevice      uint32 = 39 // Device
	initDevSetup    uint32 = 40 // empty: populate /dev (devices, links, ptmx)
	initHooks       uint32 = 41 // empty: ask the parent to run its hooks
	initCgroupNS    uint32 = 42 // empty: unshare a cgroup namespace once in the cgroup
	initHostname    uint32 = 43 // string
	initDomainname  uint32 = 44 // string
	initSysctl      uint32 = 45 // string key, string path under /proc, string value
	initROPath      uint32 = 46 // string
	initMaskPath    uint32 = 47 // string
	initDevRO       uint32 = 48 // empty: make /dev read-only at the end
	initRootRO      uint32 = 49 // empty: make "/" read-only at the end
	initKeyring     uint32 = 50 // string: session keyring to join
	initFifo        uint32 = 51 // uint32: O_PATH fd of the exec fifo
	initNoFifo      uint32 = 52 // empty: wait for the start frame instead
)

// MountKind is the kind of one step of an InitPlan's mount list.
type MountKind int

// The kinds of mount steps.
const (
	// MountFS mounts a filesystem with mount(2) on the resolved (and
	// created) destination directory.
	MountFS MountKind = iota
	// MountBind clones Source with open_tree(2), sets its attributes
	// and moves it onto the resolved (and created) destination.
	MountBind
	// MountSymlinks creates Names as symlinks to Target in Dest.
	MountSymlinks
	// MountReadonly makes the mount at Dest read-only.
	MountReadonly
	// MountAwaitCgroup waits until the parent has put the init in its
	// cgroup (and unshares the cgroup namespace if the plan asks).
	MountAwaitCgroup
)

// MountOp is one step of the C init's mount list, with everything the
// parent can work out already worked out (flags, mount_setattr masks,
// option strings). Paths are resolved by the C side inside the rootfs,
// with the same checks as the Go init.
type MountOp struct {
	Kind                 MountKind
	Source, Dest, FSType string
	Data                 string
	// Flags: MS_* flags for mount(2) (MountFS).
	Flags uint32
	// RealDir: the destination must be a directory reached without
	// symlinks (procfs, sysfs).
	RealDir bool
	// AttrSet, AttrClr: MOUNT_ATTR_* for the top of a bind (MountBind).
	AttrSet, AttrClr uint64
	// Recursive: an rbind.
	Recursive bool
	// HasRec, RecSet, RecClr: recursive mount attributes to apply.
	HasRec         bool
	RecSet, RecClr uint64
	// Propagation: MS_* propagation changes, in order (MS_REC: recursive).
	Propagation []uint32
	// Target, Names: MountSymlinks.
	Target string
	Names  []string
}

// Device is a node the C init creates.
type Device struct {
	Path         string // clean, absolute container path
	Mode         uint32 // S_IF* type bits and permissions
	Major, Minor uint32
	UID, GID     uint32
}

// Sysctl is one kernel parameter to write.
type Sysctl struct {
	Key   string // as configured, for messages
	Path  string // relative to /proc ("sys/net/ipv4/ip_forward")
	Value string
}

// InitPlan is the container-init part of an ExecSpec: what the Go init's
// root filesystem setup would do, compiled by the parent into steps the C
// side carries out in order (libcontainer/rootfs.Plan builds it).
type InitPlan struct {
	Rootfs          string
	RootPropagation uint32
	Mounts          []MountOp
	// DevSetup: create Devices, the /dev links and ptmx after the mounts.
	DevSetup bool
	Devices  []Device
	// Hooks: the parent has prestart/createRuntime hooks to run once the
	// mounts are done.
	Hooks bool
	// CgroupNS: unshare a cgroup namespace after joining the cgroup.
	CgroupNS              bool
	Hostname, Domainname  string
	Sysctls               []Sysctl
	ReadonlyPaths, Masks  []string
	DevReadonly, Readonly bool
	Keyring               string // "" : keep the session keyring
	FifoFD                int    // -1: wait for the start frame
}

// encodeInit appends p's attributes to buf.
func (p *InitPlan) encodeInit(buf []byte) ([]byte, error) {
	le := binary.LittleEndian
	var err error
	check := func(what, v string) {
		if err == nil && strings.IndexByte(v, 0) >= 0 {
			err = fmt.Errorf("nsenter: init plan: %s %q contains a NUL byte", what, v)
		}
	}
	// Attributes are built in a scratch value, then framed.
	var val []byte
	u32 := func(v uint32) { val = le.AppendUint32(val, v) }
	u64 := func(v uint64) { val = le.AppendUint64(val, v) }
	str := func(what, v string) {
		check(what, v)
		u32(uint32(len(v)))
		val = append(val, v...)
	}
	b2u := func(b bool) uint32 {
		if b {
			return 1
		}
		return 0
	}
	emit := func(typ uint32) {
		buf = le.AppendUint32(buf, typ)
		buf = le.AppendUint32(buf, uint32(len(val)))
		buf = append(buf, val...)
		val = val[:0]
	}
	str("rootfs", p.Rootfs)
	emit(initRootfs)
	u32(p.RootPropagation)
	emit(initRootProp)
	// The tail MountFS and MountBind share: recursive attributes, then
	// the propagation changes.
	recAndPropagation := func(m *MountOp) {
		u32(b2u(m.HasRec))
		u64(m.RecSet)
		u64(m.RecClr)
		u32(uint32(len(m.Propagation)))
		for _, f := range m.Propagation {
			u32(f)
		}
	}
	for i := range p.Mounts {
		m := &p.Mounts[i]
		switch m.Kind {
		case MountFS:
			str("mount source", m.Source)
			str("mount destination", m.Dest)
			str("filesystem type", m.FSType)
			str("mount data", m.Data)
			u32(m.Flags)
			u32(b2u(m.RealDir))
			recAndPropagation(m)
			emit(initMountFS)
		case MountBind:
			str("mount source", m.Source)
			str("mount destination", m.Dest)
			u64(m.AttrSet)
			u64(m.AttrClr)
			u32(b2u(m.Recursive))
			recAndPropagation(m)
			emit(initBind)
		case MountSymlinks:
			str("symlink directory", m.Dest)
			str("symlink target", m.Target)
			u32(uint32(len(m.Names)))
			for _, n := range m.Names {
				str("symlink name", n)
			}
			emit(initSymlinks)
		case MountReadonly:
			str("read-only mount", m.Dest)
			emit(initRdonly)
		case MountAwaitCgroup:
			emit(initAwaitCgroup)
		default:
			return nil, fmt.Errorf("nsenter: init plan: unknown mount step kind %d", m.Kind)
		}
	}
	if p.DevSetup {
		emit(initDevSetup)
		for _, d := range p.Devices {
			str("device path", d.Path)
			u32(d.Mode)
			u32(d.Major)
			u32(d.Minor)
			u32(d.UID)
			u32(d.GID)
			emit(initDevice)
		}
	}
	if p.Hooks {
		emit(initHooks)
	}
	if p.CgroupNS {
		emit(initCgroupNS)
	}
	if p.Hostname != "" {
		str("hostname", p.Hostname)
		emit(initHostname)
	}
	if p.Domainname != "" {
		str("domainname", p.Domainname)
		emit(initDomainname)
	}
	for _, s := range p.Sysctls {
		str("sysctl key", s.Key)
		str("sysctl path", s.Path)
		str("sysctl value", s.Value)
		emit(initSysctl)
	}
	for _, r := range p.ReadonlyPaths {
		str("read-only path", r)
		emit(initROPath)
	}
	for _, m := range p.Masks {
		str("masked path", m)
		emit(initMaskPath)
	}
	if p.DevReadonly {
		emit(initDevRO)
	}
	if p.Readonly {
		emit(initRootRO)
	}
	if p.Keyring != "" {
		str("keyring", p.Keyring)
		emit(initKeyring)
	}
	if p.FifoFD >= 0 {
		u32(uint32(p.FifoFD))
		emit(initFifo)
	} else {
		emit(initNoFifo)
	}
	return buf, err
}
