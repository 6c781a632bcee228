package rootfs

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// maxSymlinks bounds symlink expansions in one resolution, like the kernel's
// MAXSYMLINKS.
const maxSymlinks = 40

// kind is what resolveCreate makes when the last component is missing.
type kind int

const (
	kindDir kind = iota
	kindFile
)

// root is an O_PATH handle on a directory that paths are resolved inside of,
// as if it were "/". path is the directory's host path, for messages and for
// turning a resolved descriptor back into a container path.
type root struct {
	fd   int
	path string
}

// openRoot opens dir as a root handle.
func openRoot(dir string) (*root, error) {
	fd, err := unix.Open(dir, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &MountError{Op: "open root", Dest: dir, Err: err}
	}
	return &root{fd: fd, path: dir}, nil
}

func (r *root) close() { unix.Close(r.fd) }

// rel turns a container path into a path relative to the root: cleaned,
// without the leading slash, "." for the root itself.
func rel(p string) string {
	c := filepath.Clean("/" + p)
	if c == "/" {
		return "."
	}
	return c[1:]
}

// openat2 retries openat2(2) on EINTR and EAGAIN (the latter is returned
// when a rename raced with a scoped resolution).
func openat2(dirfd int, path string, flags int, resolve uint64) (int, error) {
	how := unix.OpenHow{Flags: uint64(flags | unix.O_CLOEXEC), Resolve: resolve}
	var err error
	for i := 0; i < 32; i++ {
		var fd int
		fd, err = unix.Openat2(dirfd, path, &how)
		if err == nil {
			return fd, nil
		}
		if !errors.Is(err, unix.EINTR) && !errors.Is(err, unix.EAGAIN) {
			break
		}
	}
	return -1, err
}

// open resolves p inside the root, following symlinks as if the root were
// "/" (RESOLVE_IN_ROOT) but refusing magic links, and opens it with flags.
func (r *root) open(p string, flags int) (int, error) {
	return openat2(r.fd, rel(p), flags, unix.RESOLVE_IN_ROOT|unix.RESOLVE_NO_MAGICLINKS)
}

// openNoSymlinks opens p beneath the root, refusing any symlink on the way
// (ELOOP).
func (r *root) openNoSymlinks(p string, flags int) (int, error) {
	return openat2(r.fd, rel(p), flags, unix.RESOLVE_BENEATH|unix.RESOLVE_NO_SYMLINKS)
}

// resolveCreate resolves p inside the root like open, creating what is
// missing: directories (0755) for intermediate components and a directory or
// an empty regular file (0644) for the last one, according to k. Every step
// is relative to its parent's descriptor; symlinks met on the way are
// expanded by hand, scoped to the root, so a dangling symlink to
// "/../../x" creates x inside the root. It returns an O_PATH descriptor of
// the result.
func (r *root) resolveCreate(p string, k kind) (int, error) {
	fd, err := r.open(p, unix.O_PATH)
	if err == nil || !errors.Is(err, unix.ENOENT) {
		return fd, err
	}
	return r.walkCreate(p, k)
}

// dupFd duplicates fd with close-on-exec.
func dupFd(fd int) (int, error) {
	return unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 0)
}

func splitPath(p string) []string {
	var out []string
	for _, c := range strings.Split(p, "/") {
		if c != "" && c != "." {
			out = append(out, c)
		}
	}
	return out
}

// walkCreate is the slow path of resolveCreate: one component at a time.
// stack holds the descriptors of the directories from the root (stack[0])
// to the current one, so ".." pops and can never climb above the root.
func (r *root) walkCreate(p string, k kind) (int, error) {
	first, err := dupFd(r.fd)
	if err != nil {
		return -1, err
	}
	stack := []int{first}
	defer func() {
		for _, fd := range stack {
			unix.Close(fd)
		}
	}()
	todo := splitPath(p)
	links := 0
	for len(todo) > 0 {
		name := todo[0]
		todo = todo[1:]
		cur := stack[len(stack)-1]
		if name == ".." {
			if len(stack) > 1 {
				unix.Close(cur)
				stack = stack[:len(stack)-1]
			}
			continue
		}
		last := len(todo) == 0
		var st unix.Stat_t
		err := unix.Fstatat(cur, name, &st, unix.AT_SYMLINK_NOFOLLOW)
		switch {
		case err == nil && st.Mode&unix.S_IFMT == unix.S_IFLNK:
			links++
			if links > maxSymlinks {
				return -1, unix.ELOOP
			}
			target, err := readlinkat(cur, name)
			if err != nil {
				return -1, err
			}
			if strings.HasPrefix(target, "/") {
				for _, fd := range stack[1:] {
					unix.Close(fd)
				}
				stack = stack[:1]
			}
			todo = append(splitPath(target), todo...)
			continue
		case errors.Is(err, unix.ENOENT):
			if last && k == kindFile {
				nfd, err := unix.Openat(cur, name, unix.O_CREAT|unix.O_EXCL|unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o644)
				if err == nil {
					unix.Close(nfd)
				} else if !errors.Is(err, unix.EEXIST) {
					return -1, fmt.Errorf("create %s: %w", name, err)
				}
			} else if err := unix.Mkdirat(cur, name, 0o755); err != nil && !errors.Is(err, unix.EEXIST) {
				return -1, fmt.Errorf("mkdir %s: %w", name, err)
			}
		case err != nil:
			return -1, err
		}
		// Open what is there now; a symlink swapped in meanwhile is refused.
		nfd, err := openat2(cur, name, unix.O_PATH, unix.RESOLVE_BENEATH|unix.RESOLVE_NO_SYMLINKS)
		if err != nil {
			return -1, err
		}
		if last {
			return nfd, nil
		}
		if err := unix.Fstat(nfd, &st); err != nil {
			unix.Close(nfd)
			return -1, err
		}
		if st.Mode&unix.S_IFMT != unix.S_IFDIR {
			unix.Close(nfd)
			return -1, fmt.Errorf("%s: %w", name, unix.ENOTDIR)
		}
		stack = append(stack, nfd)
	}
	// The path ended on a directory already in the stack ("/", "..").
	return dupFd(stack[len(stack)-1])
}

func readlinkat(dirfd int, name string) (string, error) {
	for size := 256; ; size *= 2 {
		buf := make([]byte, size)
		n, err := unix.Readlinkat(dirfd, name, buf)
		if err != nil {
			return "", err
		}
		if n < size {
			return string(buf[:n]), nil
		}
	}
}

// containerPath returns the path of a descriptor inside the root, using the
// kernel's view (/proc/thread-self/fd). It is only meaningful before
// pivot_root, while the host's /proc is visible.
func (r *root) containerPath(fd int) (string, error) {
	link, err := readlinkat(unix.AT_FDCWD, fmt.Sprintf("/proc/thread-self/fd/%d", fd))
	if err != nil {
		return "", err
	}
	if r.path == "/" {
		return link, nil
	}
	if link == r.path {
		return "/", nil
	}
	if !strings.HasPrefix(link, r.path+"/") {
		return "", fmt.Errorf("resolved path %q is outside the rootfs %q", link, r.path)
	}
	return strings.TrimPrefix(link, r.path), nil
}
