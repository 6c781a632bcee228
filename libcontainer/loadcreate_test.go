package libcontainer

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// A container loaded while another process creates it (a state directory
// without state.json) must not be created again through the loaded value:
// Create and Run fail with a StateError instead of panicking on the missing
// config, and leave the other process's directory alone.
func TestCreateOnLoadedContainerRefused(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "busy")
	if err := os.Mkdir(dir, 0o711); err != nil {
		t.Fatal(err)
	}
	marker := filepath.Join(dir, "cgroup.json")
	if err := os.WriteFile(marker, []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(root, "busy", Options{})
	if err != nil {
		t.Fatal(err)
	}
	for name, op := range map[string]func(*Process) error{"Create": c.Create, "Run": c.Run} {
		err := op(&Process{})
		var se *StateError
		if !errors.As(err, &se) {
			t.Errorf("%s on a loaded container: %v, want a *StateError", name, err)
		}
		if _, err := os.Stat(marker); err != nil {
			t.Errorf("%s removed the other process's state directory: %v", name, err)
		}
	}
}
