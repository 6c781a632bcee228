package configs

import "github.com/oci-run/oci-run/internal/fielderr"

// ValidationError reports one problem Validate found in a Config.
//
// Field is the path of the offending field in Go-like notation
// ("mounts[3].destination", "process.rlimits[1]"), Value the offending value
// when there is one, Msg what is wrong, and Err an underlying cause such as
// a stat(2) error (nil when there is none).
type ValidationError struct {
	Field string
	Value string
	Msg   string
	Err   error
}

// Error renders the problem as
// `config: mounts[3].destination "tmp": must be an absolute path`.
func (e *ValidationError) Error() string {
	return fielderr.Format("config", e.Field, e.Value, e.Msg, e.Err)
}

// Unwrap returns the underlying cause, if any.
func (e *ValidationError) Unwrap() error { return e.Err }

// invalid builds a ValidationError without an underlying cause.
func invalid(field, value, msg string) *ValidationError {
	return &ValidationError{Field: field, Value: value, Msg: msg}
}
