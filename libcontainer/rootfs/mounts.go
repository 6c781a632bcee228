package rootfs

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/oci-run/oci-run/libcontainer/configs"
)

// preparer carries the state of one Prepare call.
type preparer struct {
	cfg  *configs.Config
	opts Options
	log  *slog.Logger
	root *root
	// cgroups is the host's cgroup layout, read on first use.
	cgroups *cgroupLayout
	// index is the position in cfg.Mounts of the mount being set up.
	index int
}

// mount sets up one configured mount.
func (p *preparer) mount(m *configs.Mount) error {
	dest := filepath.Clean("/" + m.Destination)
	if dest == "/" {
		return mountErr("mount", m.Source, m.Destination, m.Device, unix.EINVAL, "cannot mount over the container's root")
	}
	switch {
	case m.Device == "cgroup" || m.Device == "cgroup2":
		return p.mountCgroup(m, dest)
	case m.IsBind():
		return p.bind(m, dest)
	default:
		return p.mountFS(m, dest)
	}
}

// bind sets up a bind (or recursive bind, with MS_REC) mount: the source is
// cloned with open_tree(2), given the mount's flags and recursive attributes
// with mount_setattr(2) (bind ignores flags, so this is the "remount"; flags
// the options do not mention, such as locked ones, are kept), and attached to
// the resolved destination with move_mount(2).
func (p *preparer) bind(m *configs.Mount, dest string) error {
	fail := func(err error, ctx string) error {
		return mountErr("mount", m.Source, dest, "bind", err, ctx)
	}
	src, err := unix.Open(m.Source, unix.O_PATH|unix.O_CLOEXEC, 0)
	if err != nil {
		return fail(err, "open source")
	}
	defer unix.Close(src)
	var st unix.Stat_t
	if err := unix.Fstat(src, &st); err != nil {
		return fail(err, "stat source")
	}
	k := kindFile
	if st.Mode&unix.S_IFMT == unix.S_IFDIR {
		k = kindDir
	}
	target, real, err := p.target(dest, k, false, true, src)
	if err != nil {
		return fail(err, "")
	}
	defer unix.Close(target)
	if tree, ok := p.opts.IDMappedTrees[p.index]; ok {
		err = attachTree(tree, target, m)
	} else {
		err = attachBind(src, target, m)
	}
	if err != nil {
		return fail(err, "")
	}
	p.log.Debug("mounted", "source", m.Source, "destination", real, "type", "bind")
	return nil
}

// attachBind clones src (recursively for rbind), applies m's flags,
// recursive attributes and id mapping, attaches the clone on target and
// applies m's propagation.
func attachBind(src, target int, m *configs.Mount) error {
	flags := uint(unix.OPEN_TREE_CLONE | unix.OPEN_TREE_CLOEXEC | unix.AT_EMPTY_PATH)
	if m.Flags&unix.MS_REC != 0 {
		flags |= unix.AT_RECURSIVE
	}
	tree, err := unix.OpenTree(src, "", flags)
	if err != nil {
		return fmt.Errorf("open_tree: %w", err)
	}
	defer unix.Close(tree)
	if len(m.UIDMappings) > 0 || len(m.GIDMappings) > 0 {
		if err := idmapTree(tree, m); err != nil {
			return err
		}
	}
	return attachTree(tree, target, m)
}

// IDMappedTree clones m's source (recursively for rbind) as a detached
// mount tree with m's id mappings, for the runtime to make on the host side
// and hand to the init (Options.IDMappedTrees).
func IDMappedTree(m *configs.Mount) (*os.File, error) {
	src, err := unix.Open(m.Source, unix.O_PATH|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, mountErr("mount", m.Source, m.Destination, "bind", err, "open source")
	}
	defer unix.Close(src)
	flags := uint(unix.OPEN_TREE_CLONE | unix.OPEN_TREE_CLOEXEC | unix.AT_EMPTY_PATH)
	if m.Flags&unix.MS_REC != 0 {
		flags |= unix.AT_RECURSIVE
	}
	tree, err := unix.OpenTree(src, "", flags)
	if err != nil {
		return nil, mountErr("mount", m.Source, m.Destination, "bind", err, "open_tree")
	}
	if err := idmapTree(tree, m); err != nil {
		unix.Close(tree)
		return nil, mountErr("mount", m.Source, m.Destination, "bind", err, "")
	}
	return os.NewFile(uintptr(tree), "idmapped:"+m.Source), nil
}

