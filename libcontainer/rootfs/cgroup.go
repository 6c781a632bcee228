package rootfs

import (
	"errors"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/oci-run/oci-run/libcontainer/configs"
)

// cgroupRoot is where the host's cgroup hierarchies are mounted.
const cgroupRoot = "/sys/fs/cgroup"

// cgroupHierarchy is one hierarchy mounted directly under /sys/fs/cgroup.
type cgroupHierarchy struct {
	// Name is the mountpoint's base name: "memory", "cpu,cpuacct",
	// "systemd", "unified".
	Name string
	// V2 marks the cgroup2 hierarchy of a hybrid layout.
	V2 bool
	// Keys are the names Options.CgroupPaths may use for it: the
	// controllers and "name=X"/"X" for named hierarchies; "" for cgroup2.
	Keys []string
	// Data is the option string to mount the hierarchy in a cgroup
	// namespace ("cpu,cpuacct", "name=systemd").
	Data string
}

// cgroupLayout is the host's cgroup setup, as seen in the mount table.
type cgroupLayout struct {
	// Unified: /sys/fs/cgroup itself is cgroup2.
	Unified     bool
	Hierarchies []cgroupHierarchy
}

// readCgroupLayout inspects the current mount table (before pivot_root, the
// host's, copied into the container's mount namespace).
func readCgroupLayout() (*cgroupLayout, error) {
	mounts, err := readMountinfo()
	if err != nil {
		return nil, err
	}
	l := &cgroupLayout{}
	index := map[string]int{}
	for _, m := range mounts {
		if m.Mountpoint == cgroupRoot && m.FSType == "cgroup2" {
			l.Unified = true
		}
		if filepath.Dir(m.Mountpoint) != cgroupRoot {
			continue
		}
		h := cgroupHierarchy{Name: filepath.Base(m.Mountpoint)}
		switch m.FSType {
		case "cgroup2":
			h.V2 = true
			h.Keys = []string{"", "unified"}
		case "cgroup":
			var data []string
			for _, o := range strings.Split(m.SuperOpts, ",") {
				switch {
				case o == "rw" || o == "ro" || strings.HasPrefix(o, "release_agent="):
					continue
				case strings.HasPrefix(o, "name="):
					h.Keys = append(h.Keys, o, strings.TrimPrefix(o, "name="))
				}
				data = append(data, o)
			}
			h.Keys = append(h.Keys, strings.Split(h.Name, ",")...)
			h.Data = strings.Join(data, ",")
		default:
			continue
		}
		if i, ok := index[h.Name]; ok {
			l.Hierarchies[i] = h // the last mount on a mountpoint wins
			continue
		}
		index[h.Name] = len(l.Hierarchies)
		l.Hierarchies = append(l.Hierarchies, h)
	}
	return l, nil
}

// cgroupPath returns the container's cgroup directory for h from
// Options.CgroupPaths, "" when none is given.
func (p *preparer) cgroupPath(h *cgroupHierarchy) string {
	for _, k := range h.Keys {
		if v := p.opts.CgroupPaths[k]; v != "" {
			return v
		}
	}
	return ""
}

// mountCgroup sets up a cgroup mount: cgroup2 on a unified host (or when
// asked for cgroup2), else the cgroup v1 layout.
func (p *preparer) mountCgroup(m *configs.Mount, dest string) error {
	if p.opts.BeforeCgroupMount != nil {
		if err := p.opts.BeforeCgroupMount(); err != nil {
			return err
		}
	}
	if p.cgroups == nil {
		l, err := readCgroupLayout()
		if err != nil {
			return mountErr("mount", m.Source, dest, m.Device, err, "read cgroup layout")
		}
		p.cgroups = l
	}
	cgroupns := p.cfg.Namespaces.Contains(configs.NEWCGROUP)
	if m.Device == "cgroup2" || p.cgroups.Unified {
		return p.mountCgroup2(m, dest, cgroupns, p.opts.CgroupPaths[""])
	}
	return p.mountCgroupV1(m, dest, cgroupns)
}

