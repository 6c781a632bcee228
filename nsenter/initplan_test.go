package nsenter

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// tlv is one attribute of a MsgExecSpec payload.
type tlv struct {
	typ uint32
	val []byte
}

// splitAttrs cuts a payload into its attributes, as next() in initfinish.c
// and the exec spec parser walk it.
func splitAttrs(t *testing.T, b []byte) []tlv {
	t.Helper()
	le := binary.LittleEndian
	var out []tlv
	for off := 0; off < len(b); {
		if len(b)-off < 8 {
			t.Fatalf("attribute header truncated at offset %d of %d", off, len(b))
		}
		typ, n := le.Uint32(b[off:]), le.Uint32(b[off+4:])
		off += 8
		if uint64(n) > uint64(len(b)-off) {
			t.Fatalf("attribute %d at offset %d: length %d exceeds the %d bytes left", typ, off-8, n, len(b)-off)
		}
		out = append(out, tlv{typ, b[off : off+int(n)]})
		off += int(n)
	}
	return out
}

// attrReader reads the fields of one attribute value the way initfinish.c
// does (u32, u64, str), remembering the first error.
type attrReader struct {
	typ uint32
	b   []byte
	err error
}

func (r *attrReader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("attribute %d: %s", r.typ, fmt.Sprintf(format, args...))
	}
}

func (r *attrReader) take(n uint32) []byte {
	if r.err != nil {
		return nil
	}
	if uint64(len(r.b)) < uint64(n) {
		r.fail("truncated: want %d bytes, have %d", n, len(r.b))
		return nil
	}
	v := r.b[:n]
	r.b = r.b[n:]
	return v
}

func (r *attrReader) u32() uint32 {
	v := r.take(4)
	if v == nil {
		return 0
	}
	return binary.LittleEndian.Uint32(v)
}

func (r *attrReader) u64() uint64 {
	v := r.take(8)
	if v == nil {
		return 0
	}
	return binary.LittleEndian.Uint64(v)
}

// str is a uint32 length and that many bytes, without NUL (as str() in C).
func (r *attrReader) str() string {
	n := r.u32()
	v := r.take(n)
	if bytes.IndexByte(v, 0) >= 0 {
		r.fail("string %q holds a NUL byte", v)
	}
	return string(v)
}

// bool is a uint32 flag; the encoder writes exactly 0 or 1.
func (r *attrReader) bool() bool {
	v := r.u32()
	if v > 1 {
		r.fail("boolean field is %d", v)
	}
	return v == 1
}

func (r *attrReader) props() []uint32 {
	n := r.u32()
	var out []uint32
	for i := uint32(0); i < n && r.err == nil; i++ {
		out = append(out, r.u32())
	}
	return out
}

// end fails unless the whole value was consumed.
func (r *attrReader) end() error {
	if r.err == nil && len(r.b) != 0 {
		r.fail("%d bytes left over", len(r.b))
	}
	return r.err
}

