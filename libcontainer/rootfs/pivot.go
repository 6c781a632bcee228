package rootfs

import (
	"errors"
	"path/filepath"
	"sort"

	"golang.org/x/sys/unix"
)

// prepareRoot sets the propagation of the whole mount tree (rslave by
// default, so nothing mounted for the container reaches the host; or
// cfg.RootPropagation), makes the rootfs's parent mount private when it is
// shared (pivot_root and MS_MOVE refuse shared parents), and binds the rootfs
// onto itself so it is a mount point.
func prepareRoot(rootfs string, propagation int) error {
	flag := unix.MS_SLAVE | unix.MS_REC
	if propagation != 0 {
		flag = propagation
	}
	if err := unix.Mount("", "/", "", uintptr(flag), ""); err != nil {
		return mountErr("mount", "", "/", "", err, "set root propagation")
	}
	mounts, err := readMountinfo()
	if err != nil {
		return mountErr("mount", "", rootfs, "", err, "read mountinfo")
	}
	if parent := mountOf(mounts, filepath.Dir(rootfs)); parent != nil && parent.IsShared() {
		if err := unix.Mount("", parent.Mountpoint, "", unix.MS_PRIVATE, ""); err != nil {
			return mountErr("mount", "", parent.Mountpoint, "", err, "make rootfs parent private")
		}
	}
	if err := unix.Mount(rootfs, rootfs, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
		return mountErr("mount", rootfs, rootfs, "bind", err, "bind rootfs onto itself")
	}
	return nil
}

// pivotRoot makes rootfs the root with pivot_root(".", "."): the old root
// ends up stacked on the new one, is made rslave (so its unmount does not
// propagate to the host) and lazily unmounted.
func pivotRoot(rootfs string) error {
	fail := func(err error, ctx string) error {
		return mountErr("pivot_root", "", rootfs, "", err, ctx)
	}
	oldroot, err := unix.Open("/", unix.O_DIRECTORY|unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fail(err, "open old root")
	}
	defer unix.Close(oldroot)
	newroot, err := unix.Open(rootfs, unix.O_DIRECTORY|unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fail(err, "open new root")
	}
	defer unix.Close(newroot)
	if err := unix.Fchdir(newroot); err != nil {
		return fail(err, "chdir to new root")
	}
	if err := unix.PivotRoot(".", "."); err != nil {
		return fail(err, "")
	}
	if err := unix.Fchdir(oldroot); err != nil {
		return fail(err, "chdir to old root")
	}
	if err := unix.Mount("", ".", "", unix.MS_SLAVE|unix.MS_REC, ""); err != nil {
		return fail(err, "make old root rslave")
	}
	if err := unix.Unmount(".", unix.MNT_DETACH); err != nil {
		return fail(err, "unmount old root")
	}
	if err := unix.Chdir("/"); err != nil {
		return fail(err, "chdir /")
	}
	return nil
}

// moveRoot is the NoPivotRoot variant: hide the host's full procfs and
// sysfs mounts (the kernel would otherwise let them vouch for new ones in a
// user namespace), move the rootfs onto "/" and chroot into it.
func moveRoot(rootfs string) error {
	fail := func(err error, ctx string) error {
		return mountErr("chroot", "", rootfs, "", err, ctx)
	}
	mounts, err := readMountinfo()
	if err != nil {
		return fail(err, "read mountinfo")
	}
	var hide []string
	for _, m := range mounts {
		if m.Root != "/" || (m.FSType != "proc" && m.FSType != "sysfs") || isUnder(m.Mountpoint, rootfs) {
			continue
		}
		hide = append(hide, m.Mountpoint)
	}
	// Deepest first, so a parent is not busy with a child.
	sort.Slice(hide, func(i, j int) bool { return len(hide[i]) > len(hide[j]) })
	for _, mp := range hide {
		if err := unix.Mount("", mp, "", unix.MS_SLAVE|unix.MS_REC, ""); err != nil && !errors.Is(err, unix.EINVAL) {
			return fail(err, "make "+mp+" rslave")
		}
		if err := unix.Unmount(mp, unix.MNT_DETACH); err != nil {
			if !errors.Is(err, unix.EINVAL) && !errors.Is(err, unix.EPERM) {
				return fail(err, "unmount "+mp)
			}
			if err := unix.Mount("tmpfs", mp, "tmpfs", 0, ""); err != nil {
				return fail(err, "cover "+mp)
			}
		}
	}
	if err := unix.Chdir(rootfs); err != nil {
		return fail(err, "chdir to rootfs")
	}
	if err := unix.Mount(rootfs, "/", "", unix.MS_MOVE, ""); err != nil {
		return fail(err, "move rootfs to /")
	}
	if err := unix.Chroot("."); err != nil {
		return fail(err, "")
	}
	if err := unix.Chdir("/"); err != nil {
		return fail(err, "chdir /")
	}
	return nil
}
