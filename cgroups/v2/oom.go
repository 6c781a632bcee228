package v2

import (
	"encoding/binary"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// OOMEvents watches memory.events with inotify and sends one value per OOM
// kill (each rise of its oom_kill counter). The channel is closed when the
// cgroup goes away or stop is closed.
func (m *Manager) OOMEvents(stop <-chan struct{}) (<-chan struct{}, error) {
	const file = "memory.events"
	ref, err := m.dir.Open(file, unix.O_PATH)
	if err != nil {
		return nil, err
	}
	defer ref.Close()
	ifd, err := unix.InotifyInit1(unix.IN_CLOEXEC | unix.IN_NONBLOCK)
	if err != nil {
		return nil, fmt.Errorf("inotify_init1: %w", err)
	}
	in := os.NewFile(uintptr(ifd), "inotify")
	// Watch through the fd opened beneath the mount, not a path that
	// could be swapped.
	procPath := fmt.Sprintf("/proc/self/fd/%d", ref.Fd())
	if _, err := unix.InotifyAddWatch(ifd, procPath, unix.IN_MODIFY|unix.IN_DELETE_SELF); err != nil {
		in.Close()
		return nil, fmt.Errorf("%s: inotify_add_watch: %w", m.dir.File(file), err)
	}
	last, err := m.oomKills()
	if err != nil {
		in.Close()
		return nil, err
	}
	out := make(chan struct{}, 16)
	done := make(chan struct{})
	go func() {
		select {
		case <-stop:
		case <-done:
		}
		in.Close()
	}()
	go func() {
		defer close(out)
		defer close(done)
		buf := make([]byte, 4096)
		for {
			n, err := in.Read(buf)
			if err != nil {
				return
			}
			gone := false
			for off := 0; off+unix.SizeofInotifyEvent <= n; {
				mask := binary.NativeEndian.Uint32(buf[off+4:])
				nameLen := int(binary.NativeEndian.Uint32(buf[off+12:]))
				if mask&(unix.IN_IGNORED|unix.IN_DELETE_SELF) != 0 {
					gone = true
				}
				off += unix.SizeofInotifyEvent + nameLen
			}
			cur, err := m.oomKills()
			if err != nil || gone {
				return
			}
			for ; last < cur; last++ {
				select {
				case out <- struct{}{}:
				case <-stop:
					return
				}
			}
			last = cur
		}
	}()
	return out, nil
}

func (m *Manager) oomKills() (uint64, error) {
	kv, err := m.dir.ReadKeyValues("memory.events")
	if err != nil {
		return 0, err
	}
	return kv["oom_kill"], nil
}
