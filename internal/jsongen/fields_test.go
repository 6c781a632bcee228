package jsongen

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/opencontainers/runtime-spec/specs-go"
)

type inner struct {
	A int
	B int `json:"b"`
}

type Inner2 struct {
	A int // hides inner.A and is hidden by it: same depth, both untagged
	C int
}

type Tagged struct {
	Z int `json:"A2"` // beats T.Inner5's untagged A2 at the same depth
}

type Inner5 struct {
	A2 int
	D  int
}

type Deep struct {
	Inner5
}

type Ptr struct {
	P int
	F int // hidden by T.F, shallower
}

type MyInt int

type T struct {
	inner
	Inner2
	Tagged
	Deep
	*Ptr
	MyInt
	F  int `json:"f,omitempty"`
	G  int `json:"-"`
	H  int `json:"-,"`
	I  int `json:"h\"x"` // not a valid name: the Go name
	J  int `json:",omitempty"`
	K  int `json:"k,string"`
	l  int
	M  int    `json:"é.n-o"`
	N  inner  `json:"n"` // a tagged embedded struct would be a field; this is a plain one
	Ds string `json:"D"`
}

// TestJSONFieldsLikeEncodingJSON checks jsonFields against the members
// json.Marshal writes (encoding/json's decoder uses the same fields).
func TestJSONFieldsLikeEncodingJSON(t *testing.T) {
	for _, x := range []any{&T{}, &specs.LinuxWeightDevice{}, &specs.LinuxThrottleDevice{}, &specs.Spec{}, &specs.Process{}, &specs.Windows{}} {
		nonZero(reflect.ValueOf(x).Elem())
		data, err := json.Marshal(x)
		if err != nil {
			t.Fatal(err)
		}
		// The top-level keys, in order.
		dec := json.NewDecoder(bytes.NewReader(data))
		if _, err := dec.Token(); err != nil {
			t.Fatal(err)
		}
		var keys []string
		for dec.More() {
			key, err := dec.Token()
			if err != nil {
				t.Fatal(err)
			}
			keys = append(keys, key.(string))
			var value json.RawMessage
			if err := dec.Decode(&value); err != nil {
				t.Fatal(err)
			}
		}
		var got []string
		for _, f := range jsonFields(reflect.TypeOf(x).Elem()) {
			got = append(got, f.name)
		}
		if !slices.Equal(got, keys) {
			t.Errorf("%T: jsonFields %q, json.Marshal writes %q", x, got, keys)
		}
	}
}

func TestJSONFieldsSelectorsAndDeclines(t *testing.T) {
	want := map[string]string{
		"b":     "B",
		"C":     "C",
		"A2":    "Z",
		"D":     "Ds",
		"P":     "!promoted through an embedded pointer",
		"F":     "!promoted through an embedded pointer", // T.F is "f"
		"MyInt": "MyInt",
		"f":     "F",
		"-":     "H",
		"I":     "I",
		"J":     "J",
		"k":     "!the ,string option",
		"é.n-o": "M",
		"n":     "N",
	}
	got := map[string]string{}
	for _, f := range jsonFields(reflect.TypeFor[T]()) {
		if f.decline != "" {
			got[f.name] = "!" + f.decline
		} else {
			got[f.name] = f.sel
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
	for _, f := range jsonFields(reflect.TypeFor[specs.LinuxThrottleDevice]()) {
		if f.decline != "" || strings.Contains(f.sel, ".") {
			t.Errorf("LinuxThrottleDevice.%s: selector %q, decline %q", f.name, f.sel, f.decline)
		}
	}
}

// nonZero sets every settable part of v to a non-zero value, so that
// json.Marshal writes even the omitempty fields.
func nonZero(v reflect.Value) {
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			if f := v.Field(i); f.CanSet() || v.Type().Field(i).Anonymous {
				nonZero(f)
			}
		}
	case reflect.Pointer:
		if v.CanSet() {
			v.Set(reflect.New(v.Type().Elem()))
			nonZero(v.Elem())
		}
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		nonZero(v.Index(0))
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		nonZero(k)
		nonZero(e)
		v.SetMapIndex(k, e)
	case reflect.Interface:
		v.Set(reflect.ValueOf("x"))
	case reflect.String:
		v.SetString("x")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(1)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(1)
	}
}

// TestGenerateDeclines checks that the model lists every field the
// generated code declines, with the reason, and that the code declines it.
func TestGenerateDeclines(t *testing.T) {
	type U struct {
		T
		Any    any               `json:"any"`
		Floats []float64         `json:"floats"`
		ByKey  map[int]string    `json:"byKey"`
		Bytes  []byte            `json:"bytes"`
		Raw    json.RawMessage   `json:"raw"`
		Nested map[string][]*any `json:"nested"`
	}
	type Root struct{ U U }
	src, m, err := Generate("p", "jsongen", reflect.TypeFor[Root]())
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, d := range m.Declined {
		got[d.Path] = d.Reason
	}
	want := map[string]string{
		"U.P":          "promoted through an embedded pointer",
		"U.F":          "promoted through an embedded pointer",
		"U.k":          "the ,string option",
		"U.any":        "interface values hold encoding/json's generic decoding",
		"U.floats[]":   "floating-point numbers",
		"U.byKey":      "map keys that are not plain strings",
		"U.bytes":      "byte slices are base64 in JSON",
		"U.raw":        "has an UnmarshalJSON or UnmarshalText method",
		"U.nested{}[]": "interface values hold encoding/json's generic decoding",
		"U.n":          "its type cannot be named outside its package",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("declined:\n got %q\nwant %q", got, want)
	}
	for _, s := range []string{
		"// Declined: promoted through an embedded pointer.\n\t\t\treturn false",
		"// Declined: the ,string option.\n\t\t\treturn false",
		"func decRawMessage(d *jsonscan.Decoder, p *json.RawMessage) bool {\n\treturn false\n}",
		"func decFloat64(d *jsonscan.Decoder, p *float64) bool {\n\treturn d.Null()\n}",
	} {
		if !strings.Contains(string(src), s) {
			t.Errorf("the generated code lacks %q", s)
		}
	}
}
