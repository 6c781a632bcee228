package rootfs

import (
	"errors"
	"fmt"
	"os"
	"runtime"

	"golang.org/x/sys/unix"
)

// SetupConsole binds the pty slave (opened by the caller with TIOCGPTPEER,
// so no path was looked up) at /dev/console of the current root. It runs
// after Prepare. The file is not closed.
func SetupConsole(slave *os.File) error {
	fail := func(err error, ctx string) error {
		return mountErr("mount", slave.Name(), "/dev/console", "bind", err, ctx)
	}
	r, err := openRoot("/")
	if err != nil {
		return err
	}
	defer r.close()
	dev, err := openDev(r)
	if err != nil {
		return fail(err, "")
	}
	defer unix.Close(dev)
	fd, err := unix.Openat(dev, "console", unix.O_CREAT|unix.O_EXCL|unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o666)
	if err == nil {
		unix.Close(fd)
	} else if !errors.Is(err, unix.EEXIST) {
		return fail(err, "create mount point")
	}
	target, err := openat2(dev, "console", unix.O_PATH, unix.RESOLVE_BENEATH|unix.RESOLVE_NO_SYMLINKS)
	if err != nil {
		return fail(err, "open mount point")
	}
	defer unix.Close(target)
	var st unix.Stat_t
	if err := unix.Fstat(target, &st); err != nil {
		return fail(err, "")
	}
	if st.Mode&unix.S_IFMT == unix.S_IFDIR {
		return fail(unix.EISDIR, "")
	}
	raw, err := slave.SyscallConn()
	if err != nil {
		return fail(err, "")
	}
	var tree int
	var terr error
	if err := raw.Control(func(sfd uintptr) {
		tree, terr = unix.OpenTree(int(sfd), "", unix.OPEN_TREE_CLONE|unix.OPEN_TREE_CLOEXEC|unix.AT_EMPTY_PATH)
	}); err != nil {
		return fail(err, "")
	}
	runtime.KeepAlive(slave)
	if terr != nil {
		return fail(terr, "open_tree")
	}
	defer unix.Close(tree)
	if err := unix.MoveMount(tree, "", target, "", unix.MOVE_MOUNT_F_EMPTY_PATH|unix.MOVE_MOUNT_T_EMPTY_PATH); err != nil {
		return fail(fmt.Errorf("move_mount: %w", err), "")
	}
	return nil
}
