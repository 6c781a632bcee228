package rootfs

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// openProc opens path as an O_PATH directory handle and verifies that it is
// the root of a procfs (fstatfs says PROC_SUPER_MAGIC and the inode is the
// procfs root's, 1), so that writes made beneath it really reach the kernel
// (CVE-2025-52881).
func openProc(path string) (int, error) {
	fd, err := unix.Open(path, unix.O_PATH|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, err
	}
	if err := verifyProcfs(fd, true); err != nil {
		unix.Close(fd)
		return -1, fmt.Errorf("%s: %w", path, err)
	}
	return fd, nil
}

// verifyProcfs checks that fd is on a procfs, and when isRoot, that it is the
// filesystem's root directory.
func verifyProcfs(fd int, isRoot bool) error {
	var sfs unix.Statfs_t
	if err := unix.Fstatfs(fd, &sfs); err != nil {
		return err
	}
	if sfs.Type != unix.PROC_SUPER_MAGIC {
		return ErrNotProcfs
	}
	if isRoot {
		var st unix.Stat_t
		if err := unix.Fstat(fd, &st); err != nil {
			return err
		}
		if st.Ino != 1 {
			return fmt.Errorf("%w (not the root of a procfs)", ErrNotProcfs)
		}
	}
	return nil
}
