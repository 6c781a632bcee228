package libcontainer

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/oci-run/oci-run/libcontainer/configs"
)

// Status is a container's lifecycle status, as OCI names it.
type Status string

// The statuses. Paused is oci-run's (and runc's) addition.
const (
	Creating Status = "creating"
	Created  Status = "created"
	Running  Status = "running"
	Paused   Status = "paused"
	Stopped  Status = "stopped"
)

const (
	stateFile = "state.json"
	fifoName  = "exec.fifo"
)

// State is what is recorded about a container in <root>/<id>/state.json.
// Its Status is not trusted from disk: Container.Status derives it from
// the kernel.
type State struct {
	ID string `json:"id"`
	// InitPid is the host pid of the container's init and InitStartTime its
	// start time in clock ticks since boot (/proc/PID/stat field 22), so a
	// reused pid is not mistaken for the init.
	InitPid       int       `json:"initPid"`
	InitStartTime uint64    `json:"initStartTime"`
	Created       time.Time `json:"created"`
	Bundle        string    `json:"bundle,omitempty"`
	Owner         string    `json:"owner,omitempty"`
	// CgroupPaths are the container's cgroup directories by controller.
	CgroupPaths map[string]string `json:"cgroupPaths,omitempty"`
	// NamespacePaths are /proc/<init>/ns/* paths of the container's namespaces.
	NamespacePaths map[configs.NamespaceType]string `json:"namespacePaths,omitempty"`
	// Rootfs and Annotations repeat the config's, for `state` and `list`.
	Rootfs      string            `json:"rootfs,omitempty"`
	Annotations map[string]string `json:"annotations,omitempty"`
	// Config is the container's configuration. On a State from
	// Container.State of a Loaded container it is nil until something has
	// needed it; Container.Config always returns it.
	Config *configs.Config `json:"config"`
}

// writeState writes the state atomically: a temp file in the same
// directory, fsync, rename.
func writeState(dir string, s *State) error {
	b, err := marshalState(s)
	if err != nil {
		return fmt.Errorf("encode state: %w", err)
	}
	return writeStateBytes(dir, b)
}

// writeStateBytes atomically replaces <dir>/state.json with b, an encoded
// State.
func writeStateBytes(dir string, b []byte) error {
	tmp, err := os.CreateTemp(dir, ".state-*")
	if err != nil {
		return fmt.Errorf("write state: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("write state %s: %w", tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write state %s: %w", tmp.Name(), err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, stateFile)); err != nil {
		return fmt.Errorf("write state: %w", err)
	}
	return nil
}

// readState reads <dir>/state.json; os.ErrNotExist when it is missing.
// The recorded config is returned raw, not decoded: decoding the whole
// configuration costs more than the rest of a `state` or `kill` (the
// first use of encoding/json on its many types), and most commands never
// look at it. Container.configLocked decodes it on first use.
func readState(dir string) (*State, json.RawMessage, error) {
	b, err := os.ReadFile(filepath.Join(dir, stateFile))
	if err != nil {
		return nil, nil, err
	}
	if st, config, ok := decodeState(b); ok {
		return st, config, nil
	}
	// The outer Config field hides State's: it takes the raw bytes.
	var s struct {
		State
		Config json.RawMessage `json:"config"`
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, nil, fmt.Errorf("parse %s: %w", filepath.Join(dir, stateFile), err)
	}
	return &s.State, s.Config, nil
}
