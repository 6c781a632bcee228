package libcontainer

import (
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// seccompState is what the seccomp listener receives.
type seccompState struct {
	Pid   int
	State specs.State
}

func (s *seccompState) spec() *specs.ContainerProcessState {
	return &specs.ContainerProcessState{Pid: s.Pid, State: s.State}
}
