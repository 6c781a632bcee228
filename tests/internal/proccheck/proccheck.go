// Package proccheck holds the process checks the test suites share: unique
// container ids, and finding what a test left running.
package proccheck

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// NewID returns a unique container id: prefix, a dash, ten hex digits.
func NewID(prefix string) string {
	var b [5]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	return prefix + "-" + hex.EncodeToString(b[:])
}

// ReapOrReport returns "" if pid is gone (reaping it if it is this
// process's zombie child), or a description of the live process.
func ReapOrReport(pid int) string {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return ""
	}
	// pid (comm) S ppid ...: comm may hold spaces, so split after ')'.
	s := string(stat)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return ""
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 2 {
		return ""
	}
	if f[0] == "Z" || f[0] == "X" {
		if ppid, _ := strconv.Atoi(f[1]); ppid == os.Getpid() {
			var ws unix.WaitStatus
			unix.Wait4(pid, &ws, unix.WNOHANG, nil)
		}
		return ""
	}
	return fmt.Sprintf("container init pid %d still alive: %s", pid, strings.TrimSpace(s))
}

// Mentioning lists the live processes (not this one, not zombies) whose
// cmdline or environ contains a needle, or whose cwd or root is under
// needles[0] (a bundle: a half-started init never moved into a cgroup).
func Mentioning(needles []string) []int {
	var out []int
	self := os.Getpid()
	ents, _ := os.ReadDir("/proc")
	for _, ent := range ents {
		pid, err := strconv.Atoi(ent.Name())
		if err != nil || pid == self {
			continue
		}
		if st, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid)); err == nil {
			if i := bytes.LastIndexByte(st, ')'); i > 0 && i+2 < len(st) && st[i+2] == 'Z' {
				continue
			}
		}
		hit := false
		for _, f := range []string{"cwd", "root"} {
			l, err := os.Readlink(fmt.Sprintf("/proc/%d/%s", pid, f))
			if err == nil && (l == needles[0] || strings.HasPrefix(l, needles[0]+"/")) {
				hit = true
			}
		}
		for _, f := range []string{"cmdline", "environ"} {
			b, err := os.ReadFile(fmt.Sprintf("/proc/%d/%s", pid, f))
			if err != nil {
				continue
			}
			for _, n := range needles {
				if n != "" && bytes.Contains(b, []byte(n)) {
					hit = true
				}
			}
		}
		if hit {
			out = append(out, pid)
		}
	}
	return out
}

// Describe is one line naming a process and its command line.
func Describe(pid int, why string) string {
	cmd, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	return fmt.Sprintf("process %d left, %s (cmdline %q)", pid, why, strings.ReplaceAll(string(cmd), "\x00", " "))
}

// StatusField returns a field of a /proc/PID/status text.
func StatusField(status, name string) (string, bool) {
	for _, line := range strings.Split(status, "\n") {
		if v, ok := strings.CutPrefix(line, name+":"); ok {
			return strings.TrimSpace(v), true
		}
	}
	return "", false
}

// KillCgroupProcs SIGKILLs every process listed in the cgroup.procs of
// each cgroup directory.
func KillCgroupProcs(dirs []string) {
	for _, d := range dirs {
		b, err := os.ReadFile(d + "/cgroup.procs")
		if err != nil {
			continue
		}
		for _, f := range strings.Fields(string(b)) {
			if pid, err := strconv.Atoi(f); err == nil {
				unix.Kill(pid, unix.SIGKILL)
			}
		}
	}
}

// UnmountUnder detaches every mount at or below prefix, deepest first.
func UnmountUnder(prefix string) {
	mi, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return
	}
	lines := strings.Split(string(mi), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if f := strings.Fields(lines[i]); len(f) > 4 && strings.HasPrefix(f[4], prefix) {
			unix.Unmount(f[4], unix.MNT_DETACH)
		}
	}
}

// Settled polls check every 50 ms until it reports no problem or d has
// passed, and returns its last report: the kernel tears down killed
// processes, namespaces and cgroups asynchronously.
func Settled(d time.Duration, check func() []string) []string {
	deadline := time.Now().Add(d)
	for {
		problems := check()
		if len(problems) == 0 || time.Now().After(deadline) {
			return problems
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// StateLeft reports every entry left under a runtime's --root (which a
// test gives each case its own of).
func StateLeft(root string) []string {
	ents, err := os.ReadDir(root)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return []string{fmt.Sprintf("reading --root: %v", err)}
	}
	var out []string
	for _, ent := range ents {
		out = append(out, "state left under --root: "+filepath.Join(root, ent.Name()))
	}
	return out
}

// MountsMentioning reports the host's mounts whose mountinfo line
// contains s, as "<label>: <line>".
func MountsMentioning(s, label string) []string {
	mi, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return []string{fmt.Sprintf("reading mountinfo: %v", err)}
	}
	var out []string
	for _, line := range strings.Split(string(mi), "\n") {
		if strings.Contains(line, s) {
			out = append(out, label+": "+line)
		}
	}
	return out
}
