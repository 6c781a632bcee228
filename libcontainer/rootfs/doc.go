// Package rootfs prepares a container's root filesystem from inside the
// container's init process.
//
// It runs after the init has entered the container's new mount namespace
// (and possibly its user namespace), with the Go runtime up and the calling
// goroutine locked to its OS thread, and before the user's process is
// exec'd. The sequence a caller follows is:
//
//	rootfs.Prepare(cfg, opts)   // propagation, mounts, devices, hooks, pivot_root
//	rootfs.SetupConsole(slave)  // optional, after Prepare
//	rootfs.ApplySysctls(cfg.Sysctl) // before Finalize: /proc/sys becomes read-only there
//	rootfs.Finalize(cfg)        // readonly and masked paths, read-only / and /dev
//
// Every mount destination is resolved inside the rootfs through file
// descriptors: symlinks are followed as if the rootfs were "/", missing
// components are created with mkdirat/openat relative to their parent's
// descriptor, and the mount is attached to the descriptor of the resolved
// target (move_mount, or mount(2) on the descriptor's directory). Nothing is
// ever created or mounted outside the rootfs. See docs/rootfs.md.
package rootfs