// attachTree gives a detached tree m's flags and recursive attributes,
// attaches it on target and applies m's propagation.
func attachTree(tree, target int, m *configs.Mount) error {
	a := mountAttr(m.Flags, m.ClearedFlags)
	if m.Flags&unix.MS_REC != 0 {
		// rbind: the restrictions the options ask for (ro, nosuid, nodev,
		// noexec) hold for the whole tree, not just its top (else
		// "rbind,ro" of /sys leaves the host's cgroup mounts writable:
		// CVE-2023-25809). Clearing stays at the top, where locked
		// flags are handled.
		const restrict = unix.MOUNT_ATTR_RDONLY | unix.MOUNT_ATTR_NOSUID | unix.MOUNT_ATTR_NODEV | unix.MOUNT_ATTR_NOEXEC
		if rec := a.Attr_set & restrict; rec != 0 {
			if err := setAttr(tree, unix.AT_RECURSIVE, unix.MountAttr{Attr_set: rec}); err != nil {
				return fmt.Errorf("set mount flags on the tree: %w", err)
			}
		}
	}
	if err := setAttr(tree, 0, a); err != nil {
		return fmt.Errorf("set mount flags: %w", err)
	}
	if m.RecAttr != nil {
		a := unix.MountAttr{Attr_set: m.RecAttr.Set, Attr_clr: m.RecAttr.Clear}
		if err := setAttr(tree, unix.AT_RECURSIVE, a); err != nil {
			return fmt.Errorf("set recursive mount attributes: %w", err)
		}
	}
	if err := unix.MoveMount(tree, "", target, "", unix.MOVE_MOUNT_F_EMPTY_PATH|unix.MOVE_MOUNT_T_EMPTY_PATH); err != nil {
		return fmt.Errorf("move_mount: %w", err)
	}
	if err := setPropagation(tree, m.PropagationFlags); err != nil {
		return fmt.Errorf("set propagation: %w", err)
	}
	return nil
}

// mountFS mounts a filesystem (tmpfs, proc, sysfs, devpts, mqueue, overlay,
// ...) with mount(2). The destination is resolved to a directory descriptor
// and the mount is made on it through the working directory (fchdir, then
// mount on "."), so no path is looked up again.
func (p *preparer) mountFS(m *configs.Mount, dest string) error {
	if len(m.UIDMappings) > 0 || len(m.GIDMappings) > 0 {
		return mountErr("mount", m.Source, dest, m.Device, ErrIDMapUnsupported, "idmapped mounts need a bind mount")
	}
	flags := m.Flags &^ (propagationMask | unix.MS_REC | unix.MS_BIND)
	data := m.Data
	switch m.Device {
	case "devpts":
		data = devptsData(data)
	}
	if p.opts.MountLabel != nil {
		data = p.opts.MountLabel(m.Device, data)
	}
	if dest == "/dev" {
		// Mounted read-write so that devices can be created; Finalize
		// makes it read-only if asked.
		flags &^= unix.MS_RDONLY
	}
	fail := func(err error, ctx string) error {
		return mountErr("mount", m.Source, dest, m.Device, err, ctx)
	}
	realDir := m.Device == "proc" || m.Device == "sysfs"
	target, real, err := p.target(dest, kindDir, realDir, false, -1)
	if err != nil {
		return fail(err, "")
	}
	defer unix.Close(target)
	err = mountOnFd(m.Source, target, m.Device, flags, data)
	if errors.Is(err, unix.EPERM) && m.Device == "sysfs" {
		// A user namespace that does not own the network namespace
		// cannot mount sysfs: bind the host's /sys instead, read-only
		// if the mount asked for it (as runc does).
		p.log.Debug("sysfs mount not permitted, binding /sys", "destination", dest)
		err = p.bindHostSys(target, m)
	}
	if err != nil {
		return fail(err, "")
	}
	if m.RecAttr != nil || len(m.PropagationFlags) > 0 {
		mnt, err := p.root.open(real, unix.O_PATH|unix.O_DIRECTORY)
		if err != nil {
			return fail(err, "reopen mount")
		}
		defer unix.Close(mnt)
		if m.RecAttr != nil {
			a := unix.MountAttr{Attr_set: m.RecAttr.Set, Attr_clr: m.RecAttr.Clear}
			if err := setAttr(mnt, unix.AT_RECURSIVE, a); err != nil {
				return fail(err, "set recursive mount attributes")
			}
		}
		if err := setPropagation(mnt, m.PropagationFlags); err != nil {
			return fail(err, "set propagation")
		}
	}
	p.log.Debug("mounted", "source", m.Source, "destination", real, "type", m.Device)
	return nil
}

