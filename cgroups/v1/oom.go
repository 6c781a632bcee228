package v1

import (
	"encoding/binary"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// OOMEvents registers an eventfd on memory.oom_control through
// cgroup.event_control. The kernel signals it when the cgroup hits its
// memory limit and the OOM killer runs, and once more when the cgroup is
// removed; the channel is closed then, or when stop is closed.
func (m *Manager) OOMEvents(stop <-chan struct{}) (<-chan struct{}, error) {
	d, err := m.dir("memory", "OOM notification")
	if err != nil {
		return nil, err
	}
	oc, err := d.Open("memory.oom_control", unix.O_RDONLY)
	if err != nil {
		return nil, err
	}
	efd, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		oc.Close()
		return nil, fmt.Errorf("eventfd: %w", err)
	}
	ev := os.NewFile(uintptr(efd), "oom-eventfd")
	if err := d.Write("cgroup.event_control", fmt.Sprintf("%d %d", efd, oc.Fd())); err != nil {
		ev.Close()
		oc.Close()
		return nil, err
	}
	out := make(chan struct{}, 16)
	done := make(chan struct{})
	go func() {
		select {
		case <-stop:
		case <-done:
		}
		ev.Close() // unblocks the reader
	}()
	go func() {
		defer close(out)
		defer close(done)
		defer oc.Close()
		buf := make([]byte, 8)
		for {
			if _, err := ev.Read(buf); err != nil {
				return
			}
			_ = binary.NativeEndian.Uint64(buf)
			if !d.Has("cgroup.event_control") {
				return // the cgroup was removed
			}
			select {
			case out <- struct{}{}:
			case <-stop:
				return
			}
		}
	}()
	return out, nil
}
