package systemdtest

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/godbus/dbus/v5"
)

// D-Bus names the stand-in serves.
const (
	BusName      = "org.freedesktop.systemd1"
	BusPath      = dbus.ObjectPath("/org/freedesktop/systemd1")
	ManagerIface = "org.freedesktop.systemd1.Manager"

	ErrUnitExists = "org.freedesktop.systemd1.UnitExists"
	ErrNoSuchUnit = "org.freedesktop.systemd1.NoSuchUnit"
)

// Config shapes the stand-in.
type Config struct {
	// Hierarchies are the cgroup hierarchy roots (mount points) in which
	// a started scope gets its directory, <root>/<slice path>/<unit>, with
	// its PIDs moved in. On v1 systemd manages cpu, cpuacct, memory, pids,
	// blkio, devices and its named hierarchy; on v2 it is the one mount.
	Hierarchies []string
	// Version is the manager's Version property; default "252 (stand-in)".
	Version string
	// JobResult, when set, gives the JobRemoved result for a start or
	// stop job ("done", "failed", ...); nil means "done".
	JobResult func(method, unit string) string
}

// Property is one "(sv)" unit property as received.
type Property struct {
	Name  string
	Value dbus.Variant
}

// Call is one recorded method call.
type Call struct {
	Method     string // "StartTransientUnit", "StopUnit", ...
	Unit       string
	Mode       string     // job mode, for Start/StopUnit
	Properties []Property // StartTransientUnit, SetUnitProperties
	Result     string     // the JobRemoved result sent, if any
}

// Prop returns the value of the named property and whether it was given.
func (c Call) Prop(name string) (any, bool) {
	for _, p := range c.Properties {
		if p.Name == name {
			return p.Value.Value(), true
		}
	}
	return nil, false
}

type unit struct {
	dirs   []string // the scope's directories, one per hierarchy
	failed bool
}

// Systemd is the stand-in for org.freedesktop.systemd1 on one bus.
type Systemd struct {
	conn *dbus.Conn
	cfg  Config

	mu     sync.Mutex
	calls  []Call
	units  map[string]*unit
	jobs   uint32
	slices []string // slice directories this stand-in created
	emits  sync.WaitGroup
}

// Start connects to the bus at addr, takes the name
// org.freedesktop.systemd1 and serves the manager object.
func Start(addr string, cfg Config) (*Systemd, error) {
	if cfg.Version == "" {
		cfg.Version = "252 (stand-in)"
	}
	conn, err := dbus.Connect(addr)
	if err != nil {
		return nil, fmt.Errorf("stand-in systemd: connect %s: %w", addr, err)
	}
	s := &Systemd{conn: conn, cfg: cfg, units: map[string]*unit{}}
	if err := conn.Export(managerObject{s}, BusPath, ManagerIface); err != nil {
		conn.Close()
		return nil, err
	}
	if err := conn.Export(propertiesObject{s}, BusPath, "org.freedesktop.DBus.Properties"); err != nil {
		conn.Close()
		return nil, err
	}
	reply, err := conn.RequestName(BusName, dbus.NameFlagDoNotQueue)
	if err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		conn.Close()
		return nil, fmt.Errorf("stand-in systemd: own %s: reply %v, %v", BusName, reply, err)
	}
	return s, nil
}

// Calls returns a copy of the calls so far, in order.
func (s *Systemd) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls)
}