// decodeInit rebuilds an InitPlan from the init attributes (types 32 and
// up) with the field layout initfinish.c reads. Exec attributes (1-10) are
// skipped. Every value must be consumed exactly.
func decodeInit(attrs []tlv) (*InitPlan, error) {
	p := &InitPlan{FifoFD: -2} // -2: neither FIFO nor NOFIFO seen
	seen := map[uint32]int{}
	for _, a := range attrs {
		if a.typ < initRootfs {
			continue
		}
		seen[a.typ]++
		r := &attrReader{typ: a.typ, b: a.val}
		switch a.typ {
		case initRootfs:
			p.Rootfs = r.str()
		case initRootProp:
			p.RootPropagation = r.u32()
		case initMountFS:
			m := MountOp{Kind: MountFS}
			m.Source, m.Dest, m.FSType, m.Data = r.str(), r.str(), r.str(), r.str()
			m.Flags = r.u32()
			m.RealDir = r.bool()
			m.HasRec = r.bool()
			m.RecSet, m.RecClr = r.u64(), r.u64()
			m.Propagation = r.props()
			p.Mounts = append(p.Mounts, m)
		case initBind:
			m := MountOp{Kind: MountBind}
			m.Source, m.Dest = r.str(), r.str()
			m.AttrSet, m.AttrClr = r.u64(), r.u64()
			m.Recursive = r.bool()
			m.HasRec = r.bool()
			m.RecSet, m.RecClr = r.u64(), r.u64()
			m.Propagation = r.props()
			p.Mounts = append(p.Mounts, m)
		case initSymlinks:
			m := MountOp{Kind: MountSymlinks}
			m.Dest, m.Target = r.str(), r.str()
			n := r.u32()
			for i := uint32(0); i < n && r.err == nil; i++ {
				m.Names = append(m.Names, r.str())
			}
			p.Mounts = append(p.Mounts, m)
		case initRdonly:
			p.Mounts = append(p.Mounts, MountOp{Kind: MountReadonly, Dest: r.str()})
		case initAwaitCgroup:
			p.Mounts = append(p.Mounts, MountOp{Kind: MountAwaitCgroup})
		case initDevice:
			d := Device{Path: r.str()}
			d.Mode, d.Major, d.Minor, d.UID, d.GID = r.u32(), r.u32(), r.u32(), r.u32(), r.u32()
			p.Devices = append(p.Devices, d)
		case initDevSetup:
			p.DevSetup = true
		case initHooks:
			p.Hooks = true
		case initCgroupNS:
			p.CgroupNS = true
		case initHostname:
			p.Hostname = r.str()
		case initDomainname:
			p.Domainname = r.str()
		case initSysctl:
			s := Sysctl{Key: r.str()}
			s.Path, s.Value = r.str(), r.str()
			p.Sysctls = append(p.Sysctls, s)
		case initROPath:
			p.ReadonlyPaths = append(p.ReadonlyPaths, r.str())
		case initMaskPath:
			p.Masks = append(p.Masks, r.str())
		case initDevRO:
			p.DevReadonly = true
		case initRootRO:
			p.Readonly = true
		case initKeyring:
			p.Keyring = r.str()
		case initFifo:
			p.FifoFD = int(r.u32())
		case initNoFifo:
			p.FifoFD = -1
		default:
			return nil, fmt.Errorf("unknown init attribute %d", a.typ)
		}
		if err := r.end(); err != nil {
			return nil, err
		}
	}
	// Settings initfinish.c keeps in one variable must appear at most once.
	for _, typ := range []uint32{initRootfs, initRootProp, initDevSetup, initHooks, initCgroupNS,
		initHostname, initDomainname, initDevRO, initRootRO, initKeyring, initFifo, initNoFifo} {
		if seen[typ] > 1 {
			return nil, fmt.Errorf("attribute %d appears %d times", typ, seen[typ])
		}
	}
	if seen[initRootfs] != 1 || seen[initRootProp] != 1 {
		return nil, fmt.Errorf("rootfs (%d) and root propagation (%d) must appear once",
			seen[initRootfs], seen[initRootProp])
	}
	if seen[initFifo]+seen[initNoFifo] != 1 {
		return nil, fmt.Errorf("%d FIFO and %d NOFIFO attributes, want exactly one of them",
			seen[initFifo], seen[initNoFifo])
	}
	if seen[initDevice] > 0 && !p.DevSetup {
		return nil, fmt.Errorf("devices without DEVSETUP")
	}
	return p, nil
}

// encodeSpec encodes a minimal ExecSpec carrying p.
func encodeSpec(t *testing.T, p *InitPlan) []tlv {
	t.Helper()
	b, err := (&ExecSpec{Args: []string{"/bin/sh"}, Init: p}).Encode()
	if err != nil {
		t.Fatal(err)
	}
	return splitAttrs(t, b)
}

