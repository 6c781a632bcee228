package specjson

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/opencontainers/runtime-spec/specs-go"

	"github.com/oci-run/oci-run/specconv/internal/specjson/internal/gen"
)

// check decodes data with Decode and with json.Unmarshal and fails t if
// Decode accepted the document without giving encoding/json's result.
// It returns Decode's verdict and whether json.Unmarshal succeeded.
func check(t testing.TB, data []byte) (decoded, unmarshaled bool) {
	t.Helper()
	var got specs.Spec
	decoded = Decode(data, &got)
	var want specs.Spec
	err := json.Unmarshal(data, &want)
	if !decoded {
		return false, err == nil
	}
	if err != nil {
		t.Fatalf("Decode accepted a document json.Unmarshal rejects (%v):\n%s", err, data)
	}
	if !reflect.DeepEqual(&got, &want) {
		t.Fatalf("Decode and json.Unmarshal differ at %s:\n%s", firstDiff(reflect.ValueOf(got), reflect.ValueOf(want), "spec"), data)
	}
	return true, true
}

// firstDiff describes the first place where a and b differ for
// reflect.DeepEqual, for failure messages.
func firstDiff(a, b reflect.Value, path string) string {
	if a.IsValid() != b.IsValid() {
		return path + ": one is invalid"
	}
	if !a.IsValid() {
		return ""
	}
	switch a.Kind() {
	case reflect.Pointer, reflect.Interface:
		if a.IsNil() || b.IsNil() {
			if a.IsNil() != b.IsNil() {
				return fmt.Sprintf("%s: Decode %v, json %v", path, a, b)
			}
			return ""
		}
		if a.Kind() == reflect.Interface && a.Elem().Type() != b.Elem().Type() {
			return fmt.Sprintf("%s: Decode %T, json %T", path, a.Interface(), b.Interface())
		}
		return firstDiff(a.Elem(), b.Elem(), path)
	case reflect.Struct:
		for i := range a.NumField() {
			if d := firstDiff(a.Field(i), b.Field(i), path+"."+a.Type().Field(i).Name); d != "" {
				return d
			}
		}
		return ""
	case reflect.Slice:
		if a.IsNil() != b.IsNil() || a.Len() != b.Len() {
			return fmt.Sprintf("%s: Decode nil=%v len %d, json nil=%v len %d", path, a.IsNil(), a.Len(), b.IsNil(), b.Len())
		}
		for i := range a.Len() {
			if d := firstDiff(a.Index(i), b.Index(i), fmt.Sprintf("%s[%d]", path, i)); d != "" {
				return d
			}
		}
		return ""
	case reflect.Map:
		if a.IsNil() != b.IsNil() || a.Len() != b.Len() {
			return fmt.Sprintf("%s: Decode nil=%v len %d, json nil=%v len %d", path, a.IsNil(), a.Len(), b.IsNil(), b.Len())
		}
		for _, k := range a.MapKeys() {
			if d := firstDiff(a.MapIndex(k), b.MapIndex(k), fmt.Sprintf("%s[%q]", path, k)); d != "" {
				return d
			}
		}
		return ""
	}
	if !reflect.DeepEqual(a.Interface(), b.Interface()) {
		return fmt.Sprintf("%s: Decode %#v, json %#v", path, a.Interface(), b.Interface())
	}
	return ""
}

// filler populates values with random contents, through reflection, so
// that the tests reach every field without listing them.
type filler struct {
	r *rand.Rand
	// full sets every pointer, interface, bool, number and string to a
	// non-zero value and every slice and map to a non-empty one, so that
	// even omitempty fields appear in the JSON.
	full bool
	// mapKey, when set, is the only key of every map.
	mapKey string
	// iface gives interface fields a value (which Decode declines);
	// otherwise they stay nil.
	iface bool
}

