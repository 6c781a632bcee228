package v1

import (
	"fmt"
	"time"

	"github.com/oci-run/oci-run/cgroups/fscommon"
	"github.com/oci-run/oci-run/libcontainer/configs"
)

const freezerState = "freezer.state"

// Freeze sets freezer.state and waits until the kernel reports it. Freezing
// can stall on a task in an uninterruptible sleep: the write is repeated,
// with a thaw now and then to unstick it, for about 10 s; on timeout the
// cgroup is thawed again and an error matching ErrTimeout is returned.
func (m *Manager) Freeze(state configs.FreezerState) error {
	d, err := m.dir("freezer", "freezing")
	if err != nil {
		return err
	}
	switch state {
	case configs.Frozen:
		return freeze(d)
	case configs.Thawed:
		return thaw(d)
	default:
		return fmt.Errorf("freezer state %q: %w", state, fscommon.ErrInvalid)
	}
}

func freeze(d fscommon.Dir) error {
	delay := 100 * time.Microsecond
	for i := range 1000 {
		if i%50 == 49 {
			if err := d.Write(freezerState, string(configs.Thawed)); err != nil {
				return err
			}
			time.Sleep(time.Millisecond)
		}
		if err := d.Write(freezerState, string(configs.Frozen)); err != nil {
			return err
		}
		st, err := d.ReadTrim(freezerState)
		if err != nil {
			return err
		}
		if st == string(configs.Frozen) {
			return nil
		}
		time.Sleep(delay)
		delay = min(delay*2, 10*time.Millisecond)
	}
	if err := thaw(d); err != nil {
		return err
	}
	return fmt.Errorf("%s: not FROZEN after retries: %w", d.File(freezerState), fscommon.ErrTimeout)
}

func thaw(d fscommon.Dir) error {
	delay := 100 * time.Microsecond
	for range 200 {
		if err := d.Write(freezerState, string(configs.Thawed)); err != nil {
			return err
		}
		st, err := d.ReadTrim(freezerState)
		if err != nil {
			return err
		}
		if st == string(configs.Thawed) {
			return nil
		}
		time.Sleep(delay)
		delay = min(delay*2, 10*time.Millisecond)
	}
	return fmt.Errorf("%s: not THAWED after retries: %w", d.File(freezerState), fscommon.ErrTimeout)
}

// FreezerState reads freezer.state. FREEZING (a freeze in progress, or a
// parent freezing) is reported as Frozen after a short wait if it settles
// there, else as Undefined. No freezer hierarchy: Undefined.
func (m *Manager) FreezerState() (configs.FreezerState, error) {
	d, ok := m.dirs["freezer"]
	if !ok {
		return configs.Undefined, nil
	}
	for range 10 {
		st, err := d.ReadTrim(freezerState)
		if err != nil {
			return configs.Undefined, err
		}
		switch st {
		case "FROZEN":
			return configs.Frozen, nil
		case "THAWED":
			return configs.Thawed, nil
		}
		time.Sleep(time.Millisecond)
	}
	return configs.Undefined, nil
}
