package rootfs

import (
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/oci-run/oci-run/libcontainer/configs"
	"github.com/oci-run/oci-run/nsenter"
)

// PlanOptions are the parts of a plan that come from the runtime rather
// than from the configuration.
type PlanOptions struct {
	// ID is the container's id (it names the session keyring).
	ID string
	// CgroupPaths as in Options.
	CgroupPaths map[string]string
	// HasParentHooks: the parent runs prestart/createRuntime hooks once
	// the mounts are done.
	HasParentHooks bool
	// FifoFD is the exec fifo's fd in the init, -1 for none.
	FifoFD int
}

// Plan compiles what Prepare, the init's hostname, sysctl and keyring
// steps and Finalize do for cfg into an nsenter.InitPlan, which the C
// init carries out without a Go runtime (nsenter/initfinish.c). Options
// are resolved here; the C side resolves paths inside the rootfs and
// makes the same checks as Prepare.
//
// ok is false when the configuration needs something only the Go init
// does: a user namespace, no pivot_root, a shared root propagation,
// idmapped mounts, mount labels, hooks that run inside the container,
// unusual cgroup or device entries. Anything Prepare would refuse is
// left to the Go init too, so that its errors stay the reference.
func Plan(cfg *configs.Config, opts PlanOptions) (plan *nsenter.InitPlan, ok bool) {
	if !planSupported(cfg) {
		return nil, false
	}
	p := &nsenter.InitPlan{
		Rootfs:          cfg.Rootfs,
		RootPropagation: uint32(cfg.RootPropagation),
		Hooks:           opts.HasParentHooks,
		Hostname:        cfg.Hostname,
		Domainname:      cfg.Domainname,
		ReadonlyPaths:   cfg.ReadonlyPaths,
		Masks:           cfg.MaskPaths,
		DevReadonly:     devReadonly(cfg),
		Readonly:        cfg.Readonlyfs,
		FifoFD:          opts.FifoFD,
	}
	if ns, ok := cfg.Namespaces.Get(configs.NEWCGROUP); ok && ns.Path == "" {
		p.CgroupNS = true
	}
	if !cfg.NoNewKeyring {
		p.Keyring = "_ses." + opts.ID
	}
	var layout *cgroupLayout
	awaited := false
	for _, m := range cfg.Mounts {
		dest := filepath.Clean("/" + m.Destination)
		if dest == "/" || len(m.UIDMappings) > 0 || len(m.GIDMappings) > 0 {
			return nil, false
		}
		switch {
		case m.Device == "cgroup" || m.Device == "cgroup2":
			if !awaited {
				p.Mounts = append(p.Mounts, nsenter.MountOp{Kind: nsenter.MountAwaitCgroup})
				awaited = true
			}
			if layout == nil {
				l, err := readCgroupLayout()
				if err != nil {
					return nil, false
				}
				layout = l
			}
			// In a cgroup namespace, new or joined, cgroup filesystems
			// are mounted; without one the container's directories
			// are bound (as mountCgroup does).
			ops, ok := planCgroup(m, dest, layout, cfg.Namespaces.Contains(configs.NEWCGROUP), opts.CgroupPaths)
			if !ok {
				return nil, false
			}
			p.Mounts = append(p.Mounts, ops...)
		case m.IsBind():
			p.Mounts = append(p.Mounts, bindOp(m, dest))
		default:
			p.Mounts = append(p.Mounts, fsOp(m, dest))
		}
	}
	if needsDevSetup(cfg) {
		p.DevSetup = true
		for _, d := range cfg.Devices {
			path := filepath.Clean("/" + d.Path)
			if _, name := filepath.Split(path); name == "" || path == "/dev" {
				return nil, false
			}
			mode, err := deviceMode(d)
			if err != nil {
				return nil, false
			}
			p.Devices = append(p.Devices, nsenter.Device{Path: path, Mode: mode,
				Major: uint32(d.Major), Minor: uint32(d.Minor), UID: d.UID, GID: d.GID})
		}
	}
	keys := make([]string, 0, len(cfg.Sysctl))
	for k := range cfg.Sysctl {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		path, err := sysctlPath(k)
		if err != nil {
			return nil, false
		}
		p.Sysctls = append(p.Sysctls, nsenter.Sysctl{Key: k, Path: path, Value: cfg.Sysctl[k]})
	}
	return p, true
}

