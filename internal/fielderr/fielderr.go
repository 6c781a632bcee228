// Package fielderr renders the errors that name one field of a
// configuration (configs.ValidationError, specconv.SpecError) the same way:
// `<prefix>: <field> "<value>": <msg>: <cause>`.
package fielderr

import "strconv"

// Format renders prefix, the field's path, the offending value (quoted,
// left out when empty), what is wrong and the underlying cause (either of
// the last two may be empty or nil).
func Format(prefix, field, value, msg string, cause error) string {
	s := prefix + ": " + field
	if value != "" {
		s += " " + strconv.Quote(value)
	}
	if cause != nil {
		if msg == "" {
			msg = cause.Error()
		} else {
			msg += ": " + cause.Error()
		}
	}
	return s + ": " + msg
}
