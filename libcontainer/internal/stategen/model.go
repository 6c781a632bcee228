package stategen

import (
	"fmt"
	"go/token"
	"reflect"
	"slices"
	"strings"
)

// typeInfo is what the emitter needs to know about one reachable type.
type typeInfo struct {
	form form
	// canFail reports whether writing a value can fail: a MarshalJSON
	// method somewhere in it.
	canFail bool
	// members are a struct's fields, in the order they are written.
	members []member
}

// member is a struct field with the selector that reaches it.
type member struct {
	field
	sel string // the Go selector from a value of the struct: "A" or "Embedded.A"
}

// model holds the typeInfo of every type reachable from the root.
type model struct {
	pkgPath string // the package the code is generated into
	types   map[reflect.Type]*typeInfo
	onPath  map[reflect.Type]bool // the types being checked, for cycles
}

// newModel checks root and every type reachable from it, and fails on
// anything the generated code could not write exactly as encoding/json
// does. The code is generated into root's package.
func newModel(root reflect.Type) (*model, error) {
	if root.Kind() != reflect.Struct || root.Name() == "" {
		return nil, fmt.Errorf("stategen: root %v is not a named struct type", root)
	}
	m := &model{
		pkgPath: root.PkgPath(),
		types:   map[reflect.Type]*typeInfo{},
		onPath:  map[reflect.Type]bool{},
	}
	if err := m.check(root, root.Name()); err != nil {
		return nil, fmt.Errorf("stategen: %w", err)
	}
	return m, nil
}

// check records the typeInfo of t and of the types it reaches. path names
// where t was met, for messages: "State.config.mounts[]".
func (m *model) check(t reflect.Type, path string) error {
	if m.onPath[t] {
		// encoding/json stops a cycle of values with an error after
		// 1000 levels; the generated code would recurse for ever.
		return fmt.Errorf("%s: %v is recursive, which the generator does not support", path, t)
	}
	if _, ok := m.types[t]; ok {
		return nil
	}
	f, err := formOf(t)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	info := &typeInfo{form: f, canFail: f == formMarshaler}
	if f == formStruct {
		if info.members, err = m.members(t, path); err != nil {
			return err
		}
	}
	m.onPath[t] = true
	defer delete(m.onPath, t)
	for i, ct := range components(t, f) {
		cpath := path
		switch f {
		case formStruct:
			cpath += "." + info.members[i].name
		case formSlice, formArray:
			cpath += "[]"
		case formMap:
			cpath += "{}"
		}
		if err := m.check(ct, cpath); err != nil {
			return err
		}
		info.canFail = info.canFail || m.types[ct].canFail
	}
	m.types[t] = info
	return nil
}

// members lists the fields of struct t that encoding/json writes, with
// their selectors, failing on options the generated code does not mirror.
func (m *model) members(t reflect.Type, path string) ([]member, error) {
	if t.Name() == "" {
		return nil, fmt.Errorf("%s: anonymous struct type %v is not supported", path, t)
	}
	var ms []member
	for _, f := range objectFields(t) {
		where := path + "." + f.name
		if f.omitZero {
			return nil, fmt.Errorf("%s: the omitzero option is not supported", where)
		}
		if f.quoted {
			return nil, fmt.Errorf("%s: the string option is not supported", where)
		}
		sel, err := m.selector(t, f.index)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		ms = append(ms, member{field: f, sel: sel})
	}
	return ms, nil
}

// selector spells how the generated code reaches the field of struct t at
// index: the path of field names, or the promoted name alone when Go
// promotes it and the path has a name the generated code cannot use.
func (m *model) selector(t reflect.Type, index []int) (string, error) {
	var names []string
	usable := true
	st := t
	for k, i := range index {
		sf := st.Field(i)
		names = append(names, sf.Name)
		usable = usable && (sf.IsExported() || sf.PkgPath == m.pkgPath)
		if k < len(index)-1 {
			st = sf.Type
			if st.Kind() == reflect.Pointer {
				// A nil embedded pointer hides its fields: not mirrored.
				return "", fmt.Errorf("promoted through the embedded pointer %v, which the generator does not support", st)
			}
		}
	}
	if usable {
		return strings.Join(names, "."), nil
	}
	last := names[len(names)-1]
	if sf, ok := t.FieldByName(last); ok && token.IsExported(last) && slices.Equal(sf.Index, index) {
		return last, nil
	}
	return "", fmt.Errorf("field %s is not reachable from package %s", strings.Join(names, "."), m.pkgPath)
}
