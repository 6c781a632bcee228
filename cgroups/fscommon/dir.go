package fscommon

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// Dir is one cgroup directory, reached from its hierarchy's mount point.
// Every file is opened with openat2(RESOLVE_BENEATH|RESOLVE_NO_MAGICLINKS)
// relative to the mount point, so a symlink or ".." planted in the tree
// cannot lead a write outside the hierarchy.
type Dir struct {
	// Mount is the absolute path of the hierarchy's mount point.
	Mount string
	// Rel is the cgroup below Mount, cleaned, without a leading "/"; ""
	// is the root cgroup.
	Rel string
}

// NewDir makes a Dir for the cgroup at mount + path (path is relative to
// the mount, with or without a leading "/").
func NewDir(mount, path string) (Dir, error) {
	rel, err := RelPath(path)
	if err != nil {
		return Dir{}, err
	}
	return Dir{Mount: filepath.Clean(mount), Rel: rel}, nil
}

// DirFromPath splits an absolute cgroup directory into mount and Rel; path
// must be mount itself or below it.
func DirFromPath(mount, path string) (Dir, error) {
	mount = filepath.Clean(mount)
	path = filepath.Clean(path)
	if path == mount {
		return Dir{Mount: mount}, nil
	}
	if !strings.HasPrefix(path, mount+"/") {
		return Dir{}, fmt.Errorf("cgroup path %s is not below %s: %w", path, mount, ErrInvalid)
	}
	return NewDir(mount, path[len(mount):])
}

// Path is the absolute path of the directory.
func (d Dir) Path() string {
	if d.Rel == "" {
		return d.Mount
	}
	return d.Mount + "/" + d.Rel
}

// File is the absolute path of one file in the directory (for messages).
func (d Dir) File(name string) string { return d.Path() + "/" + name }

// Parent returns the parent cgroup; ok is false for the root.
func (d Dir) Parent() (Dir, bool) {
	if d.Rel == "" {
		return d, false
	}
	p := filepath.Dir(d.Rel)
	if p == "." {
		p = ""
	}
	return Dir{Mount: d.Mount, Rel: p}, true
}

// Child returns the sub-cgroup name (a single path element).
func (d Dir) Child(name string) (Dir, error) {
	if err := ValidName(name); err != nil {
		return Dir{}, err
	}
	if d.Rel == "" {
		return Dir{Mount: d.Mount, Rel: name}, nil
	}
	return Dir{Mount: d.Mount, Rel: d.Rel + "/" + name}, nil
}

const resolveFlags = unix.RESOLVE_BENEATH | unix.RESOLVE_NO_MAGICLINKS

// openMount opens the mount point itself as an O_PATH directory.
func (d Dir) openMount() (int, error) {
	for {
		fd, err := unix.Open(d.Mount, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return -1, &FileError{Op: "open", Path: d.Mount, Err: err}
		}
		return fd, nil
	}
}

// openBeneath opens rel (relative to the mount) with openat2 and the
// resolve flags; it retries on EAGAIN/EINTR.
func openBeneath(mountFd int, rel string, flags int) (int, error) {
	if rel == "" {
		rel = "."
	}
	how := &unix.OpenHow{Flags: uint64(flags | unix.O_CLOEXEC), Resolve: resolveFlags}
	var err error
	for range 16 {
		var fd int
		fd, err = unix.Openat2(mountFd, rel, how)
		if err == nil {
			return fd, nil
		}
		if err != unix.EAGAIN && err != unix.EINTR {
			break
		}
	}
	return -1, err
}

func (d Dir) relName(name string) string {
	if d.Rel == "" {
		return name
	}
	return d.Rel + "/" + name
}

// Open opens one file of the cgroup.
func (d Dir) Open(name string, flags int) (*os.File, error) {
	if err := ValidName(name); err != nil {
		return nil, err
	}
	mfd, err := d.openMount()
	if err != nil {
		return nil, err
	}
	defer unix.Close(mfd)
	fd, err := openBeneath(mfd, d.relName(name), flags)
	if err != nil {
		return nil, &FileError{Op: "open", Path: d.File(name), Err: err}
	}
	return os.NewFile(uintptr(fd), d.File(name)), nil
}

