package shim

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/oci-run/oci-run/libcontainer"
)

func TestToStatus(t *testing.T) {
	cases := []struct {
		err  error
		code codes.Code
	}{
		{processFinished("x"), codes.NotFound},
		{fmt.Errorf("wrap: %w", libcontainer.ErrNotExist), codes.NotFound},
		{fmt.Errorf("c: %w", errExists), codes.AlreadyExists},
		{&libcontainer.StateError{ID: "c", Op: "pause", Status: libcontainer.Stopped}, codes.FailedPrecondition},
		{fmt.Errorf("checkpoint: %w", errUnimplemented), codes.Unimplemented},
		{fmt.Errorf("x: %w", errInvalidRequest), codes.InvalidArgument},
		{context.DeadlineExceeded, codes.DeadlineExceeded},
		{errors.New("other"), codes.Unknown},
	}
	for _, c := range cases {
		st, ok := status.FromError(toStatus(c.err))
		if !ok || st.Code() != c.code || st.Message() != c.err.Error() {
			t.Errorf("%v: %v %v, want %v", c.err, st.Code(), st.Message(), c.code)
		}
	}
	if toStatus(nil) != nil {
		t.Error("nil error mapped")
	}
	already := status.Error(codes.Aborted, "x")
	if toStatus(already) != already {
		t.Error("a status error was re-wrapped")
	}
}
