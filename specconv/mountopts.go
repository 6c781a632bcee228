package specconv

import (
	"log/slog"
	"slices"
	"strings"
	"sync"

	"golang.org/x/sys/unix"

	"github.com/oci-run/oci-run/libcontainer/configs"
)

// optKind says what a mount option does to a configs.Mount.
type optKind int

const (
	optSetFlag   optKind = iota // Flags |= flag
	optClearFlag                // Flags &^= flag, recorded in ClearedFlags
	optRecSet                   // RecAttr.Set |= attr
	optRecClear                 // RecAttr.Clear |= attr
	optRecAtime                 // recursive atime mode: Set's atime bits = attr, Clear |= MOUNT_ATTR__ATIME
	optIDMap                    // idmapped mount, top mount only
	optRIDMap                   // idmapped mount, recursively
	optNoop                     // accepted, nothing to do ("defaults")
	optIgnored                  // accepted, ignored with a warning ("tmpcopyup")
)

// mountOpt is one entry of the mount option table.
type mountOpt struct {
	kind optKind
	flag int    // MS_* for optSetFlag/optClearFlag
	attr uint64 // MOUNT_ATTR_* for the optRec* kinds
}

// mountOptionTable maps every option ToConfig understands, other than the
// propagation names, to its effect. Options not in it (and not propagation
// names) are filesystem data, passed to mount(2) as is.
//
// "acl" and "noacl" are deliberately absent: MS_POSIXACL is not a flag
// mount(2) honours from user space, so they go into Data like runc does.
func mountOptionTable() map[string]mountOpt {
	set := func(f int) mountOpt { return mountOpt{kind: optSetFlag, flag: f} }
	clr := func(f int) mountOpt { return mountOpt{kind: optClearFlag, flag: f} }
	rset := func(a uint64) mountOpt { return mountOpt{kind: optRecSet, attr: a} }
	rclr := func(a uint64) mountOpt { return mountOpt{kind: optRecClear, attr: a} }
	ratime := func(a uint64) mountOpt { return mountOpt{kind: optRecAtime, attr: a} }
	return map[string]mountOpt{
		"async":         clr(unix.MS_SYNCHRONOUS),
		"atime":         clr(unix.MS_NOATIME),
		"bind":          set(unix.MS_BIND),
		"defaults":      {kind: optNoop},
		"dev":           clr(unix.MS_NODEV),
		"diratime":      clr(unix.MS_NODIRATIME),
		"dirsync":       set(unix.MS_DIRSYNC),
		"exec":          clr(unix.MS_NOEXEC),
		"iversion":      set(unix.MS_I_VERSION),
		"lazytime":      set(unix.MS_LAZYTIME),
		"loud":          clr(unix.MS_SILENT),
		"mand":          set(unix.MS_MANDLOCK),
		"noatime":       set(unix.MS_NOATIME),
		"nodev":         set(unix.MS_NODEV),
		"nodiratime":    set(unix.MS_NODIRATIME),
		"noexec":        set(unix.MS_NOEXEC),
		"noiversion":    clr(unix.MS_I_VERSION),
		"nolazytime":    clr(unix.MS_LAZYTIME),
		"nomand":        clr(unix.MS_MANDLOCK),
		"norelatime":    clr(unix.MS_RELATIME),
		"nostrictatime": clr(unix.MS_STRICTATIME),
		"nosuid":        set(unix.MS_NOSUID),
		"nosymfollow":   set(unix.MS_NOSYMFOLLOW),
		"rbind":         set(unix.MS_BIND | unix.MS_REC),
		"relatime":      set(unix.MS_RELATIME),
		"remount":       set(unix.MS_REMOUNT),
		"ro":            set(unix.MS_RDONLY),
		"rw":            clr(unix.MS_RDONLY),
		"silent":        set(unix.MS_SILENT),
		"strictatime":   set(unix.MS_STRICTATIME),
		"suid":          clr(unix.MS_NOSUID),
		"symfollow":     clr(unix.MS_NOSYMFOLLOW),
		"sync":          set(unix.MS_SYNCHRONOUS),

		"rro":          rset(unix.MOUNT_ATTR_RDONLY),
		"rrw":          rclr(unix.MOUNT_ATTR_RDONLY),
		"rnosuid":      rset(unix.MOUNT_ATTR_NOSUID),
		"rsuid":        rclr(unix.MOUNT_ATTR_NOSUID),
		"rnodev":       rset(unix.MOUNT_ATTR_NODEV),
		"rdev":         rclr(unix.MOUNT_ATTR_NODEV),
		"rnoexec":      rset(unix.MOUNT_ATTR_NOEXEC),
		"rexec":        rclr(unix.MOUNT_ATTR_NOEXEC),
		"rnodiratime":  rset(unix.MOUNT_ATTR_NODIRATIME),
		"rdiratime":    rclr(unix.MOUNT_ATTR_NODIRATIME),
		"rnosymfollow": rset(unix.MOUNT_ATTR_NOSYMFOLLOW),
		"rsymfollow":   rclr(unix.MOUNT_ATTR_NOSYMFOLLOW),
		// The atime modes are one field of three values; "not noatime"
		// and "not strictatime" mean the kernel default, relatime, and
		// "not relatime" leaves strictatime.
		"rrelatime":      ratime(unix.MOUNT_ATTR_RELATIME),
		"rnoatime":       ratime(unix.MOUNT_ATTR_NOATIME),
		"rstrictatime":   ratime(unix.MOUNT_ATTR_STRICTATIME),
		"ratime":         ratime(unix.MOUNT_ATTR_RELATIME),
		"rnostrictatime": ratime(unix.MOUNT_ATTR_RELATIME),
		"rnorelatime":    ratime(unix.MOUNT_ATTR_STRICTATIME),

		"idmap":  {kind: optIDMap},
		"ridmap": {kind: optRIDMap},

		// runc's extension: copy the destination's contents into a new
		// tmpfs. configs.Mount has nowhere to record it, so it is
		// dropped with a warning rather than passed to tmpfs (which would
		// reject it).
		"tmpcopyup": {kind: optIgnored},
	}
}

