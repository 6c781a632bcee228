package rootfs

import (
	"errors"
	"fmt"
	"path/filepath"

	"golang.org/x/sys/unix"

	"github.com/oci-run/oci-run/libcontainer/configs"
)

// devSymlinks are the standard /dev links, name -> target.
var devSymlinks = [][2]string{
	{"fd", "/proc/self/fd"},
	{"stdin", "/proc/self/fd/0"},
	{"stdout", "/proc/self/fd/1"},
	{"stderr", "/proc/self/fd/2"},
}

// needsDevSetup reports whether /dev is ours to populate: not when the
// config bind-mounts something onto /dev itself.
func needsDevSetup(cfg *configs.Config) bool {
	for _, m := range cfg.Mounts {
		if m.IsBind() && filepath.Clean("/"+m.Destination) == "/dev" {
			return false
		}
	}
	return true
}

// openDev opens the container's /dev (creating it if missing), refusing it
// if it is a symlink.
func openDev(r *root) (int, error) {
	fd, err := r.openNoSymlinks("/dev", unix.O_PATH|unix.O_DIRECTORY)
	if errors.Is(err, unix.ENOENT) {
		if err = unix.Mkdirat(r.fd, "dev", 0o755); err == nil || errors.Is(err, unix.EEXIST) {
			fd, err = r.openNoSymlinks("/dev", unix.O_PATH|unix.O_DIRECTORY)
		}
	}
	if errors.Is(err, unix.ELOOP) || errors.Is(err, unix.ENOTDIR) {
		return -1, ErrDevSymlink
	}
	return fd, err
}

// setupDev creates the configured devices, the /dev symlinks and the ptmx
// link to pts/ptmx, all through the descriptor of the container's /dev.
func (p *preparer) setupDev() error {
	dev, err := openDev(p.root)
	if err != nil {
		return mountErr("device", "", "/dev", "", err, "")
	}
	defer unix.Close(dev)
	old := unix.Umask(0)
	defer unix.Umask(old)
	userns := p.cfg.Namespaces.Contains(configs.NEWUSER)
	for _, d := range p.cfg.Devices {
		if err := p.createDevice(dev, d, userns); err != nil {
			return mountErr("device", "", d.Path, string(rune(d.Type)), err, "")
		}
	}
	links := devSymlinks
	var st unix.Stat_t
	if unix.Stat("/proc/kcore", &st) == nil {
		links = append(links[:len(links):len(links)], [2]string{"core", "/proc/kcore"})
	}
	for _, l := range links {
		if err := unix.Symlinkat(l[1], dev, l[0]); err != nil && !errors.Is(err, unix.EEXIST) {
			return mountErr("symlink", l[1], "/dev/"+l[0], "", err, "")
		}
	}
	return setupPtmx(dev)
}

// setupPtmx replaces /dev/ptmx with a link to the devpts instance's ptmx.
func setupPtmx(dev int) error {
	if err := unix.Unlinkat(dev, "ptmx", 0); err != nil && !errors.Is(err, unix.ENOENT) {
		return mountErr("symlink", "pts/ptmx", "/dev/ptmx", "", err, "remove old ptmx")
	}
	if err := unix.Symlinkat("pts/ptmx", dev, "ptmx"); err != nil {
		return mountErr("symlink", "pts/ptmx", "/dev/ptmx", "", err, "")
	}
	return nil
}

// deviceMode returns the mknod mode of d: file type bits and permissions
// (0666 when the config gives none).
func deviceMode(d *configs.Device) (uint32, error) {
	perm := uint32(d.FileMode.Perm())
	if perm == 0 {
		perm = 0o666
	}
	switch d.Type {
	case configs.CharDevice:
		return unix.S_IFCHR | perm, nil
	case configs.BlockDevice:
		return unix.S_IFBLK | perm, nil
	case configs.FifoDevice:
		return unix.S_IFIFO | perm, nil
	}
	return 0, fmt.Errorf("unknown device type %q", string(rune(d.Type)))
}

// createDevice makes one device node: with mknodat in its parent directory,
// or, in a user namespace (where mknod is not permitted), by bind-mounting
// the host's node onto an empty file. Devices under /dev use the /dev
// descriptor; others are resolved inside the rootfs.
func (p *preparer) createDevice(dev int, d *configs.Device, userns bool) error {
	path := filepath.Clean("/" + d.Path)
	dir, name := filepath.Split(path)
	if name == "" || path == "/dev" {
		return fmt.Errorf("invalid device path %q", d.Path)
	}
	parent := dev
	if filepath.Clean(dir) != "/dev" {
		fd, err := p.root.resolveCreate(dir, kindDir)
		if err != nil {
			return err
		}
		defer unix.Close(fd)
		parent = fd
	}
	mode, err := deviceMode(d)
	if err != nil {
		return err
	}
	if userns {
		return bindDevice(parent, name, path, d, mode)
	}
	rdev := int(unix.Mkdev(uint32(d.Major), uint32(d.Minor)))
	err = unix.Mknodat(parent, name, mode, rdev)
	if errors.Is(err, unix.EEXIST) {
		// Replace whatever the image put there.
		if err = unix.Unlinkat(parent, name, 0); err == nil {
			err = unix.Mknodat(parent, name, mode, rdev)
		}
	}
	if err != nil {
		return fmt.Errorf("mknod: %w", err)
	}
	if err := unix.Fchownat(parent, name, int(d.UID), int(d.GID), unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return fmt.Errorf("chown: %w", err)
	}
	return nil
}

// bindDevice bind-mounts the host's node at path onto an empty file created
// in parent, after checking the host node is the configured device.
func bindDevice(parent int, name, path string, d *configs.Device, mode uint32) error {
	src, err := unix.Open(path, unix.O_PATH|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("open host device: %w", err)
	}
	defer unix.Close(src)
	var st unix.Stat_t
	if err := unix.Fstat(src, &st); err != nil {
		return err
	}
	if st.Mode&unix.S_IFMT != mode&unix.S_IFMT ||
		(d.Type != configs.FifoDevice && (int64(unix.Major(st.Rdev)) != d.Major || int64(unix.Minor(st.Rdev)) != d.Minor)) {
		return fmt.Errorf("host %s is not device %c %d:%d", path, d.Type, d.Major, d.Minor)
	}
	fd, err := unix.Openat(parent, name, unix.O_CREAT|unix.O_EXCL|unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o644)
	if err == nil {
		unix.Close(fd)
	} else if !errors.Is(err, unix.EEXIST) {
		return fmt.Errorf("create mount point: %w", err)
	}
	target, err := openat2(parent, name, unix.O_PATH, unix.RESOLVE_BENEATH|unix.RESOLVE_NO_SYMLINKS)
	if err != nil {
		return err
	}
	defer unix.Close(target)
	return attachBind(src, target, &configs.Mount{Flags: unix.MS_BIND})
}
