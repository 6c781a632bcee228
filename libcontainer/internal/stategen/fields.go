package stategen

import (
	"reflect"

	"github.com/oci-run/oci-run/internal/jsonfields"
)

// field is one member of the JSON object that encoding/json writes for a
// struct.
type field struct {
	name      string       // the JSON key, unescaped
	tagged    bool         // name comes from a json tag
	index     []int        // reflect index sequence from the struct
	typ       reflect.Type // the Go field's type
	omitEmpty bool         // the omitempty option
	omitZero  bool         // the omitzero option
	quoted    bool         // the string option, on a kind it applies to
}

// objectFields lists the fields encoding/json writes for struct type t, in
// the order it writes them (internal/jsonfields has encoding/json's rules),
// with the tag options the encoder needs.
func objectFields(t reflect.Type) []field {
	var fields []field
	for _, f := range jsonfields.Of(t) {
		ft := f.Type
		if ft.Name() == "" && ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		fields = append(fields, field{
			name:      f.Name,
			tagged:    f.Tagged,
			index:     f.Index,
			typ:       f.Type,
			omitEmpty: jsonfields.HasOption(f.Opts, "omitempty"),
			omitZero:  jsonfields.HasOption(f.Opts, "omitzero"),
			quoted:    jsonfields.HasOption(f.Opts, "string") && quotable(ft.Kind()),
		})
	}
	return fields
}

// quotable reports whether the string option applies to a field of kind
// k (after an unnamed pointer): encoding/json ignores it on other kinds.
func quotable(k reflect.Kind) bool {
	switch k {
	case reflect.Bool, reflect.String, reflect.Float32, reflect.Float64,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return true
	}
	return false
}