// mountOptions is mountOptionTable, built once, when the first mount is
// converted (a map of ~60 entries per mount was ~3 KB of garbage each).
var mountOptions = sync.OnceValue(mountOptionTable)

// KnownMountOptions lists, sorted, the mount options ToConfig turns into
// flags, attributes or mappings (everything else is passed to the
// filesystem as data). "tmpcopyup" is absent: it is accepted but ignored.
func KnownMountOptions() []string {
	var names []string
	for name, o := range mountOptions() {
		if o.kind != optIgnored {
			names = append(names, name)
		}
	}
	names = append(names, propagationNames()...)
	slices.Sort(names)
	return names
}

// parsedOptions is what a mount's option list turns into.
type parsedOptions struct {
	flags, cleared int
	propagation    []int
	recSet, recClr uint64
	data           []string
	idmap          bool // idmap or ridmap given
	idmapRecursive bool // ridmap given
}

// parseMountOptions applies the options in order; a later option wins over
// an earlier one that touches the same flag.
func parseMountOptions(field string, options []string, log *slog.Logger) parsedOptions {
	table := mountOptions()
	var p parsedOptions
	for _, o := range options {
		if f, ok := propagationFlags(o); ok {
			p.propagation = append(p.propagation, f)
			continue
		}
		opt, ok := table[o]
		if !ok {
			p.data = append(p.data, o)
			continue
		}
		switch opt.kind {
		case optSetFlag:
			p.flags |= opt.flag
			p.cleared &^= opt.flag
		case optClearFlag:
			p.flags &^= opt.flag
			p.cleared |= opt.flag
		case optRecSet:
			p.recSet |= opt.attr
			p.recClr &^= opt.attr
		case optRecClear:
			p.recClr |= opt.attr
			p.recSet &^= opt.attr
		case optRecAtime:
			// mount_setattr(2) changes the atime mode only when
			// MOUNT_ATTR__ATIME is in the clear set.
			p.recSet = p.recSet&^unix.MOUNT_ATTR__ATIME | opt.attr
			p.recClr |= unix.MOUNT_ATTR__ATIME
		case optIDMap:
			p.idmap = true
			p.idmapRecursive = false
		case optRIDMap:
			p.idmap = true
			p.idmapRecursive = true
		case optIgnored:
			warn(log, field, "mount option "+o+" is not supported")
		}
	}
	return p
}

// apply stores the parsed options in m.
func (p parsedOptions) apply(m *configs.Mount) {
	m.Flags = p.flags
	m.ClearedFlags = p.cleared
	m.PropagationFlags = p.propagation
	m.Data = strings.Join(p.data, ",")
	if p.recSet != 0 || p.recClr != 0 {
		m.RecAttr = &configs.MountAttr{Set: p.recSet, Clear: p.recClr}
	}
}
