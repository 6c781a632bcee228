package lsm

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// procRootIno is the inode number of the root directory of every procfs
// instance (PROC_ROOT_INO in the kernel).
const procRootIno = 1

// procOptions says where the procfs handle comes from. The zero value is not
// useful: use defaultProcOptions. Tests point root at other directories.
type procOptions struct {
	// root is the path opened when no private procfs can be made.
	root string
	// fsopen makes a private, detached procfs instance first (fsopen(2) +
	// fsmount(2)): no mount of the container can cover anything in it. It
	// needs CAP_SYS_ADMIN over the pid namespace's user namespace, and is
	// refused in a user namespace whose /proc has masked paths; then root is
	// used, with the checks below.
	fsopen bool
}

func defaultProcOptions() procOptions {
	return procOptions{root: "/proc", fsopen: true}
}

// ErrNotProcfs is wrapped by the errors that refuse a procfs handle.
var ErrNotProcfs = errors.New("not a verified procfs")

// openProcRoot returns an O_PATH handle on the root of a procfs instance and
// a name for it in messages.
func openProcRoot(opts procOptions) (int, string, error) {
	if opts.fsopen {
		if fd, err := privateProcfs(); err == nil {
			return fd, "private procfs", nil
		}
	}
	fd, err := unix.Open(opts.root, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, "", fmt.Errorf("open %s: %w", opts.root, err)
	}
	if err := checkProcRoot(fd, opts.root); err != nil {
		unix.Close(fd)
		return -1, "", err
	}
	return fd, opts.root, nil
}

// privateProcfs mounts a new procfs instance of our pid namespace, detached
// from every mount tree.
func privateProcfs() (int, error) {
	fsfd, err := unix.Fsopen("proc", unix.FSOPEN_CLOEXEC)
	if err != nil {
		return -1, err
	}
	defer unix.Close(fsfd)
	if err := unix.FsconfigCreate(fsfd); err != nil {
		return -1, err
	}
	mfd, err := unix.Fsmount(fsfd, unix.FSMOUNT_CLOEXEC,
		unix.MOUNT_ATTR_NOSUID|unix.MOUNT_ATTR_NODEV|unix.MOUNT_ATTR_NOEXEC)
	if err != nil {
		return -1, err
	}
	if err := checkProcRoot(mfd, "private procfs"); err != nil {
		unix.Close(mfd)
		return -1, err
	}
	return mfd, nil
}

// checkProcRoot verifies that fd is the root directory of a procfs: on
// procfs (not a tmpfs or a directory posing as /proc) and its root (not a
// bind mount of /proc/<pid> or another procfs directory over /proc).
func checkProcRoot(fd int, name string) error {
	var sfs unix.Statfs_t
	if err := unix.Fstatfs(fd, &sfs); err != nil {
		return fmt.Errorf("statfs %s: %w", name, err)
	}
	if sfs.Type != unix.PROC_SUPER_MAGIC {
		return fmt.Errorf("%s is %w (filesystem magic %#x): refusing to write security attributes through it",
			name, ErrNotProcfs, sfs.Type)
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return fmt.Errorf("stat %s: %w", name, err)
	}
	if st.Ino != procRootIno || st.Mode&unix.S_IFMT != unix.S_IFDIR {
		return fmt.Errorf("%s is %w root (inode %d): refusing to write security attributes through it",
			name, ErrNotProcfs, st.Ino)
	}
	return nil
}

// threadDir returns "<pid>/task/<tid>" for the calling thread, as the procfs
// behind root names it (its pid namespace may not be ours).
func threadDir(root int, name string) (string, error) {
	buf := make([]byte, 64)
	n, err := unix.Readlinkat(root, "thread-self", buf)
	if err != nil {
		return "", fmt.Errorf("readlink %s/thread-self: %w", name, err)
	}
	link := string(buf[:n])
	// Only the kernel's own form is accepted: a link made by someone else
	// (a symlink mounted over thread-self) cannot point anywhere else.
	parts := strings.Split(link, "/")
	if len(parts) != 3 || parts[1] != "task" || !isDecimal(parts[0]) || !isDecimal(parts[2]) {
		return "", fmt.Errorf("%s/thread-self points to %q, not <pid>/task/<tid>: %w", name, link, ErrNotProcfs)
	}
	return link, nil
}

