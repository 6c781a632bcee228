package rootfs

import (
	"fmt"
	"os/exec"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/oci-run/oci-run/libcontainer/configs"
)

// idmapTree makes the detached mount tree idmapped with m's mappings
// (mount_setattr MOUNT_ATTR_IDMAP). The kernel wants a user namespace fd
// that carries the mappings; userNSFd makes one.
func idmapTree(tree int, m *configs.Mount) error {
	if len(m.UIDMappings) == 0 || len(m.GIDMappings) == 0 {
		return fmt.Errorf("%w: both uid and gid mappings are needed", ErrIDMapUnsupported)
	}
	nsfd, err := userNSFd(m.UIDMappings, m.GIDMappings)
	if err != nil {
		return fmt.Errorf("idmap: user namespace for the mappings: %w", err)
	}
	defer unix.Close(nsfd)
	var flags uint
	if m.Flags&unix.MS_REC != 0 {
		flags = unix.AT_RECURSIVE
	}
	a := unix.MountAttr{Attr_set: unix.MOUNT_ATTR_IDMAP, Userns_fd: uint64(nsfd)}
	if err := unix.MountSetattr(tree, "", flags|unix.AT_EMPTY_PATH, &a); err != nil {
		return fmt.Errorf("idmap: mount_setattr: %w", err)
	}
	return nil
}

// userNSFd returns an fd of a new user namespace with the given mappings.
// The namespace belongs to a helper process that never runs any code of
// its own: it is started with PTRACE_TRACEME, so it stops at its execve,
// and is killed as soon as its namespace has been opened.
//
// The maps are written through a private, detached procfs instance of the
// caller's pid namespace (fsopen/fsmount, attached nowhere): the init may
// still see the host's /proc, whose pid numbers are not its own.
func userNSFd(uids, gids []configs.IDMap) (int, error) {
	proc, err := privateProcfs()
	if err != nil {
		return -1, fmt.Errorf("private procfs: %w", err)
	}
	defer unix.Close(proc)
	cmd := exec.Command("/proc/self/exe")
	cmd.Args = []string{"oci-run-userns-helper"}
	cmd.Env = []string{}
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags: syscall.CLONE_NEWUSER,
		Ptrace:     true,
		Pdeathsig:  syscall.SIGKILL,
	}
	if err := cmd.Start(); err != nil {
		return -1, err
	}
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
	}()
	pid := cmd.Process.Pid
	for _, f := range []struct {
		name string
		m    []configs.IDMap
	}{{"uid_map", uids}, {"gid_map", gids}} {
		if err := writeIDMap(proc, fmt.Sprintf("%d/%s", pid, f.name), f.m); err != nil {
			return -1, err
		}
	}
	// ns/user is a magic link, which openat2's scoping refuses; the
	// procfs is our own, detached instance.
	fd, err := unix.Openat(proc, fmt.Sprintf("%d/ns/user", pid), unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, fmt.Errorf("open user namespace: %w", err)
	}
	return fd, nil
}

// privateProcfs mounts a new procfs instance without attaching it anywhere
// and returns the fd of its root.
func privateProcfs() (int, error) {
	fsfd, err := unix.Fsopen("proc", unix.FSOPEN_CLOEXEC)
	if err != nil {
		return -1, err
	}
	defer unix.Close(fsfd)
	if err := unix.FsconfigCreate(fsfd); err != nil {
		return -1, err
	}
	mfd, err := unix.Fsmount(fsfd, unix.FSMOUNT_CLOEXEC, unix.MOUNT_ATTR_NOSUID|unix.MOUNT_ATTR_NODEV|unix.MOUNT_ATTR_NOEXEC)
	if err != nil {
		return -1, err
	}
	if err := verifyProcfs(mfd, true); err != nil {
		unix.Close(mfd)
		return -1, err
	}
	return mfd, nil
}

// writeIDMap writes mappings to a uid_map/gid_map file beneath proc, in one
// write as the kernel requires.
func writeIDMap(proc int, path string, m []configs.IDMap) error {
	var b []byte
	for _, e := range m {
		b = fmt.Appendf(b, "%d %d %d\n", e.ContainerID, e.HostID, e.Size)
	}
	fd, err := openat2(proc, path, unix.O_WRONLY, unix.RESOLVE_BENEATH|unix.RESOLVE_NO_SYMLINKS)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	if _, err := unix.Write(fd, b); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
