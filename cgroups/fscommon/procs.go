package fscommon

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// ProcsFile lists a cgroup's processes in both versions.
const ProcsFile = "cgroup.procs"

// Pids reads cgroup.procs.
func (d Dir) Pids() ([]int, error) {
	s, err := d.Read(ProcsFile)
	if err != nil {
		return nil, err
	}
	var pids []int
	for f := range strings.FieldsSeq(s) {
		pid, err := strconv.Atoi(f)
		if err != nil {
			return nil, fmt.Errorf("%s: bad pid %q: %w", d.File(ProcsFile), f, err)
		}
		pids = append(pids, pid)
	}
	return pids, nil
}

// AllPids reads cgroup.procs of the cgroup and all its descendants. A
// sub-cgroup removed during the walk is skipped.
func (d Dir) AllPids() ([]int, error) {
	pids, err := d.Pids()
	if err != nil {
		return nil, err
	}
	kids, err := d.Children()
	if err != nil {
		return nil, err
	}
	for _, k := range kids {
		p, err := k.AllPids()
		if errors.Is(err, unix.ENOENT) {
			continue
		}
		if err != nil {
			return nil, err
		}
		pids = append(pids, p...)
	}
	return pids, nil
}

// AddPid moves pid into the cgroup. It retries EINTR/EAGAIN, and a racy
// EINVAL that the kernel returns while a process is still being forked.
func (d Dir) AddPid(pid int) error {
	var err error
	for range 5 {
		err = d.Write(ProcsFile, strconv.Itoa(pid))
		if err == nil || !(errors.Is(err, unix.EINVAL) || errors.Is(err, unix.EAGAIN)) {
			return err
		}
	}
	return err
}

// RemoveTree removes the cgroup and its sub-cgroups, deepest first. It
// retries EBUSY while retry(attempt) says so (the kernel lags behind
// exiting tasks); if it still
// fails and processes remain, the error is a *BusyError listing them.
func (d Dir) RemoveTree(retry func(attempt int) bool) error {
	if !d.Exists() {
		return nil
	}
	kids, err := d.Children()
	if err != nil && !errors.Is(err, unix.ENOENT) {
		return err
	}
	for _, k := range kids {
		if err := k.RemoveTree(retry); err != nil {
			return err
		}
	}
	for attempt := 0; ; attempt++ {
		err = d.Rmdir()
		if err == nil || !errors.Is(err, unix.EBUSY) {
			return err
		}
		if !retry(attempt) {
			if pids, perr := d.Pids(); perr == nil && len(pids) > 0 {
				return errors.Join(&BusyError{Path: d.Path(), Reason: ErrHasProcesses, Pids: pids}, err)
			}
			return err
		}
	}
}
