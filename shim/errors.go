package shim

import (
	"context"
	"errors"
	"fmt"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/oci-run/oci-run/cgroups"
	"github.com/oci-run/oci-run/libcontainer"
)

// Errors the service returns; toStatus maps them (and libcontainer's) to
// the status codes containerd turns back into its errdefs.
var (
	errNotFound       = errors.New("not found")
	errExists         = errors.New("already exists")
	errPrecondition   = errors.New("failed precondition")
	errUnimplemented  = errors.New("not implemented")
	errInvalidRequest = errors.New("invalid argument")
)

// processFinished is what containerd's shims say when signalling or
// waiting on a process that has exited (containerd checks for NotFound).
func processFinished(id string) error {
	return fmt.Errorf("process %s already finished: %w", id, errNotFound)
}

// toStatus turns an error into a ttrpc status with the matching code.
func toStatus(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := status.FromError(err); ok {
		return err
	}
	code := codes.Unknown
	switch {
	case errors.Is(err, errNotFound), errors.Is(err, libcontainer.ErrNotExist):
		code = codes.NotFound
	case errors.Is(err, errExists), errors.Is(err, libcontainer.ErrExist):
		code = codes.AlreadyExists
	case errors.Is(err, errPrecondition), errors.Is(err, libcontainer.ErrWrongState),
		errors.Is(err, libcontainer.ErrNotRunning):
		code = codes.FailedPrecondition
	case errors.Is(err, errUnimplemented), errors.Is(err, cgroups.ErrNotSupported):
		code = codes.Unimplemented
	case errors.Is(err, errInvalidRequest), errors.Is(err, libcontainer.ErrInvalidID):
		code = codes.InvalidArgument
	case errors.Is(err, context.DeadlineExceeded):
		code = codes.DeadlineExceeded
	case errors.Is(err, context.Canceled):
		code = codes.Canceled
	}
	return status.Error(code, err.Error())
}
