package configs

import (
	"path/filepath"
	"strings"
)

// hasDotDot reports whether any slash-separated element of p is "..".
func hasDotDot(p string) bool {
	for _, e := range strings.Split(p, "/") {
		if e == ".." {
			return true
		}
	}
	return false
}

// checkAbsPath requires p to be an absolute path without ".." elements or
// NUL bytes, naming field in the error.
func checkAbsPath(field, p string) error {
	switch {
	case p == "":
		return invalid(field, "", "must be set")
	case strings.IndexByte(p, 0) >= 0:
		return invalid(field, p, "must not contain a NUL byte")
	case !filepath.IsAbs(p):
		return invalid(field, p, "must be an absolute path")
	case hasDotDot(p):
		return invalid(field, p, `must not contain ".." elements`)
	}
	return nil
}

// checkAbs requires p to be a non-empty absolute path without NUL bytes.
func checkAbs(field, p string) error {
	switch {
	case p == "":
		return invalid(field, "", "must be set")
	case strings.IndexByte(p, 0) >= 0:
		return invalid(field, p, "must not contain a NUL byte")
	case !filepath.IsAbs(p):
		return invalid(field, p, "must be an absolute path")
	}
	return nil
}
