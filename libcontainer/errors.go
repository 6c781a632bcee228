package libcontainer

import (
	"errors"
	"fmt"
)

// Sentinel errors; test with errors.Is.
var (
	// ErrExist: a container with the id already exists.
	ErrExist = errors.New("container already exists")
	// ErrNotExist: no container with the id.
	ErrNotExist = errors.New("container does not exist")
	// ErrInvalidID: the id is empty or has characters not allowed.
	ErrInvalidID = errors.New("invalid container id")
	// ErrNotRunning: the operation needs a live container.
	ErrNotRunning = errors.New("container is not running")
	// ErrWrongState: the container's status does not allow the operation.
	ErrWrongState = errors.New("container is in the wrong state")
	// ErrInitFailed: the container's init reported an error while setting up.
	ErrInitFailed = errors.New("container init failed")
)

// StateError says an operation is not allowed in the container's status.
type StateError struct {
	ID     string
	Op     string
	Status Status
}

func (e *StateError) Error() string {
	return fmt.Sprintf("cannot %s container %s: container is %s", e.Op, e.ID, e.Status)
}

// Unwrap lets errors.Is(err, ErrWrongState) match (and ErrNotRunning when
// the container has stopped).
func (e *StateError) Unwrap() []error {
	if e.Status == Stopped {
		return []error{ErrWrongState, ErrNotRunning}
	}
	return []error{ErrWrongState}
}

// InitError carries an error reported by the container's init (or its C
// stage) while it was being set up.
type InitError struct {
	ID  string
	Msg string
}

func (e *InitError) Error() string {
	return fmt.Sprintf("container %s: init: %s", e.ID, e.Msg)
}

// Unwrap makes errors.Is(err, ErrInitFailed) true.
func (e *InitError) Unwrap() error { return ErrInitFailed }
