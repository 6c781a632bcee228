package configs

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// NamespaceType names a kind of Linux namespace.
type NamespaceType string

// The namespace kinds oci-run knows.
const (
	NEWNS     NamespaceType = "mount"
	NEWUTS    NamespaceType = "uts"
	NEWIPC    NamespaceType = "ipc"
	NEWPID    NamespaceType = "pid"
	NEWNET    NamespaceType = "network"
	NEWUSER   NamespaceType = "user"
	NEWCGROUP NamespaceType = "cgroup"
	NEWTIME   NamespaceType = "time"
)

// AllNamespaceTypes lists the known kinds in the order they are joined:
// user first (it grants the rights to join the others), mount last (it
// changes how the later paths would resolve).
var AllNamespaceTypes = []NamespaceType{NEWUSER, NEWIPC, NEWUTS, NEWNET, NEWPID, NEWCGROUP, NEWTIME, NEWNS}

// CloneFlag returns the CLONE_NEW* flag of the namespace kind, or 0 if unknown.
func (t NamespaceType) CloneFlag() uintptr {
	switch t {
	case NEWNS:
		return unix.CLONE_NEWNS
	case NEWUTS:
		return unix.CLONE_NEWUTS
	case NEWIPC:
		return unix.CLONE_NEWIPC
	case NEWPID:
		return unix.CLONE_NEWPID
	case NEWNET:
		return unix.CLONE_NEWNET
	case NEWUSER:
		return unix.CLONE_NEWUSER
	case NEWCGROUP:
		return unix.CLONE_NEWCGROUP
	case NEWTIME:
		return unix.CLONE_NEWTIME
	}
	return 0
}

// ProcName is the entry for the namespace kind under /proc/PID/ns/.
func (t NamespaceType) ProcName() string {
	switch t {
	case NEWNS:
		return "mnt"
	case NEWUTS:
		return "uts"
	case NEWIPC:
		return "ipc"
	case NEWPID:
		return "pid"
	case NEWNET:
		return "net"
	case NEWUSER:
		return "user"
	case NEWCGROUP:
		return "cgroup"
	case NEWTIME:
		return "time"
	}
	return ""
}

// ParseNamespaceType checks a namespace kind by its OCI name.
func ParseNamespaceType(s string) (NamespaceType, error) {
	t := NamespaceType(s)
	if t.CloneFlag() == 0 {
		return "", fmt.Errorf("unknown namespace type %q", s)
	}
	return t, nil
}

// Namespace is one namespace of the container: created new (Path empty) or
// joined by the path of an existing one (e.g. /proc/PID/ns/net).
type Namespace struct {
	Type NamespaceType `json:"type"`
	Path string        `json:"path,omitempty"`
}

// Namespaces is the container's list; each kind appears at most once.
type Namespaces []Namespace

// Contains reports whether the kind is in the list (new or joined).
func (n Namespaces) Contains(t NamespaceType) bool {
	_, ok := n.Get(t)
	return ok
}

// Get returns the entry of the kind.
func (n Namespaces) Get(t NamespaceType) (Namespace, bool) {
	for _, ns := range n {
		if ns.Type == t {
			return ns, true
		}
	}
	return Namespace{}, false
}

// PathOf returns the join path of the kind, "" when it is new or absent.
func (n Namespaces) PathOf(t NamespaceType) string {
	ns, _ := n.Get(t)
	return ns.Path
}

// CloneFlags returns the CLONE_NEW* flags of the namespaces to create.
func (n Namespaces) CloneFlags() uintptr {
	var f uintptr
	for _, ns := range n {
		if ns.Path == "" {
			f |= ns.Type.CloneFlag()
		}
	}
	return f
}
