package specconv

import (
	"fmt"

	"github.com/oci-run/oci-run/internal/fielderr"
)

// SpecError reports a field of the spec that ToConfig cannot convert.
//
// Field is the JSON path of the field ("linux.namespaces[2].type"), Value
// the offending value when there is one, Msg what is wrong and Err an
// underlying cause (nil when there is none).
type SpecError struct {
	Field string
	Value string
	Msg   string
	Err   error
}

// Error renders the problem as
// `spec: linux.namespaces[2].type "foo": unknown namespace type`.
func (e *SpecError) Error() string {
	return fielderr.Format("spec", e.Field, e.Value, e.Msg, e.Err)
}

// Unwrap returns the underlying cause, if any.
func (e *SpecError) Unwrap() error { return e.Err }

// specErr builds a SpecError without an underlying cause.
func specErr(field, value, msg string) *SpecError {
	return &SpecError{Field: field, Value: value, Msg: msg}
}

// LoadError reports why a bundle's config.json could not be loaded.
//
// Path is the file (or the bundle directory when that is what is missing).
// Line and Column locate a JSON syntax or type error (1-based, 0 when not
// known). Field is the JSON path of a value of the wrong type ("" for
// other errors). Err is the cause: an *os.PathError, *json.SyntaxError or
// *json.UnmarshalTypeError, so errors.Is(err, fs.ErrNotExist) and errors.As
// work through a LoadError.
type LoadError struct {
	Path   string
	Line   int
	Column int
	Field  string
	Msg    string
	Err    error
}

// Error renders the problem as `load /b/config.json:3:14: <msg>`.
func (e *LoadError) Error() string {
	s := "load " + e.Path
	if e.Line > 0 {
		s += fmt.Sprintf(":%d:%d", e.Line, e.Column)
	}
	if e.Field != "" {
		s += ": field " + e.Field
	}
	msg := e.Msg
	if msg == "" && e.Err != nil {
		msg = e.Err.Error()
	}
	return s + ": " + msg
}

// Unwrap returns the underlying cause.
func (e *LoadError) Unwrap() error { return e.Err }
