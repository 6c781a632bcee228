package stategen

import (
	"cmp"
	"reflect"
	"slices"
	"strings"
	"unicode"
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
// the order it writes them. It follows encoding/json's rules: the name
// of a json tag when valid, else the Go name; "-" skipped; unexported
// fields ignored, except embedded structs (or pointers to them), whose
// fields are promoted breadth first; of the fields that share a name the
// shallowest wins, then a tagged one, and two that tie hide each other.
func objectFields(t reflect.Type) []field {
	type embedded struct {
		typ   reflect.Type
		index []int
	}
	var found []field
	visited := map[reflect.Type]bool{}
	level := []embedded{{typ: t}}
	// times counts how often each struct of the level was embedded at that
	// depth: the fields of a struct embedded twice at one depth are
	// recorded twice, so that they hide each other.
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
				if !included(sf) {
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
				f := field{
					name:      name,
					tagged:    name != "",
					index:     index,
					typ:       sf.Type,
					omitEmpty: hasOption(opts, "omitempty"),
					omitZero:  hasOption(opts, "omitzero"),
					quoted:    hasOption(opts, "string") && quotable(ft.Kind()),
				}
				if f.name == "" {
					f.name = sf.Name
				}
				found = append(found, f)
				if times[e.typ] > 1 {
					found = append(found, f)
				}
			}
		}
		level, times = next, nextTimes
	}
	return dominantFields(found)
}

// included reports whether encoding/json considers struct field sf at all:
// exported fields, and embedded fields of struct types (or pointers to
// them) even when unexported, since their fields may be exported.
func included(sf reflect.StructField) bool {
	if !sf.Anonymous {
		return sf.IsExported()
	}
	t := sf.Type
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return sf.IsExported() || t.Kind() == reflect.Struct
}

// dominantFields keeps, of each group of fields with one name, the one
// that Go's embedding rules (amended by json tags) make visible, and drops
// the whole group when two tie. The result is in index order.
func dominantFields(found []field) []field {
	slices.SortStableFunc(found, func(a, b field) int {
		return cmp.Or(
			strings.Compare(a.name, b.name),
			cmp.Compare(len(a.index), len(b.index)),
			compareTagged(a.tagged, b.tagged),
			slices.Compare(a.index, b.index))
	})
	var fields []field
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
	slices.SortFunc(fields, func(a, b field) int { return slices.Compare(a.index, b.index) })
	return fields
}

// compareTagged orders a tagged field before an untagged one.
func compareTagged(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return -1
	}
	return 1
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
