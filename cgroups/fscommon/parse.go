package fscommon

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ParseUint parses a cgroup number. "max" and v1's "-1"-like huge values
// map to math.MaxUint64; a negative number (v1 reports -1 in some files)
// maps to 0.
func ParseUint(s string) (uint64, error) {
	s = strings.TrimSpace(s)
	if s == "max" {
		return math.MaxUint64, nil
	}
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		if i, ierr := strconv.ParseInt(s, 10, 64); ierr == nil && i < 0 {
			return 0, nil
		}
		return 0, fmt.Errorf("parse %q: %w", s, err)
	}
	return v, nil
}

// ReadUint reads a file holding one number.
func (d Dir) ReadUint(name string) (uint64, error) {
	s, err := d.ReadTrim(name)
	if err != nil {
		return 0, err
	}
	v, err := ParseUint(s)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", d.File(name), err)
	}
	return v, nil
}

// ReadKeyValues reads a "key value" per line file (memory.stat, cpu.stat,
// memory.events). Lines that do not parse are skipped.
func (d Dir) ReadKeyValues(name string) (map[string]uint64, error) {
	s, err := d.Read(name)
	if err != nil {
		return nil, err
	}
	return ParseKeyValues(s), nil
}

// ParseKeyValues parses "key value" lines.
func ParseKeyValues(s string) map[string]uint64 {
	m := make(map[string]uint64)
	for line := range strings.SplitSeq(s, "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), " ")
		if !ok {
			continue
		}
		n, err := ParseUint(v)
		if err != nil {
			continue
		}
		m[k] = n
	}
	return m
}

// FormatLimit renders a limit where -1 means unlimited, using the given
// spelling of unlimited ("max" for v2 and pids, "-1" for v1 memory).
func FormatLimit(v int64, unlimited string) string {
	if v < 0 {
		return unlimited
	}
	return strconv.FormatInt(v, 10)
}
