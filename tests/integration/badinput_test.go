package integration

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Each bad input must fail with exit code 1 and a message on stderr naming
// the offending field, path or id; the leak checker (registered by newEnv)
// then asserts that the failed attempt left nothing behind.

// runc: fails against runc 1.1.5, whose message ("unexpected EOF") does not
// name config.json.
func TestBadMalformedConfig(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "true")
	if err := os.WriteFile(filepath.Join(e.bundle, "config.json"), []byte(`{"ociVersion": "1.0.2", "process": {`), 0o644); err != nil {
		t.Fatal(err)
	}
	expectError(t, e.rt("run", "--bundle", e.bundle, e.id), "config.json")
}

func TestBadMissingRootfs(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "true")
	e.spec.Root.Path = "oirt-no-such-rootfs"
	e.writeConfig()
	expectError(t, e.rt("run", "--bundle", e.bundle, e.id), "oirt-no-such-rootfs")
}

func TestBadUnknownNamespace(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "true")
	e.spec.Linux.Namespaces = append(e.spec.Linux.Namespaces, specs.LinuxNamespace{Type: "oirtbogus"})
	e.writeConfig()
	expectError(t, e.rt("run", "--bundle", e.bundle, e.id), "oirtbogus")
}

// runc: 1.1.5 accepts a relative mount destination (it only warns and
// resolves it against the rootfs); oci-run must refuse it as the spec says
// destinations are absolute.
func TestBadRelativeMountDestination(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "true")
	e.spec.Mounts = append(e.spec.Mounts, specs.Mount{
		Destination: "oirt/relative",
		Type:        "tmpfs",
		Source:      "tmpfs",
	})
	e.writeConfig()
	expectError(t, e.rt("run", "--bundle", e.bundle, e.id), "oirt/relative")
}

// runc: the dotdot and slash cases fail against runc 1.1.5, whose message
// ("invalid container ID format") does not name the id.
func TestBadContainerIDs(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ name, id, want string }{
		{"empty", "", "container id"},
		{"dotdot", "../oirt-x", "../oirt-x"},
		{"slash", "oirt-a/b", "oirt-a/b"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, "true")
			e.track(c.id)
			expectError(t, e.rt("run", "--bundle", e.bundle, c.id), c.want)
			expectError(t, e.rt("create", "--bundle", e.bundle, c.id), c.want)
		})
	}
}

// A rootfs whose /proc is a symlink to a host path must not get proc mounted
// through the link (runc 1.1.5 refuses too: "must be mounted on ordinary
// directory").
func TestBadProcSymlink(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "true")
	proc := filepath.Join(e.rootfs, "proc")
	if err := os.Remove(proc); err != nil {
		t.Fatal(err)
	}
	target := t.TempDir() // a host directory outside the rootfs
	if err := os.Symlink(target, proc); err != nil {
		t.Fatal(err)
	}
	r := e.rt("run", "--bundle", e.bundle, e.id)
	expectError(t, r, "/proc")
	t.Logf("refused as expected: %s", r.stderr)
	// The link target is untouched (no proc files were created or mounted there).
	if ents, err := os.ReadDir(target); err != nil || len(ents) != 0 {
		t.Errorf("symlink target %s changed: %v %v", target, ents, err)
	}
}

// runc: fails against runc 1.1.5, whose message ("container does not exist")
// does not name the id.
func TestBadUnknownContainer(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "true")
	for _, args := range [][]string{
		{"state", e.id},
		{"start", e.id},
		{"kill", e.id},
		{"kill", e.id, "KILL"},
		{"delete", e.id},
	} {
		expectError(t, e.rt(args...), e.id)
	}
	// delete --force of an unknown container is not an error worth failing
	// a cleanup for, but must not create anything either (leak checker).
	e.rt("delete", "--force", e.id)
}

// runc: fails against runc 1.1.5, whose message ("container not running")
// does not name the id.
func TestBadKillStoppedContainer(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "true")
	mustOK(t, e.rt("create", "--bundle", e.bundle, e.id))
	mustOK(t, e.rt("start", e.id))
	e.waitStatus(e.id, specs.StateStopped, 10*time.Second)
	expectError(t, e.rt("kill", e.id, "KILL"), e.id)
	// Still there to be deleted normally.
	mustOK(t, e.rt("delete", e.id))
}

// runc: fails against runc 1.1.5, whose message ("cannot start a container
// that has stopped") does not name the id.
func TestBadStartStoppedContainer(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "true")
	mustOK(t, e.rt("create", "--bundle", e.bundle, e.id))
	mustOK(t, e.rt("start", e.id))
	e.waitStatus(e.id, specs.StateStopped, 10*time.Second)
	expectError(t, e.rt("start", e.id), e.id)
}
