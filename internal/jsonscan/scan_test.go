package jsonscan

import (
	"encoding/json"
	"reflect"
	"testing"
)

// StringMap and Raw against encoding/json: same result when they accept,
// and they accept every valid document of their type.
func TestStringMapAndRawMatchEncodingJSON(t *testing.T) {
	type ns string
	docs := []string{
		`null`, `{}`, ` { "a" : "b" , "c":"d"} `, `{"a":null}`, `{"a":"1","a":"2"}`,
		`{"\u00e9\n":"x\ty"}`, `{"k":"\ud83d\ude00"}`, `{"k":"\ud800"}`,
	}
	for _, doc := range docs {
		var want map[ns]string
		if err := json.Unmarshal([]byte(doc), &want); err != nil {
			t.Fatalf("%s: %v", doc, err)
		}
		var got map[ns]string
		d := New([]byte(doc))
		if !StringMap(d, &got) || !d.End() {
			t.Errorf("StringMap declined %s", doc)
			continue
		}
		if !reflect.DeepEqual(got, want) || (got == nil) != (want == nil) {
			t.Errorf("StringMap(%s) = %#v, want %#v", doc, got, want)
		}

		var wantRaw json.RawMessage
		if err := json.Unmarshal([]byte(doc), &wantRaw); err != nil {
			t.Fatal(err)
		}
		d = New([]byte(doc))
		raw, ok := d.Raw()
		if !ok || !d.End() || string(raw) != string(wantRaw) {
			t.Errorf("Raw(%s) = %q, %v; want %q", doc, raw, ok, wantRaw)
		}
	}
	for _, bad := range []string{`{"a":1}`, `{"a":"b"`, `["a"]`, `{"a" "b"}`, `{a:"b"}`, `"x"`, `{"a":"b",}`} {
		var m map[string]string
		d := New([]byte(bad))
		if StringMap(d, &m) && d.End() {
			t.Errorf("StringMap accepted %s", bad)
		}
		d = New([]byte(bad))
		if _, ok := d.Raw(); ok && d.End() && !json.Valid([]byte(bad)) {
			t.Errorf("Raw accepted invalid %s", bad)
		}
	}
}

// The scanner's primitives decline what encoding/json rejects.
func TestPrimitives(t *testing.T) {
	var i int32
	for doc, ok := range map[string]bool{`12`: true, `-3`: true, `2147483648`: false, `1.5`: false, `1e2`: false, `01`: false, `null`: true} {
		d := New([]byte(doc))
		if got := Int(d, &i, 32) && d.End(); got != ok {
			t.Errorf("Int32(%s) = %v, want %v", doc, got, ok)
		}
	}
	var u uint64
	for doc, ok := range map[string]bool{`0`: true, `18446744073709551615`: true, `18446744073709551616`: false, `-0`: false, `-1`: false} {
		d := New([]byte(doc))
		if got := Uint(d, &u, 64) && d.End(); got != ok {
			t.Errorf("Uint64(%s) = %v, want %v", doc, got, ok)
		}
	}
	var s string
	for doc, ok := range map[string]bool{`"a"`: true, `"a\"b"`: true, "\"a\x01\"": false, `"\x"`: false, `"a`: false, `1`: false} {
		d := New([]byte(doc))
		if got := String(d, &s) && d.End(); got != ok {
			t.Errorf("String(%s) = %v, want %v", doc, got, ok)
		}
	}
	var b bool
	for doc, ok := range map[string]bool{`true`: true, `false`: true, `tru`: false, `True`: false} {
		d := New([]byte(doc))
		if got := Bool(d, &b) && d.End(); got != ok {
			t.Errorf("Bool(%s) = %v, want %v", doc, got, ok)
		}
	}
	if d := New([]byte(`{"Name":1}`)); !d.Open('{') {
		t.Fatal("Open")
	} else if k, _, ok := d.Key(0); !ok || d.Unknown(k, []string{"name"}) {
		t.Error("Unknown accepted a key that folds to a field name")
	}
}
