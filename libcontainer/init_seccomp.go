package libcontainer

import (
	"encoding/binary"
	"fmt"
	"os"

	"golang.org/x/sys/unix"

	"github.com/oci-run/oci-run/libcontainer/configs"
	"github.com/oci-run/oci-run/libcontainer/seccomp"
	"github.com/oci-run/oci-run/nsenter"
)

// compileSeccomp builds the filter early, so a bad profile fails the
// create before anything else is done; nil when there is no profile.
func compileSeccomp(c *configs.Seccomp) (*seccomp.Filter, []string, error) {
	if c == nil {
		return nil, nil, nil
	}
	f, warnings, err := seccomp.Compile(c) // its errors start with "seccomp:"
	if err != nil {
		return nil, nil, err
	}
	return f, warnings, nil
}

// loadSeccomp installs the filter on this (locked) thread. With a notify
// rule, the listener fd goes to the parent (by number: it takes it with
// pidfd_getfd), which hands it to the profile's listener on the host
// before letting us go on.
func loadSeccomp(sock *os.File, f *seccomp.Filter) error {
	if f == nil {
		return nil
	}
	fd, err := f.Load()
	if err != nil {
		return err
	}
	if fd < 0 {
		return nil
	}
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], uint32(fd))
	if err := nsenter.WriteFrame(sock, msgSeccompFd, b[:]); err != nil {
		return fmt.Errorf("seccomp: send listener fd: %w", err)
	}
	if err := expectFrame(sock, msgSeccompDone); err != nil {
		return fmt.Errorf("seccomp: %w", err)
	}
	unix.Close(fd)
	return nil
}

// handleSeccompFd is the parent's side: copy the init's notify fd and send
// it with the container state to the listener at listenerPath.
func (c *Container) handleSeccompFd(ip *initProcess, payload []byte, status Status) error {
	if len(payload) != 4 || c.config.Seccomp == nil {
		return fmt.Errorf("container %s: bad seccomp fd message", c.id)
	}
	n := int(binary.LittleEndian.Uint32(payload))
	fd, err := unix.PidfdGetfd(ip.pidfd, n, 0)
	if err != nil {
		return fmt.Errorf("container %s: seccomp: take listener fd: %w", c.id, err)
	}
	defer unix.Close(fd)
	st := c.ociState(status, ip.pid)
	ps := &seccompState{Pid: ip.pid, State: *st}
	if err := seccomp.SendNotify(c.config.Seccomp, fd, ps.spec()); err != nil {
		return fmt.Errorf("container %s: seccomp: %w", c.id, err)
	}
	return nsenter.WriteFrame(ip.sock, msgSeccompDone, nil)
}
