package libcontainer

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// sealedExe is a read-only handle on the runtime binary that a container
// can never write through (CVE-2019-5736): the init is exec'd from it by
// /proc/self/fd/N, so /proc/<init>/exe points at this handle, not at the
// binary's path on the host.
//
// The fast way is a detached, read-only overlayfs whose upper lower layer is
// the binary's directory (the second layer is a detached empty tmpfs,
// because overlayfs wants two lower layers when it has no upper one): the
// binary is opened through it, and any write through the handle fails with
// EROFS. No mount is ever attached to a path. When the kernel lacks the new
// mount API or overlayfs, a sealed memfd copy is used instead.
func sealedExe(path string) (*os.File, error) {
	if f, err := overlayExe(path); err == nil {
		return f, nil
	}
	return memfdExe(path)
}

func overlayExe(path string) (*os.File, error) {
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return nil, err
	}
	dir, base := filepath.Split(real)
	if strings.ContainsAny(dir, ":,\\") {
		return nil, errors.New("binary directory needs escaping")
	}
	empty, err := detachedMount("tmpfs", map[string]string{"size": "4k", "mode": "0555"}, unix.MOUNT_ATTR_RDONLY)
	if err != nil {
		return nil, err
	}
	defer unix.Close(empty)
	lower := filepath.Clean(dir) + ":/proc/self/fd/" + strconv.Itoa(empty)
	ovl, err := detachedMount("overlay", map[string]string{"lowerdir": lower},
		unix.MOUNT_ATTR_RDONLY|unix.MOUNT_ATTR_NODEV|unix.MOUNT_ATTR_NOSUID)
	if err != nil {
		return nil, err
	}
	defer unix.Close(ovl)
	fd, err := unix.Openat(ovl, base, unix.O_RDONLY|unix.O_CLOEXEC|unix.O_NOFOLLOW, 0)
	if err != nil {
		return nil, fmt.Errorf("open %s in overlay: %w", base, err)
	}
	return os.NewFile(uintptr(fd), "oci-run-sealed"), nil
}

// detachedMount creates a mount that is attached nowhere and returns its fd.
func detachedMount(fstype string, opts map[string]string, attrs int) (int, error) {
	fsfd, err := unix.Fsopen(fstype, unix.FSOPEN_CLOEXEC)
	if err != nil {
		return -1, fmt.Errorf("fsopen %s: %w", fstype, err)
	}
	defer unix.Close(fsfd)
	for k, v := range opts {
		if err := unix.FsconfigSetString(fsfd, k, v); err != nil {
			return -1, fmt.Errorf("fsconfig %s %s=%s: %w", fstype, k, v, err)
		}
	}
	if err := unix.FsconfigCreate(fsfd); err != nil {
		return -1, fmt.Errorf("fsconfig create %s: %w", fstype, err)
	}
	mfd, err := unix.Fsmount(fsfd, unix.FSMOUNT_CLOEXEC, attrs)
	if err != nil {
		return -1, fmt.Errorf("fsmount %s: %w", fstype, err)
	}
	return mfd, nil
}

func memfdExe(path string) (*os.File, error) {
	src, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("seal runtime binary: %w", err)
	}
	defer src.Close()
	fd, err := unix.MemfdCreate("oci-run-sealed", unix.MFD_CLOEXEC|unix.MFD_ALLOW_SEALING)
	if err != nil {
		return nil, fmt.Errorf("seal runtime binary: memfd_create: %w", err)
	}
	f := os.NewFile(uintptr(fd), "oci-run-sealed")
	if _, err := io.Copy(f, src); err != nil {
		f.Close()
		return nil, fmt.Errorf("seal runtime binary: copy: %w", err)
	}
	const seals = unix.F_SEAL_SEAL | unix.F_SEAL_SHRINK | unix.F_SEAL_GROW | unix.F_SEAL_WRITE
	if _, err := unix.FcntlInt(uintptr(fd), unix.F_ADD_SEALS, seals); err != nil {
		f.Close()
		return nil, fmt.Errorf("seal runtime binary: add seals: %w", err)
	}
	return f, nil
}
