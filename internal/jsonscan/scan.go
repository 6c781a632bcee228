// Package jsonscan is a small JSON scanner for hand-written and generated
// decoders that must give exactly encoding/json's result or decline: the
// decoders of config.json (specconv/internal/specjson) and state.json
// (libcontainer). It builds nothing at run time, so a short-lived process
// does not pay encoding/json's first-use cost (building reflective
// decoders, ~0.5-2 ms per type tree).
//
// Every method reports false on anything it does not accept; the caller
// then stops and falls back to encoding/json.
package jsonscan

import (
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// MaxSkipDepth bounds the nesting of a skipped value (the value of an
// unknown key). encoding/json allows deeper documents; a deeper one is
// declined, which keeps the recursion of skip small.
const MaxSkipDepth = 200

// Decoder is the scanner the generated decode functions drive. Every
// method reports false on anything it does not accept, and the decoding
// then stops: the caller falls back to encoding/json.
type Decoder struct {
	data []byte
	pos  int
	// buf holds the last string that needed unescaping. A key returned by
	// key may alias it, so a key is used before the next string is read.
	buf []byte
}

// New returns a Decoder reading data from its start.
func New(data []byte) *Decoder { return &Decoder{data: data} }

// End reports whether only whitespace is left: the document is complete.
func (d *Decoder) End() bool {
	d.Peek()
	return d.pos == len(d.data)
}

// Peek skips whitespace and returns the next byte, or 0 at the end.
func (d *Decoder) Peek() byte {
	for d.pos < len(d.data) {
		switch c := d.data[d.pos]; c {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return c
		}
	}
	return 0
}

// Literal consumes the keyword lit (true, false, null) if it comes next.
// What follows it is checked by the caller, which expects a delimiter.
func (d *Decoder) Literal(lit string) bool {
	if d.Peek() != lit[0] || len(d.data)-d.pos < len(lit) || string(d.data[d.pos:d.pos+len(lit)]) != lit {
		return false
	}
	d.pos += len(lit)
	return true
}

// Null consumes a null if one comes next.
func (d *Decoder) Null() bool {
	return d.Literal("null")
}

// Open consumes c ('{' or '[') if it comes next.
func (d *Decoder) Open(c byte) bool {
	if d.Peek() != c {
		return false
	}
	d.pos++
	return true
}

// Key reads the n-th (0-based) member of an object opened by Open('{'):
// the separating comma, the key and the colon. done reports the object's
// closing brace, which it consumes. The key aliases the input or d.buf.
func (d *Decoder) Key(n int) (key []byte, done, ok bool) {
	return d.Member(n, true)
}

// Member is Key; without keep, it only checks the key's syntax, and the
// key it returns is not unescaped.
func (d *Decoder) Member(n int, keep bool) (key []byte, done, ok bool) {
	c := d.Peek()
	if c == '}' {
		d.pos++
		return nil, true, true
	}
	if n > 0 {
		if c != ',' {
			return nil, false, false
		}
		d.pos++
		c = d.Peek()
	}
	if c != '"' {
		return nil, false, false
	}
	key, ok = d.Str(keep)
	if !ok || d.Peek() != ':' {
		return nil, false, false
	}
	d.pos++
	return key, false, true
}

// Elem steps to the n-th (0-based) element of an array opened by
// Open('['): done reports the closing bracket, which it consumes;
// otherwise the element's value comes next.
func (d *Decoder) Elem(n int) (done, ok bool) {
	c := d.Peek()
	if c == ']' {
		d.pos++
		return true, true
	}
	if n > 0 {
		if c != ',' {
			return false, false
		}
		d.pos++
	}
	// An element that does not start a value (a trailing comma, "[,")
	// fails in the value's Decoder.
	return false, true
}

// Str reads the string token at d.pos (its opening quote) and returns its
// contents. A string without escapes is returned as a slice of the input;
// one with escapes is unescaped into d.buf, as encoding/json does, unless
// keep is false: then only its syntax is checked, and the raw contents are
// returned. Control characters are syntax errors, and invalid UTF-8, which
// encoding/json replaces with U+FFFD, is declined.
func (d *Decoder) Str(keep bool) ([]byte, bool) {
	data := d.data
	start := d.pos + 1
	for i := start; i < len(data); {
		c := data[i]
		switch {
		case c == '"':
			d.pos = i + 1
			return data[start:i], true
		case c == '\\':
			return d.unescape(start, i, keep)
		case c < 0x20:
			return nil, false
		case c < utf8.RuneSelf:
			i++
		default:
			r, size := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && size == 1 {
				return nil, false
			}
			i += size
		}
	}
	return nil, false
}

// unescape continues str from the first backslash, at i.
func (d *Decoder) unescape(start, i int, keep bool) ([]byte, bool) {
	data := d.data
	var b []byte
	if keep {
		b = append(d.buf[:0], data[start:i]...)
	}
	for i < len(data) {
		c := data[i]
		switch {
		case c == '"':
			d.pos = i + 1
			if !keep {
				return data[start:i], true
			}
			d.buf = b
			return b, true
		case c == '\\':
			if i+1 >= len(data) {
				return nil, false
			}
			e := data[i+1]
			i += 2
			switch e {
			case '"', '\\', '/':
			case 'b':
				e = '\b'
			case 'f':
				e = '\f'
			case 'n':
				e = '\n'
			case 'r':
				e = '\r'
			case 't':
				e = '\t'
			case 'u':
				r, ok := hex4(data[i:])
				if !ok {
					return nil, false
				}
				i += 4
				if utf16.IsSurrogate(r) {
					// A high surrogate followed by an escaped low one is
					// one rune; any other surrogate is U+FFFD, and what
					// follows it is read on its own.
					r2, ok := rune(0), false
					if i+1 < len(data) && data[i] == '\\' && data[i+1] == 'u' {
						r2, ok = hex4(data[i+2:])
					}
					if pair := utf16.DecodeRune(r, r2); ok && pair != utf8.RuneError {
						r = pair
						i += 6
					} else {
						r = utf8.RuneError
					}
				}
				if keep {
					b = utf8.AppendRune(b, r)
				}
				continue
			default:
				return nil, false
			}
			if keep {
				b = append(b, e)
			}
		case c < 0x20:
			return nil, false
		case c < utf8.RuneSelf:
			if keep {
				b = append(b, c)
			}
			i++
		default:
			r, size := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && size == 1 {
				return nil, false
			}
			if keep {
				b = append(b, data[i:i+size]...)
			}
			i += size
		}
	}
	return nil, false
}

// hex4 reads the four hex digits of a \u escape.
func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// Number reads a number token, checking JSON's grammar:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (d *Decoder) Number() ([]byte, bool) {
	data := d.data
	start := d.pos
	i := start
	if i < len(data) && data[i] == '-' {
		i++
	}
	switch {
	case i >= len(data):
		return nil, false
	case data[i] == '0':
		i++
	case '1' <= data[i] && data[i] <= '9':
		i = digits(data, i)
	default:
		return nil, false
	}
	if i < len(data) && data[i] == '.' {
		j := digits(data, i+1)
		if j == i+1 {
			return nil, false
		}
		i = j
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		j := digits(data, i)
		if j == i {
			return nil, false
		}
		i = j
	}
	d.pos = i
	return data[start:i], true
}