// fullPlan uses every field of InitPlan and every mount kind.
func fullPlan() *InitPlan {
	return &InitPlan{
		Rootfs:          "/run/c1/rootfs",
		RootPropagation: unix.MS_SLAVE | unix.MS_REC,
		Mounts: []MountOp{
			{Kind: MountFS, Source: "proc", Dest: "/proc", FSType: "proc",
				Flags: unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC, RealDir: true},
			{Kind: MountFS, Source: "tmpfs", Dest: "/dev", FSType: "tmpfs", Data: "mode=755,size=65536k",
				Flags: unix.MS_NOSUID | unix.MS_STRICTATIME, HasRec: true,
				RecSet: unix.MOUNT_ATTR_NODEV, RecClr: unix.MOUNT_ATTR__ATIME | 1<<40,
				Propagation: []uint32{unix.MS_PRIVATE, unix.MS_SLAVE | unix.MS_REC}},
			{Kind: MountBind, Source: "/host/data", Dest: "/data",
				AttrSet: unix.MOUNT_ATTR_RDONLY | unix.MOUNT_ATTR_NOSUID, AttrClr: unix.MOUNT_ATTR_NOEXEC | 1<<33,
				Recursive: true, HasRec: true, RecSet: unix.MOUNT_ATTR_RDONLY, RecClr: unix.MOUNT_ATTR_NODEV,
				Propagation: []uint32{unix.MS_SHARED | unix.MS_REC}},
			{Kind: MountBind, Source: "/etc/hosts", Dest: "/etc/hosts"},
			{Kind: MountAwaitCgroup},
			{Kind: MountFS, Source: "tmpfs", Dest: "/sys/fs/cgroup", FSType: "tmpfs", Data: "mode=755"},
			{Kind: MountSymlinks, Dest: "/sys/fs/cgroup", Target: "cpu,cpuacct", Names: []string{"cpu", "cpuacct"}},
			{Kind: MountSymlinks, Dest: "/sys/fs/cgroup", Target: "none"},
			{Kind: MountReadonly, Dest: "/sys/fs/cgroup"},
		},
		DevSetup: true,
		Devices: []Device{
			{Path: "/dev/null", Mode: unix.S_IFCHR | 0o666, Major: 1, Minor: 3},
			{Path: "/dev/sda", Mode: unix.S_IFBLK | 0o600, Major: 8, Minor: 0x12345, UID: 1000, GID: 0xfffffffe},
			{Path: "/dev/fifo", Mode: unix.S_IFIFO | 0o640},
		},
		Hooks:         true,
		CgroupNS:      true,
		Hostname:      "box",
		Domainname:    "example.org",
		Sysctls:       []Sysctl{{Key: "kernel.msgmax", Path: "sys/kernel/msgmax", Value: "8192"}, {Key: "net/ipv4/conf/eth0.100/forwarding", Path: "sys/net/ipv4/conf/eth0.100/forwarding", Value: ""}},
		ReadonlyPaths: []string{"/proc/sys", "/proc/bus"},
		Masks:         []string{"/proc/kcore", "/sys/firmware"},
		DevReadonly:   true,
		Readonly:      true,
		Keyring:       "_ses.c1",
		FifoFD:        9,
	}
}

