package rootfs

import (
	"path/filepath"

	"golang.org/x/sys/unix"

	"github.com/oci-run/oci-run/libcontainer/configs"
)

// Finalize runs after Prepare (after pivot_root) and after ApplySysctls:
// it makes cfg.ReadonlyPaths read-only, masks cfg.MaskPaths, remounts /dev
// read-only if its mount asked for "ro", and makes "/" read-only when
// cfg.Readonlyfs. Paths are resolved inside the (new) root.
func Finalize(cfg *configs.Config) error {
	r, err := openRoot("/")
	if err != nil {
		return err
	}
	defer r.close()
	for _, p := range cfg.ReadonlyPaths {
		if err := readonlyPath(r, p); err != nil {
			return err
		}
	}
	for _, p := range cfg.MaskPaths {
		if err := maskPath(r, p); err != nil {
			return err
		}
	}
	if devReadonly(cfg) {
		fd, err := r.openNoSymlinks("/dev", unix.O_PATH|unix.O_DIRECTORY)
		if err != nil {
			return mountErr("remount", "", "/dev", "", err, "")
		}
		defer unix.Close(fd)
		if err := setAttr(fd, 0, unix.MountAttr{Attr_set: unix.MOUNT_ATTR_RDONLY}); err != nil {
			return mountErr("remount", "", "/dev", "", err, "read-only")
		}
	}
	if cfg.Readonlyfs {
		if err := setAttr(r.fd, 0, unix.MountAttr{Attr_set: unix.MOUNT_ATTR_RDONLY}); err != nil {
			return mountErr("remount", "", "/", "", err, "read-only")
		}
	}
	return nil
}

// devReadonly reports whether a non-bind mount on /dev asked for "ro" (it
// was mounted read-write so that devices could be created).
func devReadonly(cfg *configs.Config) bool {
	for _, m := range cfg.Mounts {
		if !m.IsBind() && filepath.Clean("/"+m.Destination) == "/dev" && m.Flags&unix.MS_RDONLY != 0 {
			return true
		}
	}
	return false
}