func isDecimal(s string) bool {
	if s == "" || len(s) > 10 {
		return false
	}
	_, err := strconv.ParseUint(s, 10, 32)
	return err == nil && s[0] != '0'
}

// openThreadAttr opens the first of candidates (paths relative to the
// thread's directory, like "attr/exec") that exists, for writing, and
// returns it with its path for messages. The calling goroutine must be
// locked to its OS thread until it has written and closed the file.
//
// The path is resolved beneath the verified procfs root without following
// any symlink and without crossing any mount (RESOLVE_NO_XDEV): a file or
// directory mounted over the attribute, even one from another procfs
// instance or another procfs file (which a statfs check alone would accept),
// is refused. The opened file is then checked again to be on procfs.
func openThreadAttr(opts procOptions, candidates ...string) (*os.File, string, error) {
	root, name, err := openProcRoot(opts)
	if err != nil {
		return nil, "", err
	}
	defer unix.Close(root)
	dir, err := threadDir(root, name)
	if err != nil {
		return nil, "", err
	}
	how := &unix.OpenHow{
		Flags: unix.O_WRONLY | unix.O_CLOEXEC | unix.O_NOCTTY | unix.O_NOFOLLOW,
		Resolve: unix.RESOLVE_BENEATH | unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS |
			unix.RESOLVE_NO_XDEV,
	}
	var lastErr error
	for _, c := range candidates {
		rel := dir + "/" + c
		display := name + "/" + rel
		fd, err := unix.Openat2(root, rel, how)
		if errors.Is(err, unix.ENOENT) {
			lastErr = fmt.Errorf("open %s: %w", display, err)
			continue
		}
		if errors.Is(err, unix.EXDEV) {
			return nil, "", fmt.Errorf("open %s: a mount covers the path (%w); refusing to write security attributes through it: %w",
				display, err, ErrNotProcfs)
		}
		if err != nil {
			return nil, "", fmt.Errorf("open %s: %w", display, err)
		}
		f := os.NewFile(uintptr(fd), display)
		if err := checkProcFile(fd, display); err != nil {
			f.Close()
			return nil, "", err
		}
		return f, display, nil
	}
	if lastErr == nil {
		lastErr = errors.New("no attribute file named")
	}
	return nil, "", lastErr
}

// checkProcFile verifies an opened attribute file: a regular file on procfs.
func checkProcFile(fd int, name string) error {
	var sfs unix.Statfs_t
	if err := unix.Fstatfs(fd, &sfs); err != nil {
		return fmt.Errorf("statfs %s: %w", name, err)
	}
	if sfs.Type != unix.PROC_SUPER_MAGIC {
		return fmt.Errorf("%s is %w (filesystem magic %#x) after opening: refusing to write to it",
			name, ErrNotProcfs, sfs.Type)
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return fmt.Errorf("stat %s: %w", name, err)
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG {
		return fmt.Errorf("%s is not a regular file (mode %#o): %w", name, st.Mode, ErrNotProcfs)
	}
	return nil
}

// writeThreadAttr writes value to the first existing candidate attribute of
// the calling thread, in one write(2), as the kernel requires.
func writeThreadAttr(opts procOptions, value string, candidates ...string) error {
	f, name, err := openThreadAttr(opts, candidates...)
	if err != nil {
		return err
	}
	defer f.Close()
	n, err := f.Write([]byte(value))
	if err != nil {
		return fmt.Errorf("write %q to %s: %w", value, name, err)
	}
	if n != len(value) {
		return fmt.Errorf("write %q to %s: short write (%d of %d bytes)", value, name, n, len(value))
	}
	return nil
}