// planSupported reports whether the C init can set up cfg at all.
func planSupported(cfg *configs.Config) bool {
	if ns, ok := cfg.Namespaces.Get(configs.NEWNS); !ok || ns.Path != "" {
		return false
	}
	if cfg.Namespaces.Contains(configs.NEWUSER) || cfg.NoPivotRoot || cfg.MountLabel != "" || !filepath.IsAbs(cfg.Rootfs) {
		return false
	}
	// The C init skips prepareRoot's look for a shared parent of the
	// rootfs: after a recursive slave or private "/" there is none.
	if p := cfg.RootPropagation; p != 0 && (p&unix.MS_REC == 0 || p&unix.MS_SHARED != 0) {
		return false
	}
	if len(cfg.Hooks[configs.CreateContainer]) > 0 || len(cfg.Hooks[configs.StartContainer]) > 0 {
		return false
	}
	for _, d := range cfg.Devices {
		if d.Major < 0 || d.Minor < 0 || d.Major > 0xffffffff || d.Minor > 0xffffffff {
			return false
		}
	}
	return true
}

// fsOp is the plan step of mountFS.
func fsOp(m *configs.Mount, dest string) nsenter.MountOp {
	flags := m.Flags &^ (propagationMask | unix.MS_REC | unix.MS_BIND)
	data := m.Data
	if m.Device == "devpts" {
		data = devptsData(data)
	}
	if dest == "/dev" {
		flags &^= unix.MS_RDONLY
	}
	op := nsenter.MountOp{Kind: nsenter.MountFS, Source: m.Source, Dest: dest, FSType: m.Device,
		Data: data, Flags: uint32(flags), RealDir: m.Device == "proc" || m.Device == "sysfs",
		Propagation: propagation(m.PropagationFlags)}
	if m.RecAttr != nil {
		op.HasRec, op.RecSet, op.RecClr = true, m.RecAttr.Set, m.RecAttr.Clear
	}
	return op
}

// bindOp is the plan step of bind.
func bindOp(m *configs.Mount, dest string) nsenter.MountOp {
	a := mountAttr(m.Flags, m.ClearedFlags)
	op := nsenter.MountOp{Kind: nsenter.MountBind, Source: m.Source, Dest: dest,
		AttrSet: a.Attr_set, AttrClr: a.Attr_clr, Recursive: m.Flags&unix.MS_REC != 0,
		Propagation: propagation(m.PropagationFlags)}
	if m.RecAttr != nil {
		op.HasRec, op.RecSet, op.RecClr = true, m.RecAttr.Set, m.RecAttr.Clear
	}
	return op
}

func propagation(flags []int) []uint32 {
	var out []uint32
	for _, f := range flags {
		if f&propagationMask != 0 {
			out = append(out, uint32(f))
		}
	}
	return out
}

// planCgroup is the plan of mountCgroup for one cgroup mount.
func planCgroup(m *configs.Mount, dest string, l *cgroupLayout, cgroupns bool, paths map[string]string) ([]nsenter.MountOp, bool) {
	if m.Device == "cgroup2" || l.Unified {
		path := paths[""]
		switch {
		case !cgroupns && path != "":
			return []nsenter.MountOp{bindOp(cgroupBind(m, path, dest), dest)}, true
		case cgroupns:
			fs := *m
			fs.Device = "cgroup2"
			if fs.Source == "" {
				fs.Source = "cgroup2"
			}
			return []nsenter.MountOp{fsOp(&fs, dest)}, true
		}
		return nil, false // mount, or bind the host's on refusal: the Go init
	}
	ops := []nsenter.MountOp{fsOp(&configs.Mount{Source: "tmpfs", Device: "tmpfs",
		Flags: unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC, Data: "mode=755",
		PropagationFlags: m.PropagationFlags}, dest)}
	for i := range l.Hierarchies {
		h := &l.Hierarchies[i]
		sub := filepath.Join(dest, h.Name)
		switch {
		case cgroupns && h.V2:
			ops = append(ops, fsOp(&configs.Mount{Source: "cgroup2", Device: "cgroup2",
				Flags: m.Flags | unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC, PropagationFlags: m.PropagationFlags}, sub))
		case cgroupns:
			ops = append(ops, fsOp(&configs.Mount{Source: "cgroup", Device: "cgroup",
				Flags: m.Flags | unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC, Data: h.Data,
				PropagationFlags: m.PropagationFlags}, sub))
		default:
			path := ""
			for _, k := range h.Keys {
				if v := paths[k]; v != "" {
					path = v
					break
				}
			}
			if path == "" {
				continue
			}
			ops = append(ops, bindOp(cgroupBind(m, path, sub), sub))
		}
		if strings.Contains(h.Name, ",") && !h.V2 {
			link := nsenter.MountOp{Kind: nsenter.MountSymlinks, Dest: dest, Target: h.Name}
			for _, c := range strings.Split(h.Name, ",") {
				if c != "" && c != h.Name {
					link.Names = append(link.Names, c)
				}
			}
			ops = append(ops, link)
		}
	}
	if m.Flags&unix.MS_RDONLY != 0 {
		ops = append(ops, nsenter.MountOp{Kind: nsenter.MountReadonly, Dest: dest})
	}
	return ops, true
}
