package systemd

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/godbus/dbus/v5"
)

// systemd's D-Bus names.
const (
	busName      = "org.freedesktop.systemd1"
	busPath      = dbus.ObjectPath("/org/freedesktop/systemd1")
	managerIface = "org.freedesktop.systemd1.Manager"

	errUnitExists = "org.freedesktop.systemd1.UnitExists"
	errNoSuchUnit = "org.freedesktop.systemd1.NoSuchUnit"
	errNotLoaded  = "org.freedesktop.systemd1.LoadFailed"
)

// jobTimeout bounds the wait for a job's JobRemoved signal (runc's 30 s).
const jobTimeout = 30 * time.Second

// bus is one connection to systemd's manager object. It listens for
// JobRemoved from the moment it connects, so no job result is missed
// between a call's reply and the wait.
type bus struct {
	conn    *dbus.Conn
	addr    string
	signals chan *dbus.Signal
	timeout time.Duration
}

// dial connects to addr, or to the system bus when addr is empty.
func dial(addr string) (*bus, error) {
	where := addr
	if where == "" {
		where = "the system bus"
	}
	var conn *dbus.Conn
	var err error
	if addr == "" {
		conn, err = dbus.ConnectSystemBus()
	} else {
		conn, err = dbus.Connect(addr)
	}
	if err != nil {
		return nil, fmt.Errorf("systemd cgroup driver: connect to %s: %w", where, err)
	}
	if err := conn.AddMatchSignal(dbus.WithMatchInterface(managerIface), dbus.WithMatchMember("JobRemoved")); err != nil {
		conn.Close()
		return nil, fmt.Errorf("systemd cgroup driver: subscribe to JobRemoved on %s: %w", where, err)
	}
	b := &bus{conn: conn, addr: where, signals: make(chan *dbus.Signal, 64), timeout: jobTimeout}
	conn.Signal(b.signals)
	return b, nil
}

func (b *bus) close() {
	b.conn.RemoveSignal(b.signals)
	b.conn.Close()
}

func (b *bus) manager() dbus.BusObject { return b.conn.Object(busName, busPath) }

// startTransientUnit asks for a new unit and waits for its job.
func (b *bus) startTransientUnit(unit string, props []Property) error {
	var job dbus.ObjectPath
	err := b.manager().Call(managerIface+".StartTransientUnit", 0, unit, "replace", props, []struct {
		Name  string
		Props []Property
	}{}).Store(&job)
	if err != nil {
		return err
	}
	return b.waitJob(unit, "start", job)
}

// stopUnit stops a unit and waits for its job.
func (b *bus) stopUnit(unit string) error {
	var job dbus.ObjectPath
	if err := b.manager().Call(managerIface+".StopUnit", 0, unit, "replace").Store(&job); err != nil {
		return err
	}
	return b.waitJob(unit, "stop", job)
}

// resetFailedUnit lets systemd forget a failed unit.
func (b *bus) resetFailedUnit(unit string) error {
	return b.manager().Call(managerIface+".ResetFailedUnit", 0, unit).Err
}

// setUnitProperties changes a running unit's properties (runtime only:
// they do not survive a reboot, like the unit itself).
func (b *bus) setUnitProperties(unit string, props []Property) error {
	return b.manager().Call(managerIface+".SetUnitProperties", 0, unit, true, props).Err
}

// version returns systemd's major version from the manager's Version
// property ("252 (252.22-1~deb12u1)" -> 252); 0 when it cannot tell.
func (b *bus) version() int {
	v, err := b.manager().GetProperty(managerIface + ".Version")
	if err != nil {
		return 0
	}
	s, _ := v.Value().(string)
	s = strings.TrimPrefix(strings.TrimSpace(s), "v")
	end := 0
	for end < len(s) && s[end] >= '0' && s[end] <= '9' {
		end++
	}
	n, err := strconv.Atoi(s[:end])
	if err != nil {
		return 0
	}
	return n
}

// JobError is a systemd job that finished with a result other than
// "done" ("failed", "canceled", "timeout", "dependency", "skipped").
type JobError struct {
	Unit   string
	Op     string // "start" or "stop"
	Result string
}

func (e *JobError) Error() string {
	return fmt.Sprintf("systemd unit %s: %s job finished with result %q", e.Unit, e.Op, e.Result)
}

// waitJob waits for the JobRemoved signal of job.
func (b *bus) waitJob(unit, op string, job dbus.ObjectPath) error {
	timer := time.NewTimer(b.timeout)
	defer timer.Stop()
	for {
		select {
		case s, ok := <-b.signals:
			if !ok {
				return fmt.Errorf("systemd unit %s: %s job %s: D-Bus connection to %s closed", unit, op, job, b.addr)
			}
			if s.Name != managerIface+".JobRemoved" || len(s.Body) < 4 {
				continue
			}
			if p, _ := s.Body[1].(dbus.ObjectPath); p != job {
				continue
			}
			if result, _ := s.Body[3].(string); result != "done" {
				return &JobError{Unit: unit, Op: op, Result: result}
			}
			return nil
		case <-timer.C:
			return fmt.Errorf("systemd unit %s: %s job %s: no result after %s: %w", unit, op, job, b.timeout, errJobTimeout)
		}
	}
}

var errJobTimeout = errors.New("timed out waiting for systemd")

// dbusErrorName returns the D-Bus error name of err ("" if it is not a
// D-Bus error reply).
func dbusErrorName(err error) string {
	var e dbus.Error
	if errors.As(err, &e) {
		return e.Name
	}
	var pe *dbus.Error
	if errors.As(err, &pe) && pe != nil {
		return pe.Name
	}
	return ""
}