// mountCgroup2 mounts cgroup2 in a cgroup namespace. Without one it binds the
// container's own cgroup directory (Options.CgroupPaths[""]) so the host's
// tree stays hidden; with no directory given it mounts cgroup2 anyway, and
// binds the host's hierarchy if that is refused (as runc does).
func (p *preparer) mountCgroup2(m *configs.Mount, dest string, cgroupns bool, path string) error {
	if !cgroupns && path != "" {
		return p.bind(cgroupBind(m, path, dest), dest)
	}
	fs := *m
	fs.Device = "cgroup2"
	fs.Destination = dest
	if fs.Source == "" {
		fs.Source = "cgroup2"
	}
	err := p.mountFS(&fs, dest)
	if err == nil || cgroupns || !(errors.Is(err, unix.EPERM) || errors.Is(err, unix.EBUSY)) {
		return err
	}
	host := cgroupRoot
	for _, h := range p.cgroups.Hierarchies {
		if h.V2 && !p.cgroups.Unified {
			host = filepath.Join(cgroupRoot, h.Name)
		}
	}
	p.log.Debug("cgroup2 mount refused, binding the host hierarchy", "destination", dest, "error", err)
	return p.bind(cgroupBind(m, host, dest), dest)
}

// cgroupBind derives a bind mount of a cgroup directory from a cgroup mount.
func cgroupBind(m *configs.Mount, source, dest string) *configs.Mount {
	return &configs.Mount{
		Source:           source,
		Destination:      dest,
		Device:           "bind",
		Flags:            m.Flags | unix.MS_BIND | unix.MS_REC,
		ClearedFlags:     m.ClearedFlags,
		PropagationFlags: m.PropagationFlags,
		RecAttr:          m.RecAttr,
	}
}

// mountCgroupV1 builds the v1 layout: a tmpfs at dest, then for each host
// hierarchy a cgroup mount (in a cgroup namespace) or a bind of the
// container's directory (without one; hierarchies with no directory in
// Options.CgroupPaths are skipped), symlinks for co-mounted controllers
// ("cpu" -> "cpu,cpuacct"), and the tmpfs made read-only last if asked.
func (p *preparer) mountCgroupV1(m *configs.Mount, dest string, cgroupns bool) error {
	tmpfs := &configs.Mount{
		Source:           "tmpfs",
		Destination:      dest,
		Device:           "tmpfs",
		Flags:            unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC,
		Data:             "mode=755",
		PropagationFlags: m.PropagationFlags,
	}
	if err := p.mountFS(tmpfs, dest); err != nil {
		return err
	}
	for i := range p.cgroups.Hierarchies {
		h := &p.cgroups.Hierarchies[i]
		sub := filepath.Join(dest, h.Name)
		var err error
		switch {
		case cgroupns && h.V2:
			err = p.mountFS(&configs.Mount{Source: "cgroup2", Destination: sub, Device: "cgroup2",
				Flags: m.Flags | unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC, PropagationFlags: m.PropagationFlags}, sub)
		case cgroupns:
			err = p.mountFS(&configs.Mount{Source: "cgroup", Destination: sub, Device: "cgroup",
				Flags: m.Flags | unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC, Data: h.Data,
				PropagationFlags: m.PropagationFlags}, sub)
		default:
			path := p.cgroupPath(h)
			if path == "" {
				p.log.Debug("no cgroup path for hierarchy, skipped", "hierarchy", h.Name)
				continue
			}
			err = p.bind(cgroupBind(m, path, sub), sub)
		}
		if err != nil {
			return err
		}
		if strings.Contains(h.Name, ",") && !h.V2 {
			if err := p.comountLinks(dest, h.Name); err != nil {
				return mountErr("symlink", "", sub, "cgroup", err, "")
			}
		}
	}
	if m.Flags&unix.MS_RDONLY != 0 {
		fd, err := p.root.open(dest, unix.O_PATH|unix.O_DIRECTORY)
		if err != nil {
			return mountErr("remount", "tmpfs", dest, "tmpfs", err, "")
		}
		defer unix.Close(fd)
		if err := setAttr(fd, 0, unix.MountAttr{Attr_set: unix.MOUNT_ATTR_RDONLY}); err != nil {
			return mountErr("remount", "tmpfs", dest, "tmpfs", err, "read-only")
		}
	}
	return nil
}

// comountLinks creates a symlink per controller of a co-mounted hierarchy
// (dest/cpu -> cpu,cpuacct), through the descriptor of dest.
func (p *preparer) comountLinks(dest, name string) error {
	fd, err := p.root.open(dest, unix.O_PATH|unix.O_DIRECTORY)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	for _, c := range strings.Split(name, ",") {
		if c == "" || c == name {
			continue
		}
		if err := unix.Symlinkat(name, fd, c); err != nil && !errors.Is(err, unix.EEXIST) {
			return err
		}
	}
	return nil
}
