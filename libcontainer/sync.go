package libcontainer

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/oci-run/oci-run/libcontainer/configs"
	"github.com/oci-run/oci-run/libcontainer/lsm"
	"github.com/oci-run/oci-run/nsenter"
)

// Go-side frame types of the sync protocol (docs/sync-protocol.md); the C
// stage's types 1-15 are in package nsenter.
const (
	msgInitConfig  uint32 = 16 // parent -> init: JSON initConfig
	msgHooksReq    uint32 = 17 // init -> parent: mounts done, run prestart/createRuntime hooks
	msgHooksDone   uint32 = 18 // parent -> init: hooks ran
	msgReady       uint32 = 19 // init -> parent: set up; now waiting to be started
	msgStart       uint32 = 20 // parent -> init: exec the process now (no exec fifo)
	msgCgroupDone  uint32 = 21 // parent -> init: the init is in its cgroup
	msgSeccompFd   uint32 = 22 // init -> parent: uint32 fd number of the seccomp listener
	msgSeccompDone uint32 = 23 // parent -> init: the listener has the fd
)

// initConfig is everything the Go init needs, sent as one JSON frame.
type initConfig struct {
	ID      string           `json:"id"`
	Config  *configs.Config  `json:"config"`
	Process *configs.Process `json:"process"`
	Bundle  string           `json:"bundle,omitempty"`
	// FifoFD is the O_PATH fd of the exec fifo to block on (-1: wait for
	// msgStart on the sync socket instead).
	FifoFD int `json:"fifoFd"`
	// ConsoleFD is the console socket fd (-1: no terminal).
	ConsoleFD   int               `json:"consoleFd"`
	CgroupPaths map[string]string `json:"cgroupPaths,omitempty"`
	// HasParentHooks tells the init to stop for prestart/createRuntime hooks.
	HasParentHooks bool `json:"hasParentHooks,omitempty"`
	// Exec marks a process joining a running container (no rootfs setup).
	Exec bool `json:"exec,omitempty"`
	// IDMappedTrees maps a mount's index in Config.Mounts to the fd of its
	// idmapped source tree, made by the parent.
	IDMappedTrees map[int]int `json:"idmappedTrees,omitempty"`
	// LSM is what the host has (probed by the parent: inside the
	// container securityfs and selinuxfs are usually not visible).
	LSM lsm.Host `json:"lsm"`
}

// marshalFrame encodes a JSON frame payload, refusing one too large to send.
func marshalFrame(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode sync frame: %w", err)
	}
	if len(b) > nsenter.MaxFrame {
		return nil, fmt.Errorf("the init configuration is %d bytes, more than the %d MiB limit: %w",
			len(b), nsenter.MaxFrame>>20, nsenter.ErrFrameTooLarge)
	}
	return b, nil
}

func writeJSONFrame(w io.Writer, typ uint32, v any) error {
	b, err := marshalFrame(v)
	if err != nil {
		return err
	}
	return nsenter.WriteFrame(w, typ, b)
}
