package fscommon

import (
	"fmt"
	"path/filepath"
	"strings"
)

// ValidName checks that name is a single file name: not empty, not "." or
// "..", without "/" or NUL.
func ValidName(name string) error {
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, "/\x00") {
		return fmt.Errorf("cgroup file name %q: %w", name, ErrInvalid)
	}
	return nil
}

// RelPath cleans a path that must stay below a root and returns it without
// the leading "/" ("" for the root itself). An absolute path is cleaned as
// the kernel would resolve it from "/" ("/../a" is "a", as in runc); a
// relative path that climbs out ("a/../../b") is refused, not clamped.
func RelPath(p string) (string, error) {
	if strings.ContainsRune(p, 0) {
		return "", fmt.Errorf("cgroup path %q: %w", p, ErrInvalid)
	}
	if filepath.IsAbs(p) {
		return strings.TrimPrefix(filepath.Clean(p), "/"), nil
	}
	rel := filepath.Clean(p)
	if rel == "." {
		return "", nil
	}
	if rel == ".." || strings.HasPrefix(rel, "../") {
		return "", fmt.Errorf("cgroup path %q leaves the hierarchy: %w", p, ErrInvalid)
	}
	return rel, nil
}
