package rootfs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"

	"golang.org/x/sys/unix"

	"github.com/oci-run/oci-run/libcontainer/configs"
)

// Options are the caller-provided parts of Prepare.
type Options struct {
	// CgroupPaths: the container's cgroup dirs by controller (v1) or ""
	// (v2), for cgroup mounts without a cgroup namespace. Named v1
	// hierarchies may be keyed "name=systemd" or "systemd".
	CgroupPaths map[string]string
	// CreateContainer runs after all mounts and devices, before pivot_root
	// (createContainer hooks; may be nil). The working directory is the
	// rootfs when it runs.
	CreateContainer func() error
	// BeforeCgroupMount, if set, runs before the first cgroup mount (the
	// caller joins its cgroup namespace there, once the parent has put the
	// init in its cgroup).
	BeforeCgroupMount func() error
	// BeforeDevices, if set, runs before the device nodes are made: a
	// device cgroup being set up meanwhile (v1 denies everything before
	// it allows the listed devices) could refuse the mknod.
	BeforeDevices func() error
	// MountLabel, if set, returns the mount data with the security label
	// added for filesystems that take one (SELinux context=).
	MountLabel func(fstype, data string) string
	// IDMappedTrees maps the index of a mount in cfg.Mounts to the fd of
	// its idmapped source tree, made on the host side by IDMappedTree (a
	// user namespace's init cannot make one with host ids itself).
	IDMappedTrees map[int]int
	// Logger receives debug records of each step; nil discards.
	Logger *slog.Logger
}

// discard is a logger that drops everything.
func discard() *slog.Logger { return slog.New(discardHandler{}) }

type discardHandler struct{}

func (discardHandler) Enabled(context.Context, slog.Level) bool  { return false }
func (discardHandler) Handle(context.Context, slog.Record) error { return nil }
func (d discardHandler) WithAttrs([]slog.Attr) slog.Handler      { return d }
func (d discardHandler) WithGroup(string) slog.Handler           { return d }

// Prepare sets up the container's root filesystem and makes it the root:
// root propagation (/ made rslave, or cfg.RootPropagation, then the rootfs
// bound onto itself), every mount of cfg.Mounts in order, devices, the /dev
// symlinks and ptmx (unless /dev is a bind mount), then
// opts.CreateContainer, then pivot_root (chroot when cfg.NoPivotRoot) and
// chdir("/"), and last cfg.RootPropagation on the new "/".
//
// It must run in the container's own mount namespace (cfg.Namespaces must
// contain NEWNS) with the host's /proc visible, on a locked OS thread.
// Errors are *MountError values naming the mount.
func Prepare(cfg *configs.Config, opts Options) error {
	log := opts.Logger
	if log == nil {
		log = discard()
	}
	if !cfg.Namespaces.Contains(configs.NEWNS) {
		return errors.New("rootfs: a mount namespace is required to set up the rootfs")
	}
	if !filepath.IsAbs(cfg.Rootfs) {
		return fmt.Errorf("rootfs: rootfs path %q is not absolute", cfg.Rootfs)
	}
	rootfs, err := filepath.EvalSymlinks(cfg.Rootfs)
	if err != nil {
		return fmt.Errorf("rootfs: resolve %s: %w", cfg.Rootfs, err)
	}
	if rootfs == "/" {
		return errors.New("rootfs: the rootfs cannot be the host's /")
	}
	if err := checkHostProc(); err != nil {
		return err
	}
	if err := prepareRoot(rootfs, cfg.RootPropagation); err != nil {
		return err
	}
	r, err := openRoot(rootfs)
	if err != nil {
		return err
	}
	defer r.close()
	p := &preparer{cfg: cfg, opts: opts, log: log, root: r}
	for i, m := range cfg.Mounts {
		p.index = i
		if err := p.mount(m); err != nil {
			return err
		}
	}
	if needsDevSetup(cfg) {
		if opts.BeforeDevices != nil {
			if err := opts.BeforeDevices(); err != nil {
				return err
			}
		}
		if err := p.setupDev(); err != nil {
			return err
		}
	}
	if err := unix.Fchdir(r.fd); err != nil {
		return fmt.Errorf("rootfs: chdir to rootfs: %w", err)
	}
	if opts.CreateContainer != nil {
		if err := opts.CreateContainer(); err != nil {
			return fmt.Errorf("rootfs: createContainer hooks: %w", err)
		}
	}
	if cfg.NoPivotRoot {
		err = moveRoot(rootfs)
	} else {
		err = pivotRoot(rootfs)
	}
	if err != nil {
		return err
	}
	if cfg.RootPropagation != 0 {
		if err := unix.Mount("", "/", "", uintptr(cfg.RootPropagation), ""); err != nil {
			return mountErr("mount", "", "/", "", err, "set root propagation")
		}
	}
	log.Debug("rootfs prepared", "rootfs", rootfs, "pivot_root", !cfg.NoPivotRoot)
	return nil
}

// checkHostProc verifies that /proc, which Prepare uses to name resolved
// descriptors and read the mount table, is a procfs.
func checkHostProc() error {
	fd, err := openProc("/proc")
	if err != nil {
		return fmt.Errorf("rootfs: host /proc: %w", err)
	}
	unix.Close(fd)
	return nil
}