func (f *filler) fill(v reflect.Value) {
	t := v.Type()
	switch t.Kind() {
	case reflect.String:
		s := f.str()
		for f.full && s == "" {
			s = f.str()
		}
		v.SetString(s)
	case reflect.Bool:
		v.SetBool(f.full || f.r.IntN(2) == 0)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n := f.int(t.Bits())
		for f.full && n == 0 {
			n = f.int(t.Bits())
		}
		v.SetInt(n)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n := f.uint(t.Bits())
		for f.full && n == 0 {
			n = f.uint(t.Bits())
		}
		v.SetUint(n)
	case reflect.Pointer:
		if f.full || f.r.IntN(3) > 0 {
			p := reflect.New(t.Elem())
			f.fill(p.Elem())
			v.Set(p)
		}
	case reflect.Slice:
		n := f.r.IntN(4) - 1 // -1: nil
		if f.full {
			n = 1 + f.r.IntN(2)
		}
		if n < 0 {
			return
		}
		s := reflect.MakeSlice(t, n, n)
		for i := range n {
			f.fill(s.Index(i))
		}
		v.Set(s)
	case reflect.Map:
		n := f.r.IntN(4) - 1
		if f.full {
			n = 1
		}
		if n < 0 {
			return
		}
		m := reflect.MakeMapWithSize(t, n)
		for range n {
			k := reflect.New(t.Key()).Elem()
			if f.mapKey != "" {
				k.SetString(f.mapKey)
			} else {
				f.fill(k)
			}
			e := reflect.New(t.Elem()).Elem()
			f.fill(e)
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	case reflect.Struct:
		for i := range t.NumField() {
			sf := t.Field(i)
			if sf.IsExported() || sf.Anonymous {
				f.fill(v.Field(i))
			}
		}
	case reflect.Interface:
		if f.iface && (f.full || f.r.IntN(2) == 0) {
			vals := []any{"gmsa", 1.5, map[string]any{"a": []any{true, nil}}, []any{"x"}}
			v.Set(reflect.ValueOf(vals[f.r.IntN(len(vals))]))
		}
	default:
		panic("filler: no values for " + t.String())
	}
}

// strPieces are the parts random strings are made of: plain text,
// non-ASCII UTF-8, and what json.Marshal escapes (quotes, backslashes,
// control characters, <>&, U+2028) or replaces (invalid UTF-8).
var strPieces = []string{
	"", "a", "rootfs", "PATH=/usr/local/bin:/usr/bin", "/proc/sys", "CAP_SYS_ADMIN", " ",
	"é", "ß", "中文", "😀", "\U0001F600\U0010FFFF", "\u00ff", "\ufffd", "\u2028", "\u2029", "\x7f",
	`"`, `\`, `\"`, "/", "\n", "\t", "\r", "\b", "\f", "\x00", "\x01", "\x1f",
	"<", ">", "&", "\xff", "\xe2\x82", "\xed\xa0\x80",
}

func (f *filler) str() string {
	var b strings.Builder
	for range f.r.IntN(5) {
		if f.r.IntN(4) == 0 {
			b.WriteRune(rune(f.r.IntN(0x800)))
			continue
		}
		b.WriteString(strPieces[f.r.IntN(len(strPieces))])
	}
	return b.String()
}

// int returns a signed number of the given bit size, often at or near the
// ends of its range.
func (f *filler) int(bits int) int64 {
	lo, hi := int64(-1)<<(bits-1), int64(uint64(1)<<(bits-1)-1)
	switch f.r.IntN(8) {
	case 0:
		return lo
	case 1:
		return hi
	case 2:
		return lo + 1
	case 3:
		return int64(f.r.IntN(3)) - 1
	case 4:
		return int64(f.r.IntN(1000))
	}
	if bits == 64 {
		return int64(f.r.Uint64())
	}
	return lo + int64(f.r.Uint64N(uint64(1)<<bits))
}

// uint returns an unsigned number of the given bit size, often at or near
// the ends of its range.
func (f *filler) uint(bits int) uint64 {
	hi := uint64(math.MaxUint64) >> (64 - bits)
	switch f.r.IntN(6) {
	case 0:
		return hi
	case 1:
		return hi - 1
	case 2:
		return uint64(f.r.IntN(3))
	}
	return f.r.Uint64() & hi
}

// randomSpec returns a spec with random contents in every field.
func randomSpec(r *rand.Rand, iface bool) *specs.Spec {
	s := new(specs.Spec)
	(&filler{r: r, iface: iface}).fill(reflect.ValueOf(s).Elem())
	return s
}

// node is a JSON document kept in its order, so that tests can change
// it and write it out again in many ways.
type node struct {
	kind byte   // '{', '[', '"' or 'l' (number, true, false, null)
	text string // a string's value, a literal's text
	keys []string
	vals []*node // members' values (with keys) or elements
}

func parseNode(data []byte) (*node, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	return readNode(dec)
}

func readNode(dec *json.Decoder) (*node, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch tok := tok.(type) {
	case json.Delim:
		n := &node{kind: byte(tok)}
		for dec.More() {
			if n.kind == '{' {
				k, err := dec.Token()
				if err != nil {
					return nil, err
				}
				n.keys = append(n.keys, k.(string))
			}
			v, err := readNode(dec)
			if err != nil {
				return nil, err
			}
			n.vals = append(n.vals, v)
		}
		if _, err := dec.Token(); err != nil {
			return nil, err
		}
		return n, nil
	case string:
		return &node{kind: '"', text: tok}, nil
	case json.Number:
		return &node{kind: 'l', text: tok.String()}, nil
	case bool:
		return &node{kind: 'l', text: fmt.Sprint(tok)}, nil
	case nil:
		return &node{kind: 'l', text: "null"}, nil
	}
	return nil, fmt.Errorf("unexpected token %v", tok)
}

func (n *node) clone() *node {
	c := *n
	c.keys = append([]string(nil), n.keys...)
	c.vals = make([]*node, len(n.vals))
	for i, v := range n.vals {
		c.vals[i] = v.clone()
	}
	return &c
}

// get returns the member key of an object, or nil.
func (n *node) get(key string) *node {
	for i, k := range n.keys {
		if k == key {
			return n.vals[i]
		}
	}
	return nil
}

// writer writes nodes as JSON with random whitespace and random but valid
// escaping, which json.Marshal never produces: \uXXXX for any character,
// surrogate pairs, \/.
type writer struct {
	r   *rand.Rand
	b   []byte
	odd bool // also write lone surrogates in values, which become U+FFFD
}

func (w *writer) space() {
	if w.r.IntN(3) == 0 {
		for range w.r.IntN(3) {
			w.b = append(w.b, " \t\r\n"[w.r.IntN(4)])
		}
	}
}

func (w *writer) write(n *node) {
	w.space()
	switch n.kind {
	case '{', '[':
		w.b = append(w.b, n.kind)
		for i, v := range n.vals {
			if i > 0 {
				w.space()
				w.b = append(w.b, ',')
			}
			if n.kind == '{' {
				w.space()
				w.quote(n.keys[i], false)
				w.space()
				w.b = append(w.b, ':')
			}
			w.write(v)
		}
		w.space()
		w.b = append(w.b, n.kind+2) // '}' or ']'
	case '"':
		w.quote(n.text, w.odd)
	default:
		w.b = append(w.b, n.text...)
	}
	w.space()
}

func (w *writer) hex(r rune) {
	const lower, upper = "0123456789abcdef", "0123456789ABCDEF"
	digits := lower
	if w.r.IntN(2) == 0 {
		digits = upper
	}
	w.b = append(w.b, '\\', 'u', digits[r>>12&15], digits[r>>8&15], digits[r>>4&15], digits[r&15])
}

// quote writes s as a JSON string; odd inserts lone surrogates.
func (w *writer) quote(s string, odd bool) {
	w.b = append(w.b, '"')
	for _, r := range s {
		if odd && w.r.IntN(20) == 0 {
			w.hex(rune(0xd800 + w.r.IntN(0x800))) // lone or misordered surrogate
		}
		escape := w.r.IntN(4) == 0
		switch {
		case r == '"' || r == '\\' || r < 0x20 || escape:
			short := map[rune]string{'"': `\"`, '\\': `\\`, '/': `\/`, '\b': `\b`, '\f': `\f`, '\n': `\n`, '\r': `\r`, '\t': `\t`}
			if e, ok := short[r]; ok && w.r.IntN(2) == 0 {
				w.b = append(w.b, e...)
			} else if r > 0xffff {
				r1, r2 := surrogates(r)
				w.hex(r1)
				w.hex(r2)
			} else {
				w.hex(r)
			}
		default:
			w.b = utf8.AppendRune(w.b, r)
		}
	}
	w.b = append(w.b, '"')
}

func surrogates(r rune) (rune, rune) {
	r -= 0x10000
	return 0xd800 + r>>10, 0xdc00 + r&0x3ff
}

// model is the generator's view of the spec: which object paths are
// structs, and where Decode declines.
type model struct {
	*gen.Model
	structs map[string]bool // object member paths whose values are structs ("" is the root)
	names   []string        // every field name
}

func loadModel(t testing.TB) *model {
	t.Helper()
	_, m, err := gen.Spec()
	if err != nil {
		t.Fatal(err)
	}
	md := &model{Model: m, structs: map[string]bool{"": true}}
	seen := map[string]bool{}
	for _, p := range m.Fields {
		parent, name := "", p
		if i := strings.LastIndexByte(p, '.'); i >= 0 {
			parent, name = p[:i], p[i+1:]
		}
		md.structs[parent] = true
		if !seen[name] {
			seen[name] = true
			md.names = append(md.names, name)
		}
	}
	return md
}

// childPath is the model path of member key of the object at path.
func (m *model) childPath(path, key string) string {
	if !m.structs[path] {
		return path + "{}"
	}
	if path == "" {
		return key
	}
	return path + "." + key
}

// declines reports whether Decode must decline document n because a
// declined place holds a value.
func (m *model) declines(n *node, path string) bool {
	for _, dc := range m.Declined {
		if dc.Path == path && (!dc.Null || n.text != "null" || n.kind != 'l') {
			return true
		}
	}
	for i, v := range n.vals {
		p := path + "[]"
		if n.kind == '{' {
			p = m.childPath(path, n.keys[i])
		}
		if m.declines(v, p) {
			return true
		}
	}
	return false
}

// foldsToField reports whether key matches a field name case-insensitively.
func (m *model) foldsToField(key string) bool {
	for _, name := range m.names {
		if strings.EqualFold(key, name) {
			return true
		}
	}
	return false
}
