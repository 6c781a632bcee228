package seccomp

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"

	"github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/oci-run/oci-run/libcontainer/configs"
)

// SendNotify hands a notify fd to the seccomp agent listening on
// c.ListenerPath, as the runtime-spec's listenerPath protocol asks: it
// connects to the unix stream socket and sends, in one message, the
// container process state as JSON and the fd (SCM_RIGHTS). The state is
// sent with Fds ["seccompFd"], Metadata c.ListenerMetadata and, when
// empty, the spec version filled in; the caller sets Pid (the process the
// filter is on, as seen by the runtime) and State. notifyFD stays the
// caller's to close.
//
// Call it from the runtime side (the path is resolved in the caller's mount
// namespace), not from a process the filter is already on.
func SendNotify(c *configs.Seccomp, notifyFD int, st *specs.ContainerProcessState) error {
	if c == nil || c.ListenerPath == "" {
		return errors.New("seccomp notify: listenerPath is not set")
	}
	if notifyFD < 0 {
		return fmt.Errorf("seccomp notify: invalid notify fd %d", notifyFD)
	}
	if st == nil {
		return errors.New("seccomp notify: no container process state")
	}
	msg := *st
	msg.Fds = []string{specs.SeccompFdName}
	msg.Metadata = c.ListenerMetadata
	if msg.Version == "" {
		msg.Version = specs.Version
	}
	if msg.State.Version == "" {
		msg.State.Version = specs.Version
	}
	data, err := json.Marshal(&msg)
	if err != nil {
		return fmt.Errorf("seccomp notify: encoding state: %w", err)
	}

	conn, err := net.DialUnix("unix", nil, &net.UnixAddr{Name: c.ListenerPath, Net: "unix"})
	if err != nil {
		return fmt.Errorf("seccomp notify: connecting to listener %s: %w", c.ListenerPath, err)
	}
	defer conn.Close()
	n, _, err := conn.WriteMsgUnix(data, unix.UnixRights(notifyFD), nil)
	if err != nil {
		return fmt.Errorf("seccomp notify: sending to listener %s: %w", c.ListenerPath, err)
	}
	if n < len(data) {
		// The fd travelled with the first part; the rest is plain data.
		if _, err := conn.Write(data[n:]); err != nil {
			return fmt.Errorf("seccomp notify: sending to listener %s: %w", c.ListenerPath, err)
		}
	}
	return nil
}
