package rootfs

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// maskPath hides path: a file gets the null device bound over it, a
// directory an empty read-only tmpfs. A missing path is ignored.
func maskPath(r *root, path string) error {
	target, err := r.open(path, unix.O_PATH)
	if errors.Is(err, unix.ENOENT) || errors.Is(err, unix.ENOTDIR) {
		return nil
	}
	if err != nil {
		return mountErr("mask", "", path, "", err, "")
	}
	defer unix.Close(target)
	var st unix.Stat_t
	if err := unix.Fstat(target, &st); err != nil {
		return mountErr("mask", "", path, "", err, "")
	}
	if st.Mode&unix.S_IFMT == unix.S_IFDIR {
		if err := mountEmptyTmpfs(target); err != nil {
			return mountErr("mask", "tmpfs", path, "tmpfs", err, "")
		}
		return nil
	}
	null, err := openDevNull(r)
	if err != nil {
		return mountErr("mask", "/dev/null", path, "bind", err, "")
	}
	defer unix.Close(null)
	tree, err := unix.OpenTree(null, "", unix.OPEN_TREE_CLONE|unix.OPEN_TREE_CLOEXEC|unix.AT_EMPTY_PATH)
	if err != nil {
		return mountErr("mask", "/dev/null", path, "bind", err, "open_tree")
	}
	defer unix.Close(tree)
	if err := unix.MoveMount(tree, "", target, "", unix.MOVE_MOUNT_F_EMPTY_PATH|unix.MOVE_MOUNT_T_EMPTY_PATH); err != nil {
		return mountErr("mask", "/dev/null", path, "bind", err, "move_mount")
	}
	return nil
}

// openDevNull opens the root's /dev/null without following any symlink and
// checks, on that very descriptor, that it is the null device (char 1:3):
// the node that gets bound is the node that was checked (CVE-2025-31133).
func openDevNull(r *root) (int, error) {
	fd, err := openat2(r.fd, "dev/null", unix.O_PATH, unix.RESOLVE_BENEATH|unix.RESOLVE_NO_SYMLINKS)
	if err != nil {
		return -1, fmt.Errorf("open /dev/null: %w", err)
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		unix.Close(fd)
		return -1, err
	}
	if st.Mode&unix.S_IFMT != unix.S_IFCHR || unix.Major(st.Rdev) != 1 || unix.Minor(st.Rdev) != 3 {
		unix.Close(fd)
		return -1, fmt.Errorf("/dev/null: %w", ErrNotDevNull)
	}
	return fd, nil
}

// mountEmptyTmpfs attaches a new, empty, read-only tmpfs on the directory
// target (new mount API: no path is looked up).
func mountEmptyTmpfs(target int) error {
	fsfd, err := unix.Fsopen("tmpfs", unix.FSOPEN_CLOEXEC)
	if err != nil {
		return fmt.Errorf("fsopen: %w", err)
	}
	defer unix.Close(fsfd)
	if err := unix.FsconfigCreate(fsfd); err != nil {
		return fmt.Errorf("fsconfig create: %w", err)
	}
	mfd, err := unix.Fsmount(fsfd, unix.FSMOUNT_CLOEXEC,
		unix.MOUNT_ATTR_RDONLY|unix.MOUNT_ATTR_NOSUID|unix.MOUNT_ATTR_NODEV|unix.MOUNT_ATTR_NOEXEC)
	if err != nil {
		return fmt.Errorf("fsmount: %w", err)
	}
	defer unix.Close(mfd)
	if err := unix.MoveMount(mfd, "", target, "", unix.MOVE_MOUNT_F_EMPTY_PATH|unix.MOVE_MOUNT_T_EMPTY_PATH); err != nil {
		return fmt.Errorf("move_mount: %w", err)
	}
	return nil
}

// readonlyPath binds path onto itself, recursively, and makes the new mounts
// read-only. Only the read-only attribute is set, so the nosuid, nodev and
// noexec flags of the mounts (locked or not) are kept. A missing path is
// ignored.
func readonlyPath(r *root, path string) error {
	target, err := r.open(path, unix.O_PATH)
	if errors.Is(err, unix.ENOENT) || errors.Is(err, unix.ENOTDIR) {
		return nil
	}
	if err != nil {
		return mountErr("readonly", path, path, "bind", err, "")
	}
	defer unix.Close(target)
	tree, err := unix.OpenTree(target, "", unix.OPEN_TREE_CLONE|unix.OPEN_TREE_CLOEXEC|unix.AT_EMPTY_PATH|unix.AT_RECURSIVE)
	if err != nil {
		return mountErr("readonly", path, path, "bind", err, "open_tree")
	}
	defer unix.Close(tree)
	if err := setAttr(tree, unix.AT_RECURSIVE, unix.MountAttr{Attr_set: unix.MOUNT_ATTR_RDONLY}); err != nil {
		return mountErr("readonly", path, path, "bind", err, "mount_setattr")
	}
	if err := unix.MoveMount(tree, "", target, "", unix.MOVE_MOUNT_F_EMPTY_PATH|unix.MOVE_MOUNT_T_EMPTY_PATH); err != nil {
		return mountErr("readonly", path, path, "bind", err, "move_mount")
	}
	return nil
}
