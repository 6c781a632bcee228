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

// RelPath cleans a path that must stay below a root: it is joined to "/",
// cleaned, and returned without the leading "/" ("" for the root itself).
// A path that tries to climb out ("a/../../b") is refused, not clamped.
func RelPath(p string) (string, error) {
	if strings.ContainsRune(p, 0) {
		return "", fmt.Errorf("cgroup path %q: %w", p, ErrInvalid)
	}
	rel := filepath.Clean(strings.TrimPrefix(p, "/"))
	if rel == "." {
		return "", nil
	}
	if rel == ".." || strings.HasPrefix(rel, "../") {
		return "", fmt.Errorf("cgroup path %q leaves the hierarchy: %w", p, ErrInvalid)
	}
	return rel, nil
}
