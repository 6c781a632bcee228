// Package jsonfields lists the fields of a struct type as encoding/json
// sees them, for the generators that write reflection-free JSON code
// (internal/jsongen's decoders, libcontainer/internal/stategen's encoder):
// both must match encoding/json's field rules exactly, so they share one
// implementation of them.
package jsonfields

import (
	"cmp"
	"reflect"
	"slices"
	"strings"
	"unicode"
)

// Field is one member of the JSON object encoding/json reads or writes for
// a struct.
type Field struct {
	Name   string       // the JSON key, unescaped
	Tagged bool         // Name comes from a json tag
	Index  []int        // reflect index sequence from the struct
	Type   reflect.Type // the Go field's type
	Opts   string       // the json tag's options after the name, e.g. "omitempty"
}

// Of lists the fields of struct type t in index order. It follows
// encoding/json's rules: the name of a json tag when valid, else the Go
// name; "-" skipped; unexported fields ignored, except embedded structs
// (or pointers to them), whose fields are promoted breadth first; of the
// fields that share a name the shallowest wins, then a tagged one, and two
// that tie hide each other.
func Of(t reflect.Type) []Field {
	type embedded struct {
		typ   reflect.Type
		index []int
	}
	var found []Field
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
				f := Field{Name: name, Tagged: name != "", Index: index, Type: sf.Type, Opts: opts}
				if f.Name == "" {
					f.Name = sf.Name
				}
				found = append(found, f)
				if times[e.typ] > 1 {
					found = append(found, f)
				}
			}
		}
		level, times = next, nextTimes
	}
	return dominant(found)
}

// HasOption reports whether the comma-separated tag options opts include
// opt.
func HasOption(opts, opt string) bool {
	for o := range strings.SplitSeq(opts, ",") {
		if o == opt {
			return true
		}
	}
	return false
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

// dominant keeps, of each group of fields with one name, the one that Go's
// embedding rules (amended by json tags) make visible, and drops the whole
// group when two tie. The result is in index order.
func dominant(found []Field) []Field {
	slices.SortStableFunc(found, func(a, b Field) int {
		return cmp.Or(
			strings.Compare(a.Name, b.Name),
			cmp.Compare(len(a.Index), len(b.Index)),
			compareTagged(a.Tagged, b.Tagged),
			slices.Compare(a.Index, b.Index))
	})
	var fields []Field
	for i := 0; i < len(found); {
		j := i + 1
		for j < len(found) && found[j].Name == found[i].Name {
			j++
		}
		group := found[i:j]
		if len(group) == 1 || len(group[0].Index) < len(group[1].Index) || group[0].Tagged != group[1].Tagged {
			fields = append(fields, group[0])
		}
		i = j
	}
	slices.SortFunc(fields, func(a, b Field) int { return slices.Compare(a.Index, b.Index) })
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
