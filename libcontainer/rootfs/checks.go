package rootfs

import (
	"errors"
	"slices"

	"golang.org/x/sys/unix"
)

// procAllowList are the only paths under /proc that may be mount
// destinations: the files lxcfs emulates, plus two that runc allows.
var procAllowList = []string{
	"/proc/cpuinfo",
	"/proc/diskstats",
	"/proc/meminfo",
	"/proc/stat",
	"/proc/swaps",
	"/proc/uptime",
	"/proc/loadavg",
	"/proc/slabinfo",
	"/proc/sys/kernel/ns_last_pid",
	"/proc/sys/crypto/fips_enabled",
}

// checkProcDest refuses a mount whose resolved destination (a container path)
// is inside /proc, unless it is an allow-listed file. A mount on /proc itself
// is allowed, but when it is a bind mount its source must be a procfs.
func checkProcDest(dest string, isBind bool, srcFd int) error {
	if !isUnder(dest, "/proc") {
		return nil
	}
	if dest == "/proc" {
		if !isBind {
			return nil
		}
		var st unix.Statfs_t
		if err := unix.Fstatfs(srcFd, &st); err != nil {
			return err
		}
		if st.Type != unix.PROC_SUPER_MAGIC {
			return ErrNotProc
		}
		return nil
	}
	if slices.Contains(procAllowList, dest) {
		return nil
	}
	return ErrProcDest
}

// checkProcDestLexical refuses early a destination that is under /proc as
// written, before anything is resolved or created for it.
func checkProcDestLexical(dest string) error {
	if dest == "/proc" || !isUnder(dest, "/proc") || slices.Contains(procAllowList, dest) {
		return nil
	}
	return ErrProcDest
}

// openRealDir opens p beneath the root as a directory, creating it if it is
// missing, and refuses it if any component is a symlink (procfs and sysfs
// destinations: CVE-2019-16884, CVE-2019-19921).
func (r *root) openRealDir(p string) (int, error) {
	fd, err := r.openNoSymlinks(p, unix.O_PATH|unix.O_DIRECTORY)
	if errors.Is(err, unix.ENOENT) {
		var cfd int
		cfd, err = r.walkCreate(p, kindDir)
		if err == nil {
			unix.Close(cfd)
			fd, err = r.openNoSymlinks(p, unix.O_PATH|unix.O_DIRECTORY)
		}
	}
	if errors.Is(err, unix.ELOOP) {
		return -1, ErrSymlinkDest
	}
	return fd, err
}