// bindHostSys is the sysfs fallback: a recursive bind of the host's /sys.
func (p *preparer) bindHostSys(target int, m *configs.Mount) error {
	src, err := unix.Open("/sys", unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(src)
	b := *m
	b.Flags = m.Flags | unix.MS_BIND | unix.MS_REC
	if m.Flags&unix.MS_RDONLY != 0 && b.RecAttr == nil {
		b.RecAttr = &configs.MountAttr{Set: unix.MOUNT_ATTR_RDONLY}
	}
	b.PropagationFlags = nil
	return attachBind(src, target, &b)
}

// mountOnFd mounts with mount(2) on the directory fd, through the working
// directory: the kernel resolves "." to exactly that directory.
func mountOnFd(source string, dirfd int, fstype string, flags int, data string) error {
	if err := unix.Fchdir(dirfd); err != nil {
		return fmt.Errorf("chdir to mount point: %w", err)
	}
	return unix.Mount(source, ".", fstype, uintptr(flags), data)
}

// devptsData adds newinstance and ptmxmode=0666 to devpts options unless set.
func devptsData(data string) string {
	opts := splitOpts(data)
	has := func(key string) bool {
		for _, o := range opts {
			if o == key || strings.HasPrefix(o, key+"=") {
				return true
			}
		}
		return false
	}
	if !has("newinstance") {
		opts = append(opts, "newinstance")
	}
	if !has("ptmxmode") {
		opts = append(opts, "ptmxmode=0666")
	}
	return strings.Join(opts, ",")
}

func splitOpts(data string) []string {
	var out []string
	for _, o := range strings.Split(data, ",") {
		if o != "" {
			out = append(out, o)
		}
	}
	return out
}

// target resolves dest inside the rootfs for a mount, creating it as k if it
// is missing, and applies the destination checks: procfs and sysfs need a
// real directory (so do /proc and /sys themselves, whatever is mounted
// there), and only allow-listed files may be mounted under /proc.
// It returns the O_PATH target descriptor and its container path.
func (p *preparer) target(dest string, k kind, realDir, isBind bool, srcFd int) (int, string, error) {
	if err := checkProcDestLexical(dest); err != nil {
		return -1, "", err
	}
	var fd int
	var err error
	if realDir || dest == "/proc" || dest == "/sys" {
		fd, err = p.root.openRealDir(dest)
	} else {
		fd, err = p.root.resolveCreate(dest, k)
	}
	if err != nil {
		return -1, "", err
	}
	real, err := p.root.containerPath(fd)
	if err != nil {
		unix.Close(fd)
		return -1, "", err
	}
	if err := checkProcDest(real, isBind, srcFd); err != nil {
		unix.Close(fd)
		if real != dest {
			err = fmt.Errorf("resolves to %s: %w", real, err)
		}
		return -1, "", err
	}
	return fd, real, nil
}
