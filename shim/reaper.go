package shim

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// Reaper reaps the orphans the kernel reparents to the daemon (it is a
// child subreaper) without taking an exit status someone else waits for.
//
// Two kinds of children are someone else's:
//   - container inits and exec'd processes: libcontainer waits for them by
//     pid (Container.Wait, ExecProcess.Wait). The service registers them
//     with Own once it knows their pid, and Disown once they were waited.
//   - short-lived children that code waits for within one call (the
//     init's C-stage intermediate, hooks, the publish binary). Such code
//     runs inside Hold: the reaper reaps only while nobody holds it.
//
// A reap pass lists this process's zombie children from /proc and reaps
// those not owned with wait4(pid, WNOHANG); a process that is not a
// zombie yet is never touched.
type Reaper struct {
	log   *slog.Logger
	hold  sync.RWMutex
	mu    sync.Mutex
	owned map[int]struct{}
	self  int
}

// NewReaper returns a Reaper for this process.
func NewReaper(log *slog.Logger) *Reaper {
	return &Reaper{log: log, owned: map[int]struct{}{}, self: os.Getpid()}
}

// Hold keeps the reaper from reaping until the returned function is
// called. Wrap every call that forks a child and waits for it by pid.
func (r *Reaper) Hold() (release func()) {
	r.hold.RLock()
	return r.hold.RUnlock
}

// Own marks pid as waited for by someone else.
func (r *Reaper) Own(pid int) {
	r.mu.Lock()
	r.owned[pid] = struct{}{}
	r.mu.Unlock()
}

// Disown forgets pid (its owner has waited for it).
func (r *Reaper) Disown(pid int) {
	r.mu.Lock()
	delete(r.owned, pid)
	r.mu.Unlock()
}

func (r *Reaper) isOwned(pid int) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	_, ok := r.owned[pid]
	return ok
}

// Run reaps on every SIGCHLD (and every few seconds, in case signals were
// coalesced while a reap was held off) until ctx is done.
func (r *Reaper) Run(ctx context.Context) {
	sig := make(chan os.Signal, 32)
	signal.Notify(sig, unix.SIGCHLD)
	defer signal.Stop(sig)
	tick := time.NewTicker(2 * time.Second)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-sig:
		case <-tick.C:
		}
		r.ReapOnce()
	}
}

// ReapOnce reaps every zombie child that nobody owns, and returns their
// pids.
func (r *Reaper) ReapOnce() []int {
	r.hold.Lock()
	defer r.hold.Unlock()
	zombies, err := zombieChildren(r.self)
	if err != nil {
		r.log.Warn("reaper: list children", "err", err)
		return nil
	}
	var reaped []int
	for _, pid := range zombies {
		if r.isOwned(pid) {
			continue
		}
		var ws unix.WaitStatus
		got, err := unix.Wait4(pid, &ws, unix.WNOHANG, nil)
		if err != nil || got != pid {
			continue
		}
		reaped = append(reaped, pid)
		r.log.Debug("reaped orphan", "pid", pid, "status", int(ws))
	}
	return reaped
}

// zombieChildren lists the pids of parent's children that are zombies.
func zombieChildren(parent int) ([]int, error) {
	d, err := os.Open("/proc")
	if err != nil {
		return nil, fmt.Errorf("open /proc: %w", err)
	}
	defer d.Close()
	names, err := d.Readdirnames(-1)
	if err != nil {
		return nil, fmt.Errorf("read /proc: %w", err)
	}
	var out []int
	for _, n := range names {
		pid, err := strconv.Atoi(n)
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + n + "/stat")
		if err != nil {
			continue
		}
		state, ppid, ok := parseStat(b)
		if ok && ppid == parent && state == 'Z' {
			out = append(out, pid)
		}
	}
	return out, nil
}

// parseStat extracts the state and parent pid from /proc/PID/stat; the
// command name in parentheses may itself hold spaces and parentheses.
func parseStat(b []byte) (state byte, ppid int, ok bool) {
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, 0, false
	}
	f := bytes.Fields(b[i+1:])
	if len(f) < 2 || len(f[0]) != 1 {
		return 0, 0, false
	}
	p, err := strconv.Atoi(string(f[1]))
	if err != nil {
		return 0, 0, false
	}
	return f[0][0], p, true
}
