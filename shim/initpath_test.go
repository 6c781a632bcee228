package shim

import (
	"os"
	"path/filepath"
	"testing"
)

func TestInitPathBeside(t *testing.T) {
	dir := t.TempDir()
	self := filepath.Join(dir, "containerd-shim-ocirun-v2")
	if got := initPathBeside(self); got != "" {
		t.Errorf("no oci-run beside the shim: %q, want \"\"", got)
	}
	p := filepath.Join(dir, InitBinary)
	if err := os.WriteFile(p, []byte("#!/bin/true\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// access(X_OK) needs an x bit even for root.
	if got := initPathBeside(self); got != "" {
		t.Errorf("not executable: %q, want \"\"", got)
	}
	if err := os.Chmod(p, 0o755); err != nil {
		t.Fatal(err)
	}
	if got := initPathBeside(self); got != p {
		t.Errorf("executable oci-run beside the shim: %q, want %q", got, p)
	}
	os.Remove(p)
	if err := os.Mkdir(p, 0o755); err != nil {
		t.Fatal(err)
	}
	if got := initPathBeside(self); got != "" {
		t.Errorf("a directory named oci-run: %q, want \"\"", got)
	}
}
