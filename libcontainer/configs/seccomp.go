package configs

// Seccomp is the container's syscall filter, kept close to the OCI form;
// the seccomp loader compiles it.
type Seccomp struct {
	DefaultAction    string            `json:"defaultAction"`
	DefaultErrnoRet  *uint             `json:"defaultErrnoRet,omitempty"`
	Architectures    []string          `json:"architectures,omitempty"`
	Flags            []string          `json:"flags,omitempty"`
	ListenerPath     string            `json:"listenerPath,omitempty"`
	ListenerMetadata string            `json:"listenerMetadata,omitempty"`
	Syscalls         []*SeccompSyscall `json:"syscalls,omitempty"`
}

// SeccompSyscall is one rule: names, action and argument conditions.
type SeccompSyscall struct {
	Names    []string      `json:"names"`
	Action   string        `json:"action"`
	ErrnoRet *uint         `json:"errnoRet,omitempty"`
	Args     []*SeccompArg `json:"args,omitempty"`
}

// SeccompArg is one argument condition.
type SeccompArg struct {
	Index    uint   `json:"index"`
	Value    uint64 `json:"value"`
	ValueTwo uint64 `json:"valueTwo,omitempty"`
	Op       string `json:"op"`
}