// digits returns the index of the first non-digit at or after i.
func digits(b []byte, i int) int {
	for i < len(b) && '0' <= b[i] && b[i] <= '9' {
		i++
	}
	return i
}

// Skip reads over any value, checking its syntax: the value of an unknown
// key, which encoding/json ignores once it has scanned it.
func (d *Decoder) Skip(depth int) bool {
	switch d.Peek() {
	case '{':
		if depth >= MaxSkipDepth {
			return false
		}
		d.pos++
		for n := 0; ; n++ {
			_, done, ok := d.Member(n, false)
			if !ok {
				return false
			}
			if done {
				return true
			}
			if !d.Skip(depth + 1) {
				return false
			}
		}
	case '[':
		if depth >= MaxSkipDepth {
			return false
		}
		d.pos++
		for n := 0; ; n++ {
			done, ok := d.Elem(n)
			if !ok {
				return false
			}
			if done {
				return true
			}
			if !d.Skip(depth + 1) {
				return false
			}
		}
	case '"':
		_, ok := d.Str(false)
		return ok
	case 't':
		return d.Literal("true")
	case 'f':
		return d.Literal("false")
	case 'n':
		return d.Null()
	default:
		_, ok := d.Number()
		return ok
	}
}

// Unknown handles a key that names no field of the struct whose JSON
// names are names. encoding/json ignores such a key and its value, unless
// the key matches a name case-insensitively: that decodes into the field,
// which is left to encoding/json.
func (d *Decoder) Unknown(key []byte, names []string) bool {
	for _, name := range names {
		if foldEqual(key, name) {
			return false
		}
	}
	return d.Skip(0)
}

