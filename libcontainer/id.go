package libcontainer

import (
	"fmt"
)

// maxIDLen bounds container ids; they become directory and cgroup names.
const maxIDLen = 1024

// ValidateID checks a container id: 1 to 1024 characters from
// [A-Za-z0-9_+.-], not starting with a dot ("." and ".." are not ids).
func ValidateID(id string) error {
	if id == "" {
		return fmt.Errorf("%w: empty id", ErrInvalidID)
	}
	if len(id) > maxIDLen {
		return fmt.Errorf("%w: id longer than %d bytes", ErrInvalidID, maxIDLen)
	}
	if id[0] == '.' {
		return fmt.Errorf("%w %q: must not start with '.'", ErrInvalidID, id)
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case c == '_' || c == '+' || c == '-' || c == '.':
		default:
			return fmt.Errorf("%w %q: character %q not allowed", ErrInvalidID, id, c)
		}
	}
	return nil
}
