package libcontainer

import (
	"errors"
	"strings"
	"testing"
)

func TestValidateID(t *testing.T) {
	good := []string{"a", "abc-123", "A_b.c+d", strings.Repeat("x", maxIDLen)}
	for _, id := range good {
		if err := ValidateID(id); err != nil {
			t.Errorf("ValidateID(%q) = %v, want nil", id, err)
		}
	}
	bad := []string{"", ".", "..", "../x", "a/b", "/abs", "a b", "a\x00b", ".hidden", strings.Repeat("x", maxIDLen+1), "ü"}
	for _, id := range bad {
		err := ValidateID(id)
		if !errors.Is(err, ErrInvalidID) {
			t.Errorf("ValidateID(%q) = %v, want ErrInvalidID", id, err)
		}
	}
}