// foldEqual reports whether key and name are equal under Unicode case
// folding, as encoding/json matches keys to field names.
func foldEqual(key []byte, name string) bool {
	for _, c := range key {
		if c >= utf8.RuneSelf {
			return strings.EqualFold(string(key), name)
		}
	}
	// An ASCII key: only ASCII letters fold to ASCII letters.
	if len(key) != len(name) {
		return false
	}
	for i, c := range key {
		n := name[i]
		if c == n {
			continue
		}
		if c|0x20 != n|0x20 || c|0x20 < 'a' || c|0x20 > 'z' {
			return false
		}
	}
	return true
}

// The value decoders below take the null literal as encoding/json does for
// strings, numbers and booleans: the value is left as it is.

// String decodes a string into any string type.
func String[T ~string](d *Decoder, p *T) bool {
	switch d.Peek() {
	case '"':
		s, ok := d.Str(true)
		if !ok {
			return false
		}
		*p = T(s)
		return true
	case 'n':
		return d.Null()
	}
	return false
}

// Bool decodes true or false.
func Bool[T ~bool](d *Decoder, p *T) bool {
	switch d.Peek() {
	case 't':
		if !d.Literal("true") {
			return false
		}
		*p = true
		return true
	case 'f':
		if !d.Literal("false") {
			return false
		}
		*p = false
		return true
	case 'n':
		return d.Null()
	}
	return false
}

// Int decodes an integer of the given bit size (0: int's). Like
// encoding/json it takes what strconv.ParseInt takes, so a fraction, an
// exponent or an overflow is declined.
func Int[T ~int | ~int8 | ~int16 | ~int32 | ~int64](d *Decoder, p *T, bits int) bool {
	if d.Peek() == 'n' {
		return d.Null()
	}
	lit, ok := d.Number()
	if !ok {
		return false
	}
	n, err := strconv.ParseInt(string(lit), 10, bits)
	if err != nil {
		return false
	}
	*p = T(n)
	return true
}

// Uint decodes an unsigned integer of the given bit size (0:
// uint's); a minus sign is declined too, even on 0.
func Uint[T ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64](d *Decoder, p *T, bits int) bool {
	if d.Peek() == 'n' {
		return d.Null()
	}
	lit, ok := d.Number()
	if !ok {
		return false
	}
	n, err := strconv.ParseUint(string(lit), 10, bits)
	if err != nil {
		return false
	}
	*p = T(n)
	return true
}

// Raw reads over any value, checking its syntax, and returns its bytes (a
// copy), as encoding/json stores a json.RawMessage.
func (d *Decoder) Raw() ([]byte, bool) {
	d.Peek()
	start := d.pos
	if !d.Skip(0) {
		return nil, false
	}
	return append([]byte(nil), d.data[start:d.pos]...), true
}

// StringMap decodes an object of strings into a map with string keys, as
// encoding/json does: null sets nil, {} an empty map, a null value the
// empty string; of repeated keys the last wins.
func StringMap[K ~string, V ~string](d *Decoder, p *map[K]V) bool {
	if d.Null() {
		*p = nil
		return true
	}
	if !d.Open('{') {
		return false
	}
	m := make(map[K]V)
	for n := 0; ; n++ {
		k, done, ok := d.Key(n)
		if !ok {
			return false
		}
		if done {
			*p = m
			return true
		}
		key := K(k)
		var v V
		if !String(d, &v) {
			return false
		}
		m[key] = v
	}
}
