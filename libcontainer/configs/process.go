package configs

// Process is the static description of a process to run in the container.
type Process struct {
	Args     []string `json:"args"`
	Env      []string `json:"env,omitempty"`
	Cwd      string   `json:"cwd"`
	User     User     `json:"user"`
	Terminal bool     `json:"terminal,omitempty"`
	// ConsoleWidth/Height size the pty when Terminal is set (0: leave).
	ConsoleWidth  uint16 `json:"consoleWidth,omitempty"`
	ConsoleHeight uint16 `json:"consoleHeight,omitempty"`

	// Capabilities nil means: keep none.
	Capabilities    *Capabilities `json:"capabilities,omitempty"`
	Rlimits         []Rlimit      `json:"rlimits,omitempty"`
	NoNewPrivileges bool          `json:"noNewPrivileges,omitempty"`
	OOMScoreAdj     *int          `json:"oomScoreAdj,omitempty"`
	AppArmorProfile string        `json:"apparmorProfile,omitempty"`
	SelinuxLabel    string        `json:"selinuxLabel,omitempty"`
	// IOPriority is ioprio_set's class and level (nil: inherit).
	IOPriority *IOPriority `json:"ioPriority,omitempty"`
	// Scheduler is sched_setattr's policy (nil: inherit).
	Scheduler *Scheduler `json:"scheduler,omitempty"`
	// CPUAffinity is a cpu list ("0-3,7") for the process (empty: inherit).
	CPUAffinity string `json:"cpuAffinity,omitempty"`
}

// User is who the process runs as, inside the container.
type User struct {
	UID            uint32   `json:"uid"`
	GID            uint32   `json:"gid"`
	AdditionalGids []uint32 `json:"additionalGids,omitempty"`
	Umask          *uint32  `json:"umask,omitempty"`
}

// Capabilities holds the five capability sets by name ("CAP_CHOWN").
type Capabilities struct {
	Bounding    []string `json:"bounding,omitempty"`
	Effective   []string `json:"effective,omitempty"`
	Inheritable []string `json:"inheritable,omitempty"`
	Permitted   []string `json:"permitted,omitempty"`
	Ambient     []string `json:"ambient,omitempty"`
}

// Rlimit is one resource limit; Type is the RLIMIT_* number.
type Rlimit struct {
	Type int    `json:"type"`
	Name string `json:"name"` // e.g. "RLIMIT_NOFILE", for messages
	Hard uint64 `json:"hard"`
	Soft uint64 `json:"soft"`
}

// IOPriority is the class ("IOPRIO_CLASS_RT"...) and level of the process.
type IOPriority struct {
	Class    string `json:"class"`
	Priority int    `json:"priority"`
}

// Scheduler mirrors the OCI scheduler object.
type Scheduler struct {
	Policy   string   `json:"policy"`
	Nice     int32    `json:"nice,omitempty"`
	Priority int32    `json:"priority,omitempty"`
	Flags    []string `json:"flags,omitempty"`
	Runtime  uint64   `json:"runtime,omitempty"`
	Deadline uint64   `json:"deadline,omitempty"`
	Period   uint64   `json:"period,omitempty"`
}
