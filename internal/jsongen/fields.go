package jsongen

import (
	"go/token"
	"reflect"
	"slices"
	"strings"

	"github.com/oci-run/oci-run/internal/jsonfields"
)

// jsonField is a struct field that encoding/json decodes into.
type jsonField struct {
	name   string       // the JSON key
	index  []int        // reflect index sequence from the struct
	typ    reflect.Type // the Go field's type
	tagged bool         // the name comes from a json tag
	// sel is the selector of the field from a value of the struct (the
	// part after "v."), valid when decline is empty.
	sel string
	// decline, when set, says why the generated code declines the key
	// whatever its value.
	decline string
}

// jsonFields lists the fields of struct type t that encoding/json's
// decoder matches keys against, in field order (internal/jsonfields has
// encoding/json's rules), each with the selector generated code reaches it
// by, or why it declines it.
func jsonFields(t reflect.Type) []jsonField {
	var fields []jsonField
	for _, f := range jsonfields.Of(t) {
		jf := jsonField{name: f.Name, index: f.Index, typ: f.Type, tagged: f.Tagged}
		if jsonfields.HasOption(f.Opts, "string") {
			jf.decline = "the ,string option"
		}
		setSelector(t, &jf)
		fields = append(fields, jf)
	}
	return fields
}

// setSelector works out how generated code reaches field f of t, or
// declines it when it cannot.
func setSelector(t reflect.Type, f *jsonField) {
	if f.decline != "" {
		return
	}
	var names []string
	st := t
	for k, i := range f.index {
		sf := st.Field(i)
		names = append(names, sf.Name)
		if k < len(f.index)-1 {
			st = sf.Type
			if st.Kind() == reflect.Pointer {
				// encoding/json allocates the embedded struct, even for
				// null, and fails if it cannot.
				f.decline = "promoted through an embedded pointer"
				return
			}
		}
	}
	last := names[len(names)-1]
	if sf, ok := t.FieldByName(last); ok && slices.Equal(sf.Index, f.index) {
		f.sel = last
		return
	}
	for _, n := range names {
		if !token.IsExported(n) {
			f.decline = "not reachable from another package"
			return
		}
	}
	f.sel = strings.Join(names, ".")
}
