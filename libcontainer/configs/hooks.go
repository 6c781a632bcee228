package configs

// HookName is one of the OCI lifecycle points.
type HookName string

// The OCI hook points.
const (
	Prestart        HookName = "prestart" // deprecated by the spec, still run
	CreateRuntime   HookName = "createRuntime"
	CreateContainer HookName = "createContainer"
	StartContainer  HookName = "startContainer"
	Poststart       HookName = "poststart"
	Poststop        HookName = "poststop"
)

// Hook is a program run at a lifecycle point with the container state on stdin.
type Hook struct {
	Path    string   `json:"path"`
	Args    []string `json:"args,omitempty"`
	Env     []string `json:"env,omitempty"`
	Timeout *int     `json:"timeout,omitempty"` // seconds
}

// Hooks maps each point to its hooks, in order.
type Hooks map[HookName][]Hook
