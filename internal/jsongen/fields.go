package jsongen

import (
	"cmp"
	"go/token"
	"reflect"
	"slices"
	"strings"
	"unicode"
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
// decoder matches keys against, in field order. It follows the rules of
// encoding/json: a json tag's name (when valid) or the Go name, "-"
// skipped, unexported fields ignored except embedded structs, whose fields
// are promoted breadth first, and among fields of one name the shallowest
// wins, then a tagged one, and two that tie hide each other.
func jsonFields(t reflect.Type) []jsonField {
	type embedded struct {
		typ   reflect.Type
		index []int
	}
	var found []jsonField
	visited := map[reflect.Type]bool{}
	level := []embedded{{typ: t}}
	// times counts how often each struct of level was embedded at this
	// depth: fields promoted from a struct embedded twice at one depth
	// are recorded twice, so that they hide each other.
	times := map[reflect.Type]int{}
	for len(level) > 0 {
		var next []embedded
		nextTimes := map[reflect.Type]int{}
		for _, e := range level {
			if visited[e.typ] {
				continue
			}
			visited[e.typ] = true
			for i := range e.typ.NumField() {
				sf := e.typ.Field(i)
				if sf.Anonymous {
					et := sf.Type
					if et.Kind() == reflect.Pointer {
						et = et.Elem()
					}
					if !sf.IsExported() && et.Kind() != reflect.Struct {
						continue
					}
				} else if !sf.IsExported() {
					continue
				}
				tag := sf.Tag.Get("json")
				if tag == "-" {
					continue
				}
				name, opts, _ := strings.Cut(tag, ",")
				if !validTagName(name) {
					name = ""
				}
				index := append(slices.Clone(e.index), i)
				ft := sf.Type
				if ft.Name() == "" && ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if name == "" && sf.Anonymous && ft.Kind() == reflect.Struct {
					nextTimes[ft]++
					if nextTimes[ft] == 1 {
						next = append(next, embedded{typ: ft, index: index})
					}
					continue
				}
				f := jsonField{name: name, index: index, typ: sf.Type, tagged: name != ""}
				if f.name == "" {
					f.name = sf.Name
				}
				if hasOption(opts, "string") {
					f.decline = "the ,string option"
				}
				found = append(found, f)
				if times[e.typ] > 1 {
					found = append(found, f)
				}
			}
		}
		level, times = next, nextTimes
	}

	// Keep the dominant field of each name.
	slices.SortStableFunc(found, func(a, b jsonField) int {
		return cmp.Or(
			strings.Compare(a.name, b.name),
			cmp.Compare(len(a.index), len(b.index)),
			compareBool(b.tagged, a.tagged),
			slices.Compare(a.index, b.index))
	})
	var fields []jsonField
	for i := 0; i < len(found); {
		j := i + 1
		for j < len(found) && found[j].name == found[i].name {
			j++
		}
		group := found[i:j]
		if len(group) == 1 || len(group[0].index) < len(group[1].index) || group[0].tagged != group[1].tagged {
			fields = append(fields, group[0])
		}
		i = j
	}
	slices.SortFunc(fields, func(a, b jsonField) int { return slices.Compare(a.index, b.index) })
	for i := range fields {
		setSelector(t, &fields[i])
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

// validTagName reports whether encoding/json takes name from a json tag;
// otherwise it uses the Go field name.
func validTagName(name string) bool {
	if name == "" {
		return false
	}
	for _, c := range name {
		if strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c) {
			continue
		}
		if !unicode.IsLetter(c) && !unicode.IsDigit(c) {
			return false
		}
	}
	return true
}

// hasOption reports whether the comma-separated tag options opts include
// opt.
func hasOption(opts, opt string) bool {
	for o := range strings.SplitSeq(opts, ",") {
		if o == opt {
			return true
		}
	}
	return false
}

func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}