// CallsTo returns the recorded calls of one method.
func (s *Systemd) CallsTo(method string) []Call {
	var out []Call
	for _, c := range s.Calls() {
		if c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// Units lists the units the stand-in knows (started and not stopped or
// reset).
func (s *Systemd) Units() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for name := range s.units {
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}

// Close removes what is left of the units (killing their processes, as
// stopping them would) and the slice directories it created, then leaves
// the bus. It reports what it could not remove.
func (s *Systemd) Close() error {
	s.emits.Wait()
	s.mu.Lock()
	defer s.mu.Unlock()
	var errs []error
	for name, u := range s.units {
		if err := removeDirs(u.dirs); err != nil {
			errs = append(errs, fmt.Errorf("unit %s: %w", name, err))
		}
		delete(s.units, name)
	}
	// Deepest first; a slice another user still has children in stays.
	for i := len(s.slices) - 1; i >= 0; i-- {
		if err := os.Remove(s.slices[i]); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	s.slices = nil
	s.conn.Close()
	return errors.Join(errs...)
}

func (s *Systemd) record(c Call) {
	s.mu.Lock()
	s.calls = append(s.calls, c)
	s.mu.Unlock()
}

// jobResult picks the result of a job and records the call with it.
func (s *Systemd) jobResult(c Call) string {
	c.Result = "done"
	if s.cfg.JobResult != nil {
		c.Result = s.cfg.JobResult(c.Method, c.Unit)
	}
	s.record(c)
	return c.Result
}

// newJob returns a job path and emits its JobRemoved shortly after the
// method returns, as systemd does once the job has run.
func (s *Systemd) newJob(unitName, result string) dbus.ObjectPath {
	s.mu.Lock()
	s.jobs++
	id := s.jobs
	s.mu.Unlock()
	job := dbus.ObjectPath(fmt.Sprintf("%s/job/%d", BusPath, id))
	s.emits.Add(1)
	go func() {
		defer s.emits.Done()
		time.Sleep(time.Millisecond)
		_ = s.conn.Emit(BusPath, ManagerIface+".JobRemoved", id, job, unitName, result)
	}()
	return job
}

// startScope creates the scope's directories below each hierarchy and
// moves the pids in, recording the slice directories it had to create.
func (s *Systemd) startScope(name, slice string, pids []uint32) (*unit, error) {
	slicePath, err := expandSlice(slice)
	if err != nil {
		return nil, err
	}
	u := &unit{}
	for _, root := range s.cfg.Hierarchies {
		cur := root
		for _, elem := range strings.Split(strings.Trim(slicePath, "/"), "/") {
			if elem == "" {
				continue
			}
			cur = filepath.Join(cur, elem)
			if err := os.Mkdir(cur, 0o755); err == nil {
				s.mu.Lock()
				s.slices = append(s.slices, cur)
				s.mu.Unlock()
			} else if !errors.Is(err, os.ErrExist) {
				return u, err
			}
		}
		dir := filepath.Join(cur, name)
		if err := os.Mkdir(dir, 0o755); err != nil {
			return u, err
		}
		u.dirs = append(u.dirs, dir)
		for _, pid := range pids {
			if err := os.WriteFile(filepath.Join(dir, "cgroup.procs"), []byte(strconv.Itoa(int(pid))), 0); err != nil {
				return u, fmt.Errorf("move pid %d to %s: %w", pid, dir, err)
			}
		}
	}
	return u, nil
}

// removeDirs removes scope directories (and sub-cgroups), killing
// processes that stay, as stopping a scope does.
func removeDirs(dirs []string) error {
	var errs []error
	for _, d := range dirs {
		if err := removeTree(d); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func removeTree(dir string) error {
	ents, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	for _, e := range ents {
		if e.IsDir() {
			if err := removeTree(filepath.Join(dir, e.Name())); err != nil {
				return err
			}
		}
	}
	for i := 0; ; i++ {
		err := os.Remove(dir)
		if err == nil || errors.Is(err, os.ErrNotExist) {
			return nil
		}
		if i == 100 {
			return err
		}
		if b, rerr := os.ReadFile(filepath.Join(dir, "cgroup.procs")); rerr == nil {
			for _, f := range strings.Fields(string(b)) {
				if pid, _ := strconv.Atoi(f); pid > 0 {
					_ = syscall.Kill(pid, syscall.SIGKILL)
				}
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// expandSlice is systemd's slice naming: "a-b.slice" is
// "/a.slice/a-b.slice" ("-.slice" is the root).
func expandSlice(slice string) (string, error) {
	name, ok := strings.CutSuffix(slice, ".slice")
	if !ok || name == "" || strings.Contains(name, "/") {
		return "", fmt.Errorf("invalid slice %q", slice)
	}
	if name == "-" {
		return "/", nil
	}
	parts := strings.Split(name, "-")
	path := ""
	for i := range parts {
		if parts[i] == "" {
			return "", fmt.Errorf("invalid slice %q", slice)
		}
		path += "/" + strings.Join(parts[:i+1], "-") + ".slice"
	}
	return path, nil
}