// Every field of a full plan comes back from the attribute layout
// initfinish.c reads, after the exec attributes.
func TestInitPlanEncodeRoundTrip(t *testing.T) {
	oom := int32(3)
	s := &ExecSpec{
		Args: []string{"sh", "-c", "true"}, Env: []string{"A=1"}, Cwd: "/",
		Groups: []uint32{1}, Rlimits: []Rlimit{{Resource: 7, Soft: 1, Hard: 2}}, NoNewPrivs: true,
		Seccomp: []unix.SockFilter{{Code: 6}}, OOMScoreAdj: &oom,
		Init: fullPlan(),
	}
	b, err := s.Encode()
	if err != nil {
		t.Fatal(err)
	}
	attrs := splitAttrs(t, b)

	// Exec attributes (1-10) first, then only init attributes (32-52).
	firstInit := -1
	for i, a := range attrs {
		switch {
		case a.typ >= execArg && a.typ <= execOOM:
			if firstInit >= 0 {
				t.Errorf("exec attribute %d at index %d after the first init attribute (index %d)", a.typ, i, firstInit)
			}
		case a.typ >= initRootfs && a.typ <= initNoFifo:
			if firstInit < 0 {
				firstInit = i
			}
		default:
			t.Errorf("attribute %d at index %d is neither an exec nor an init attribute", a.typ, i)
		}
	}
	if firstInit <= 0 {
		t.Fatalf("first init attribute at index %d, want after the exec attributes", firstInit)
	}
	// The exec part is exactly what the spec encodes without a plan.
	noInit := *s
	noInit.Init = nil
	execOnly, err := noInit.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, execOnly) {
		t.Errorf("the exec attributes change with a plan")
	}
	if attrs[firstInit].typ != initRootfs {
		t.Errorf("first init attribute is %d, want rootfs (%d)", attrs[firstInit].typ, initRootfs)
	}

	got, err := decodeInit(attrs)
	if err != nil {
		t.Fatal(err)
	}
	if want := fullPlan(); !reflect.DeepEqual(got, want) {
		t.Errorf("decoded plan:\n got %+v\nwant %+v", got, want)
	}
}

// The mount steps are emitted one attribute each, in the plan's order,
// whatever their kinds.
func TestInitPlanMountOrder(t *testing.T) {
	kindType := map[MountKind]uint32{
		MountFS: initMountFS, MountBind: initBind, MountSymlinks: initSymlinks,
		MountReadonly: initRdonly, MountAwaitCgroup: initAwaitCgroup,
	}
	for _, kinds := range [][]MountKind{
		{MountReadonly, MountSymlinks, MountBind, MountAwaitCgroup, MountFS},
		{MountBind, MountFS, MountBind, MountFS, MountAwaitCgroup, MountFS, MountSymlinks, MountBind, MountReadonly},
		{MountAwaitCgroup},
		{},
	} {
		p := &InitPlan{Rootfs: "/r", FifoFD: -1}
		var wantTypes []uint32
		for i, k := range kinds {
			m := MountOp{Kind: k}
			if k != MountAwaitCgroup {
				m.Dest = fmt.Sprintf("/m%d", i) // tells the steps apart
			}
			p.Mounts = append(p.Mounts, m)
			wantTypes = append(wantTypes, kindType[k])
		}
		attrs := encodeSpec(t, p)
		var gotTypes []uint32
		for _, a := range attrs {
			if a.typ >= initMountFS && a.typ <= initAwaitCgroup {
				gotTypes = append(gotTypes, a.typ)
			}
		}
		if !slices.Equal(gotTypes, wantTypes) {
			t.Errorf("kinds %v: mount attribute types %v, want %v", kinds, gotTypes, wantTypes)
			continue
		}
		got, err := decodeInit(attrs)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got.Mounts, p.Mounts) {
			t.Errorf("kinds %v: mounts\n got %+v\nwant %+v", kinds, got.Mounts, p.Mounts)
		}
	}
}

