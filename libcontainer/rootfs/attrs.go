package rootfs

import (
	"errors"

	"golang.org/x/sys/unix"
)

// propagationMask is every MS_* bit that changes propagation.
const propagationMask = unix.MS_SHARED | unix.MS_SLAVE | unix.MS_PRIVATE | unix.MS_UNBINDABLE

// atimeFlags are the MS_* access-time bits.
const atimeFlags = unix.MS_NOATIME | unix.MS_RELATIME | unix.MS_STRICTATIME

// mountAttr translates per-mount MS_* flags to set and MS_* flags cleared by
// the options into a mount_setattr(2) request. Only what the options name is
// changed: flags of the source mount that are not mentioned (in particular
// flags locked by a user namespace) are kept as they are.
func mountAttr(set, cleared int) unix.MountAttr {
	var a unix.MountAttr
	pairs := []struct {
		ms   int
		attr uint64
	}{
		{unix.MS_RDONLY, unix.MOUNT_ATTR_RDONLY},
		{unix.MS_NOSUID, unix.MOUNT_ATTR_NOSUID},
		{unix.MS_NODEV, unix.MOUNT_ATTR_NODEV},
		{unix.MS_NOEXEC, unix.MOUNT_ATTR_NOEXEC},
		{unix.MS_NODIRATIME, unix.MOUNT_ATTR_NODIRATIME},
	}
	for _, p := range pairs {
		if set&p.ms != 0 {
			a.Attr_set |= p.attr
		} else if cleared&p.ms != 0 {
			a.Attr_clr |= p.attr
		}
	}
	switch {
	case set&unix.MS_NOATIME != 0:
		a.Attr_clr |= unix.MOUNT_ATTR__ATIME
		a.Attr_set |= unix.MOUNT_ATTR_NOATIME
	case set&unix.MS_STRICTATIME != 0:
		a.Attr_clr |= unix.MOUNT_ATTR__ATIME
		a.Attr_set |= unix.MOUNT_ATTR_STRICTATIME
	case set&unix.MS_RELATIME != 0, cleared&atimeFlags != 0:
		a.Attr_clr |= unix.MOUNT_ATTR__ATIME
		a.Attr_set |= unix.MOUNT_ATTR_RELATIME
	}
	return a
}

// lockedAttrs returns the MOUNT_ATTR_* bits currently set on the mount of fd
// (from statfs), which a user namespace may have locked.
func lockedAttrs(fd int) (uint64, error) {
	var st unix.Statfs_t
	if err := unix.Fstatfs(fd, &st); err != nil {
		return 0, err
	}
	var a uint64
	for _, p := range []struct {
		st   int64
		attr uint64
	}{
		{unix.ST_RDONLY, unix.MOUNT_ATTR_RDONLY},
		{unix.ST_NOSUID, unix.MOUNT_ATTR_NOSUID},
		{unix.ST_NODEV, unix.MOUNT_ATTR_NODEV},
		{unix.ST_NOEXEC, unix.MOUNT_ATTR_NOEXEC},
		{unix.ST_NODIRATIME, unix.MOUNT_ATTR_NODIRATIME},
	} {
		if st.Flags&p.st != 0 {
			a |= p.attr
		}
	}
	if st.Flags&(unix.ST_NOATIME|unix.ST_RELATIME) != 0 {
		a |= unix.MOUNT_ATTR__ATIME
	}
	return a, nil
}

// setAttr applies a to the mount whose root fd is (recursively with
// AT_RECURSIVE in flags). When the kernel refuses to clear a flag because it
// is locked (EPERM), the request is retried keeping every flag the mount
// has, as runc does on remount.
func setAttr(fd int, flags uint, a unix.MountAttr) error {
	if a.Attr_set == 0 && a.Attr_clr == 0 && a.Propagation == 0 && a.Userns_fd == 0 {
		return nil
	}
	err := unix.MountSetattr(fd, "", flags|unix.AT_EMPTY_PATH, &a)
	if !errors.Is(err, unix.EPERM) || a.Attr_clr == 0 {
		return err
	}
	locked, lerr := lockedAttrs(fd)
	if lerr != nil {
		return err
	}
	b := a
	b.Attr_clr &^= locked
	if b.Attr_clr&unix.MOUNT_ATTR__ATIME != 0 && locked&unix.MOUNT_ATTR__ATIME != 0 {
		b.Attr_clr &^= unix.MOUNT_ATTR__ATIME
		b.Attr_set &^= unix.MOUNT_ATTR__ATIME
	}
	if b == a {
		return err
	}
	return unix.MountSetattr(fd, "", flags|unix.AT_EMPTY_PATH, &b)
}

// setPropagation applies the propagation flags in order (MS_REC makes one
// recursive) to the mount whose root is fd.
func setPropagation(fd int, props []int) error {
	for _, p := range props {
		var flags uint
		if p&unix.MS_REC != 0 {
			flags = unix.AT_RECURSIVE
		}
		if p&propagationMask == 0 {
			continue
		}
		a := unix.MountAttr{Propagation: uint64(p & propagationMask)}
		if err := unix.MountSetattr(fd, "", flags|unix.AT_EMPTY_PATH, &a); err != nil {
			return err
		}
	}
	return nil
}
