package shim

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/containerd/containerd/api/types"
	"golang.org/x/sys/unix"
)

// mountFlag is an fstab option that maps to a mount(2) flag.
type mountFlag struct {
	clear bool
	flag  uintptr
}

// mountFlagFor maps an fstab option to a mount(2) flag.
func mountFlagFor(opt string) (mountFlag, bool) {
	switch opt {
	case "async":
		return mountFlag{true, unix.MS_SYNCHRONOUS}, true
	case "atime":
		return mountFlag{true, unix.MS_NOATIME}, true
	case "bind":
		return mountFlag{false, unix.MS_BIND}, true
	case "defaults":
		return mountFlag{false, 0}, true
	case "dev":
		return mountFlag{true, unix.MS_NODEV}, true
	case "diratime":
		return mountFlag{true, unix.MS_NODIRATIME}, true
	case "dirsync":
		return mountFlag{false, unix.MS_DIRSYNC}, true
	case "exec":
		return mountFlag{true, unix.MS_NOEXEC}, true
	case "mand":
		return mountFlag{false, unix.MS_MANDLOCK}, true
	case "noatime":
		return mountFlag{false, unix.MS_NOATIME}, true
	case "nodev":
		return mountFlag{false, unix.MS_NODEV}, true
	case "nodiratime":
		return mountFlag{false, unix.MS_NODIRATIME}, true
	case "noexec":
		return mountFlag{false, unix.MS_NOEXEC}, true
	case "nomand":
		return mountFlag{true, unix.MS_MANDLOCK}, true
	case "norelatime":
		return mountFlag{true, unix.MS_RELATIME}, true
	case "nostrictatime":
		return mountFlag{true, unix.MS_STRICTATIME}, true
	case "nosuid":
		return mountFlag{false, unix.MS_NOSUID}, true
	case "rbind":
		return mountFlag{false, unix.MS_BIND | unix.MS_REC}, true
	case "relatime":
		return mountFlag{false, unix.MS_RELATIME}, true
	case "remount":
		return mountFlag{false, unix.MS_REMOUNT}, true
	case "ro":
		return mountFlag{false, unix.MS_RDONLY}, true
	case "rw":
		return mountFlag{true, unix.MS_RDONLY}, true
	case "strictatime":
		return mountFlag{false, unix.MS_STRICTATIME}, true
	case "suid":
		return mountFlag{true, unix.MS_NOSUID}, true
	case "sync":
		return mountFlag{false, unix.MS_SYNCHRONOUS}, true
	}
	return mountFlag{}, false
}

// ParseMountOptions splits fstab-style options into mount(2) flags and
// the filesystem's data string (the options that are not flags, in
// order, comma-joined).
func ParseMountOptions(opts []string) (flags uintptr, data string) {
	var rest []string
	for _, o := range opts {
		if f, ok := mountFlagFor(o); ok {
			if f.clear {
				flags &^= f.flag
			} else {
				flags |= f.flag
			}
			continue
		}
		rest = append(rest, o)
	}
	return flags, strings.Join(rest, ",")
}

// mountRootfs mounts containerd's rootfs mounts, in order, on target; on
// failure the ones already made are unmounted.
func mountRootfs(mounts []*types.Mount, target string) error {
	if len(mounts) == 0 {
		return nil
	}
	if err := os.MkdirAll(target, 0o711); err != nil {
		return fmt.Errorf("create rootfs dir %s: %w", target, err)
	}
	for i, m := range mounts {
		if err := mountOne(m, target); err != nil {
			for j := 0; j < i; j++ {
				unix.Unmount(target, unix.MNT_DETACH)
			}
			return err
		}
	}
	return nil
}

func mountOne(m *types.Mount, target string) error {
	flags, data := ParseMountOptions(m.Options)
	typ := m.Type
	if flags&unix.MS_BIND != 0 || typ == "bind" {
		typ = ""
	}
	// A read-only bind needs a remount: mount(2) ignores MS_RDONLY with
	// MS_BIND.
	first := flags
	if flags&unix.MS_BIND != 0 {
		first &^= unix.MS_RDONLY
	}
	if len(data) >= os.Getpagesize() {
		return fmt.Errorf("mount rootfs %s (%s): options are %d bytes, the kernel takes less than a page", target, m.Type, len(data))
	}
	if err := unix.Mount(m.Source, target, typ, first, data); err != nil {
		return fmt.Errorf("mount rootfs %s (%s %s): %w", target, m.Type, m.Source, err)
	}
	if flags&unix.MS_BIND != 0 && flags&unix.MS_RDONLY != 0 {
		if err := unix.Mount("", target, "", flags|unix.MS_REMOUNT, ""); err != nil {
			unix.Unmount(target, unix.MNT_DETACH)
			return fmt.Errorf("remount rootfs %s read-only: %w", target, err)
		}
	}
	return nil
}

// unmountRootfs unmounts everything mounted on target (stacked mounts
// too); a target that is not a mount point, or is gone, is fine.
func unmountRootfs(target string) error {
	for i := 0; i < 16; i++ {
		err := unix.Unmount(target, unix.MNT_DETACH)
		switch {
		case err == nil:
			continue
		case errors.Is(err, unix.EINVAL), errors.Is(err, unix.ENOENT):
			return nil
		default:
			return fmt.Errorf("unmount rootfs %s: %w", target, err)
		}
	}
	return fmt.Errorf("unmount rootfs %s: still mounted after 16 unmounts", target)
}