// Byte-exact encodings of single attributes, written from initfinish.c's
// reads, independently of the decoder above.
func TestInitPlanAttributeBytes(t *testing.T) {
	le := binary.LittleEndian
	u32 := func(b []byte, vs ...uint32) []byte {
		for _, v := range vs {
			b = le.AppendUint32(b, v)
		}
		return b
	}
	u64 := func(b []byte, vs ...uint64) []byte {
		for _, v := range vs {
			b = le.AppendUint64(b, v)
		}
		return b
	}
	str := func(b []byte, s string) []byte { return append(u32(b, uint32(len(s))), s...) }

	var fs []byte
	fs = str(fs, "src")
	fs = str(fs, "/d")
	fs = str(fs, "tmpfs")
	fs = str(fs, "")
	fs = u32(fs, 0x1234, 1, 1)
	fs = u64(fs, 0x10, 0x20)
	fs = u32(fs, 2, unix.MS_PRIVATE, unix.MS_SLAVE|unix.MS_REC)

	var bind []byte
	bind = str(bind, "/s")
	bind = str(bind, "/t")
	bind = u64(bind, 0x1, 0x2)
	bind = u32(bind, 0, 1)
	bind = u64(bind, 0x4, 0x8)
	bind = u32(bind, 1, unix.MS_UNBINDABLE)

	var links []byte
	links = str(links, "/sys/fs/cgroup")
	links = str(links, "cpu,cpuacct")
	links = u32(links, 2)
	links = str(links, "cpu")
	links = str(links, "cpuacct")

	var dev []byte
	dev = str(dev, "/dev/x")
	dev = u32(dev, unix.S_IFCHR|0o620, 4, 64, 5, 6)

	var sysctl []byte
	sysctl = str(sysctl, "a.b")
	sysctl = str(sysctl, "sys/a/b")
	sysctl = str(sysctl, "1 2")

	for _, tc := range []struct {
		name string
		plan InitPlan
		typ  uint32
		want []byte
	}{
		{"rootfs", InitPlan{Rootfs: "/root/fs"}, initRootfs, str(nil, "/root/fs")},
		{"root propagation 0", InitPlan{Rootfs: "/r"}, initRootProp, u32(nil, 0)},
		{"root propagation", InitPlan{Rootfs: "/r", RootPropagation: unix.MS_PRIVATE | unix.MS_REC}, initRootProp, u32(nil, unix.MS_PRIVATE|unix.MS_REC)},
		{"mountfs", InitPlan{Rootfs: "/r", Mounts: []MountOp{{Kind: MountFS, Source: "src", Dest: "/d", FSType: "tmpfs",
			Flags: 0x1234, RealDir: true, HasRec: true, RecSet: 0x10, RecClr: 0x20,
			Propagation: []uint32{unix.MS_PRIVATE, unix.MS_SLAVE | unix.MS_REC}}}}, initMountFS, fs},
		{"bind", InitPlan{Rootfs: "/r", Mounts: []MountOp{{Kind: MountBind, Source: "/s", Dest: "/t",
			AttrSet: 1, AttrClr: 2, HasRec: true, RecSet: 4, RecClr: 8, Propagation: []uint32{unix.MS_UNBINDABLE},
			// Fields of other kinds are not encoded.
			FSType: "ignored", Data: "ignored", Flags: 0xff, RealDir: true, Target: "x", Names: []string{"y"}}}},
			initBind, bind},
		{"symlinks", InitPlan{Rootfs: "/r", Mounts: []MountOp{{Kind: MountSymlinks, Dest: "/sys/fs/cgroup",
			Target: "cpu,cpuacct", Names: []string{"cpu", "cpuacct"}, Source: "ignored"}}}, initSymlinks, links},
		{"readonly", InitPlan{Rootfs: "/r", Mounts: []MountOp{{Kind: MountReadonly, Dest: "/sys/fs/cgroup",
			Source: "ignored", Flags: 1}}}, initRdonly, str(nil, "/sys/fs/cgroup")},
		{"await cgroup", InitPlan{Rootfs: "/r", Mounts: []MountOp{{Kind: MountAwaitCgroup, Dest: "ignored"}}}, initAwaitCgroup, nil},
		{"device", InitPlan{Rootfs: "/r", DevSetup: true, Devices: []Device{{Path: "/dev/x", Mode: unix.S_IFCHR | 0o620,
			Major: 4, Minor: 64, UID: 5, GID: 6}}}, initDevice, dev},
		{"devsetup", InitPlan{Rootfs: "/r", DevSetup: true}, initDevSetup, nil},
		{"hooks", InitPlan{Rootfs: "/r", Hooks: true}, initHooks, nil},
		{"cgroupns", InitPlan{Rootfs: "/r", CgroupNS: true}, initCgroupNS, nil},
		{"hostname", InitPlan{Rootfs: "/r", Hostname: "h"}, initHostname, str(nil, "h")},
		{"domainname", InitPlan{Rootfs: "/r", Domainname: "d.e"}, initDomainname, str(nil, "d.e")},
		{"sysctl", InitPlan{Rootfs: "/r", Sysctls: []Sysctl{{Key: "a.b", Path: "sys/a/b", Value: "1 2"}}}, initSysctl, sysctl},
		{"readonly path", InitPlan{Rootfs: "/r", ReadonlyPaths: []string{"/proc/sys"}}, initROPath, str(nil, "/proc/sys")},
		{"mask", InitPlan{Rootfs: "/r", Masks: []string{"/proc/kcore"}}, initMaskPath, str(nil, "/proc/kcore")},
		{"dev readonly", InitPlan{Rootfs: "/r", DevReadonly: true}, initDevRO, nil},
		{"root readonly", InitPlan{Rootfs: "/r", Readonly: true}, initRootRO, nil},
		{"keyring", InitPlan{Rootfs: "/r", Keyring: "_ses.x"}, initKeyring, str(nil, "_ses.x")},
		{"fifo 0", InitPlan{Rootfs: "/r", FifoFD: 0}, initFifo, u32(nil, 0)},
		{"fifo 7", InitPlan{Rootfs: "/r", FifoFD: 7}, initFifo, u32(nil, 7)},
		{"no fifo", InitPlan{Rootfs: "/r", FifoFD: -1}, initNoFifo, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var found []tlv
			for _, a := range encodeSpec(t, &tc.plan) {
				if a.typ == tc.typ {
					found = append(found, a)
				}
			}
			if len(found) != 1 {
				t.Fatalf("%d attributes of type %d, want 1", len(found), tc.typ)
			}
			if !bytes.Equal(found[0].val, tc.want) {
				t.Errorf("attribute %d:\n got % x\nwant % x", tc.typ, found[0].val, tc.want)
			}
		})
	}
}

