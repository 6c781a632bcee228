package configs

import (
	"testing"

	"golang.org/x/sys/unix"
)

func TestCapabilityNames(t *testing.T) {
	names := CapabilityNames()
	if len(names) != unix.CAP_LAST_CAP+1 {
		t.Fatalf("%d names, want %d (CAP_LAST_CAP+1)", len(names), unix.CAP_LAST_CAP+1)
	}
	for i, n := range names {
		v, ok := CapabilityValue(n)
		if !ok || v != i {
			t.Errorf("CapabilityValue(%q) = %d, %v; want %d", n, v, ok, i)
		}
	}
	if names[0] != "CAP_CHOWN" || names[len(names)-1] != "CAP_CHECKPOINT_RESTORE" {
		t.Errorf("names run from %s to %s", names[0], names[len(names)-1])
	}
	for _, bad := range []string{"", "CAP_", "cap_chown", "CHOWN", "CAP_CHOWN "} {
		if _, ok := CapabilityValue(bad); ok {
			t.Errorf("CapabilityValue(%q) accepted", bad)
		}
	}
	names[0] = "changed"
	if CapabilityNames()[0] != "CAP_CHOWN" {
		t.Error("CapabilityNames shares its slice")
	}
}