// OpenDir opens the cgroup directory itself (O_RDONLY|O_DIRECTORY), e.g.
// to attach a BPF program or list children.
func (d Dir) OpenDir() (*os.File, error) {
	mfd, err := d.openMount()
	if err != nil {
		return nil, err
	}
	defer unix.Close(mfd)
	fd, err := openBeneath(mfd, d.Rel, unix.O_RDONLY|unix.O_DIRECTORY)
	if err != nil {
		return nil, &FileError{Op: "open", Path: d.Path(), Err: err}
	}
	return os.NewFile(uintptr(fd), d.Path()), nil
}

// Exists reports whether the directory exists.
func (d Dir) Exists() bool {
	f, err := d.OpenDir()
	if err != nil {
		return false
	}
	f.Close()
	return true
}

// Has reports whether the cgroup has the file (a kernel feature check).
func (d Dir) Has(name string) bool {
	f, err := d.Open(name, unix.O_PATH)
	if err != nil {
		return false
	}
	f.Close()
	return true
}

// MkdirAll creates the cgroup and any missing parents, each step below the
// mount. It returns the directories it created, outermost first.
func (d Dir) MkdirAll() ([]Dir, error) {
	mfd, err := d.openMount()
	if err != nil {
		return nil, err
	}
	defer unix.Close(mfd)
	if d.Rel == "" {
		return nil, nil
	}
	var created []Dir
	cur := ""
	for _, elem := range strings.Split(d.Rel, "/") {
		if err := ValidName(elem); err != nil {
			return created, err
		}
		if cur == "" {
			cur = elem
		} else {
			cur += "/" + elem
		}
		parent, err := openBeneath(mfd, filepath.Dir(cur), unix.O_PATH|unix.O_DIRECTORY)
		if err != nil {
			return created, &FileError{Op: "mkdir", Path: d.Mount + "/" + cur, Err: err}
		}
		err = unix.Mkdirat(parent, elem, 0o755)
		unix.Close(parent)
		switch {
		case err == nil:
			created = append(created, Dir{Mount: d.Mount, Rel: cur})
		case errors.Is(err, unix.EEXIST):
		default:
			return created, &FileError{Op: "mkdir", Path: d.Mount + "/" + cur, Err: err}
		}
	}
	// The last element must be a directory we can open beneath the mount
	// (not a symlink planted out of the tree).
	fd, err := openBeneath(mfd, d.Rel, unix.O_PATH|unix.O_DIRECTORY|unix.O_NOFOLLOW)
	if err != nil {
		return created, &FileError{Op: "mkdir", Path: d.Path(), Err: err}
	}
	unix.Close(fd)
	return created, nil
}

// Rmdir removes the directory (not its children). A missing directory is
// not an error.
func (d Dir) Rmdir() error {
	parent, ok := d.Parent()
	if !ok {
		return fmt.Errorf("%s: refusing to remove a hierarchy root: %w", d.Path(), ErrInvalid)
	}
	mfd, err := d.openMount()
	if err != nil {
		return err
	}
	defer unix.Close(mfd)
	pfd := mfd // a top-level cgroup's parent is the mount itself
	if parent.Rel != "" {
		pfd, err = openBeneath(mfd, parent.Rel, unix.O_PATH|unix.O_DIRECTORY)
		if errors.Is(err, unix.ENOENT) {
			return nil
		}
		if err != nil {
			return &FileError{Op: "remove", Path: d.Path(), Err: err}
		}
		defer unix.Close(pfd)
	}
	err = unix.Unlinkat(pfd, filepath.Base(d.Rel), unix.AT_REMOVEDIR)
	if err != nil && !errors.Is(err, unix.ENOENT) {
		return &FileError{Op: "remove", Path: d.Path(), Err: err}
	}
	return nil
}

// Children lists the sub-cgroups (one level).
func (d Dir) Children() ([]Dir, error) {
	f, err := d.OpenDir()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	ents, err := f.ReadDir(-1)
	if err != nil {
		return nil, &FileError{Op: "read", Path: d.Path(), Err: err}
	}
	var out []Dir
	for _, e := range ents {
		if !e.IsDir() {
			continue
		}
		c, err := d.Child(e.Name())
		if err != nil {
			continue
		}
		out = append(out, c)
	}
	return out, nil
}