// Optional settings are left out when unset, and exactly one of FIFO and
// NOFIFO is always there, last.
func TestInitPlanMinimal(t *testing.T) {
	for _, tc := range []struct {
		fifo     int
		wantLast uint32
	}{
		{-1, initNoFifo},
		{0, initFifo},
		{3, initFifo},
	} {
		// Devices without DevSetup are not created, so not encoded.
		p := &InitPlan{Rootfs: "/r", FifoFD: tc.fifo, Devices: []Device{{Path: "/dev/null"}}}
		attrs := encodeSpec(t, p)
		var types []uint32
		for _, a := range attrs {
			if a.typ >= initRootfs {
				types = append(types, a.typ)
			}
		}
		if want := []uint32{initRootfs, initRootProp, tc.wantLast}; !slices.Equal(types, want) {
			t.Errorf("FifoFD %d: init attributes %v, want %v", tc.fifo, types, want)
		}
		got, err := decodeInit(attrs)
		if err != nil {
			t.Fatal(err)
		}
		if got.FifoFD != tc.fifo {
			t.Errorf("FifoFD %d decoded as %d", tc.fifo, got.FifoFD)
		}
	}
}

// A NUL byte in any string field fails Encode: the C side would stop at it.
func TestInitPlanEncodeRejectsNUL(t *testing.T) {
	base := fullPlan
	if _, err := (&ExecSpec{Args: []string{"a"}, Init: base()}).Encode(); err != nil {
		t.Fatalf("the base plan does not encode: %v", err)
	}
	mount := func(i int, f func(m *MountOp)) func(p *InitPlan) {
		return func(p *InitPlan) { f(&p.Mounts[i]) }
	}
	// Indexes into fullPlan().Mounts.
	const fsIdx, bindIdx, linksIdx, roIdx = 1, 2, 6, 8
	for name, mutate := range map[string]func(p *InitPlan){
		"rootfs":             func(p *InitPlan) { p.Rootfs = "/r\x00" },
		"fs source":          mount(fsIdx, func(m *MountOp) { m.Source = "tm\x00pfs" }),
		"fs destination":     mount(fsIdx, func(m *MountOp) { m.Dest = "/dev\x00/x" }),
		"fs type":            mount(fsIdx, func(m *MountOp) { m.FSType = "\x00" }),
		"fs data":            mount(fsIdx, func(m *MountOp) { m.Data = "mode=755\x00" }),
		"bind source":        mount(bindIdx, func(m *MountOp) { m.Source = "/ho\x00st" }),
		"bind destination":   mount(bindIdx, func(m *MountOp) { m.Dest = "/da\x00ta" }),
		"symlinks directory": mount(linksIdx, func(m *MountOp) { m.Dest = "/sys/fs/cgroup\x00" }),
		"symlinks target":    mount(linksIdx, func(m *MountOp) { m.Target = "cpu\x00" }),
		"symlink name":       mount(linksIdx, func(m *MountOp) { m.Names[1] = "cpu\x00acct" }),
		"readonly mount":     mount(roIdx, func(m *MountOp) { m.Dest = "\x00" }),
		"device path":        func(p *InitPlan) { p.Devices[2].Path = "/dev/fi\x00fo" },
		"hostname":           func(p *InitPlan) { p.Hostname = "bo\x00x" },
		"domainname":         func(p *InitPlan) { p.Domainname = "\x00example.org" },
		"sysctl key":         func(p *InitPlan) { p.Sysctls[0].Key = "kernel.\x00msgmax" },
		"sysctl path":        func(p *InitPlan) { p.Sysctls[0].Path = "sys/kernel/msgmax\x00" },
		"sysctl value":       func(p *InitPlan) { p.Sysctls[1].Value = "1\x00" },
		"readonly path":      func(p *InitPlan) { p.ReadonlyPaths[1] = "/proc/\x00bus" },
		"masked path":        func(p *InitPlan) { p.Masks[0] = "/proc/kcore\x00" },
		"keyring":            func(p *InitPlan) { p.Keyring = "_ses.\x00" },
	} {
		p := base()
		mutate(p)
		b, err := (&ExecSpec{Args: []string{"a"}, Init: p}).Encode()
		if err == nil {
			t.Errorf("%s with a NUL byte: encoded (%d bytes)", name, len(b))
			continue
		}
		if b != nil {
			t.Errorf("%s with a NUL byte: %d bytes returned with the error", name, len(b))
		}
		if !strings.Contains(err.Error(), "NUL") {
			t.Errorf("%s with a NUL byte: error %q does not mention the NUL byte", name, err)
		}
	}
}

func TestInitPlanEncodeRejectsUnknownKind(t *testing.T) {
	for _, k := range []MountKind{MountAwaitCgroup + 1, 99, -1} {
		p := &InitPlan{Rootfs: "/r", FifoFD: -1, Mounts: []MountOp{
			{Kind: MountFS, Source: "tmpfs", Dest: "/tmp", FSType: "tmpfs"},
			{Kind: k, Dest: "/x"},
		}}
		b, err := (&ExecSpec{Args: []string{"a"}, Init: p}).Encode()
		if err == nil {
			t.Errorf("mount kind %d: encoded (%d bytes)", k, len(b))
			continue
		}
		if !strings.Contains(err.Error(), fmt.Sprint(int(k))) {
			t.Errorf("mount kind %d: error %q does not name the kind", k, err)
		}
	}
}
