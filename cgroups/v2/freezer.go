package v2

import (
	"fmt"
	"strings"
	"syscall"
	"time"

	"github.com/oci-run/oci-run/cgroups/fscommon"
	"github.com/oci-run/oci-run/libcontainer/configs"
)

const freezeTimeout = 10 * time.Second

// Freeze writes cgroup.freeze and waits for cgroup.events to report
// "frozen 1" (or "frozen 0" on thaw).
func (m *Manager) Freeze(state configs.FreezerState) error {
	var v string
	switch state {
	case configs.Frozen:
		v = "1"
	case configs.Thawed:
		v = "0"
	default:
		return fmt.Errorf("freezer state %q: %w", state, fscommon.ErrInvalid)
	}
	if err := m.write("cgroup.freeze", v, "freezing (kernel 5.2+)"); err != nil {
		return err
	}
	return m.waitEvent("frozen", v, freezeTimeout)
}

// waitEvent polls cgroup.events until key has value.
func (m *Manager) waitEvent(key, value string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	delay := 100 * time.Microsecond
	for {
		got, err := m.event(key)
		if err != nil {
			return err
		}
		if got == value {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: %s is %s, want %s after %v: %w", m.dir.File("cgroup.events"), key, got, value, timeout, fscommon.ErrTimeout)
		}
		time.Sleep(delay)
		delay = min(delay*2, 10*time.Millisecond)
	}
}

// event reads one key of cgroup.events ("populated", "frozen").
func (m *Manager) event(key string) (string, error) {
	s, err := m.dir.Read("cgroup.events")
	if err != nil {
		return "", err
	}
	for line := range strings.SplitSeq(s, "\n") {
		if k, v, ok := strings.Cut(line, " "); ok && k == key {
			return strings.TrimSpace(v), nil
		}
	}
	return "", nil
}

// FreezerState reads cgroup.freeze; a freeze still in progress is waited
// for briefly. Without cgroup.freeze: Undefined.
func (m *Manager) FreezerState() (configs.FreezerState, error) {
	if !m.dir.Has("cgroup.freeze") {
		return configs.Undefined, nil
	}
	v, err := m.dir.ReadTrim("cgroup.freeze")
	if err != nil {
		return configs.Undefined, err
	}
	if v == "0" {
		return configs.Thawed, nil
	}
	if err := m.waitEvent("frozen", "1", time.Second); err != nil {
		return configs.Undefined, nil
	}
	return configs.Frozen, nil
}

// Kill kills every process in the cgroup tree: through cgroup.kill
// (kernel 5.14+), else by freezing, sending SIGKILL to each process and
// thawing. It does not wait for them to exit.
func (m *Manager) Kill() error {
	if m.dir.Has("cgroup.kill") {
		return m.dir.Write("cgroup.kill", "1")
	}
	if err := m.Freeze(configs.Frozen); err != nil {
		return err
	}
	pids, err := m.dir.AllPids()
	for _, p := range pids {
		_ = syscall.Kill(p, syscall.SIGKILL)
	}
	if terr := m.Freeze(configs.Thawed); err == nil {
		err = terr
	}
	return err
}
