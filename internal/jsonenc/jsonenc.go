// Package jsonenc writes JSON strings and MarshalJSON output byte for byte
// as encoding/json does by default (HTML-safe), for the hand-written and
// generated encoders that replace encoding/json's reflection in a command's
// short life: libcontainer's state encoder (stateenc_gen.go) and the CLI's
// `state` output.
package jsonenc

import (
	"bytes"
	"encoding/json"
	"reflect"
	"unicode/utf8"
)

const hexDigits = "0123456789abcdef"

// jsonSafe marks the ASCII bytes encoding/json writes in a string as they
// are: all but the controls, quote, backslash, <, > and &.
var jsonSafe = func() (safe [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		safe[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return safe
}()

// AppendString appends s as encoding/json writes a string: quoted;
// backslash and quote escaped; \b \f \n \r \t for those controls and
// \u00XX for the other bytes below 0x20; <, > and & as \u003c \u003e
// \u0026; U+2028 and U+2029 as \u2028 \u2029; and each byte of invalid
// UTF-8 as \ufffd.
func AppendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if jsonSafe[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// AppendMarshalJSON appends what v's MarshalJSON returns, compacted and
// HTML-escaped, as encoding/json does. An error is a *json.MarshalerError
// for type T, as encoding/json returns.
func AppendMarshalJSON[T json.Marshaler](b []byte, v T) ([]byte, error) {
	j, err := v.MarshalJSON()
	if err == nil {
		b, err = appendCompactJSON(b, j)
	}
	if err != nil {
		return b, &json.MarshalerError{Type: reflect.TypeFor[T](), Err: err}
	}
	return b, nil
}

// appendCompactJSON appends j, which must be valid JSON, without its
// insignificant spaces and with <, >, &, U+2028 and U+2029 escaped. Output
// with nothing to change (a time's, always) is only validated.
func appendCompactJSON(b, j []byte) ([]byte, error) {
	if json.Valid(j) && !needsCompacting(j) {
		return append(b, j...), nil
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, j); err != nil {
		return b, err
	}
	out := bytes.NewBuffer(b)
	json.HTMLEscape(out, compact.Bytes())
	return out.Bytes(), nil
}

// needsCompacting reports whether j has a byte that json.Compact or
// json.HTMLEscape may change: white space, <, >, & or the first byte of
// U+2028 and U+2029.
func needsCompacting(j []byte) bool {
	for _, c := range j {
		switch c {
		case ' ', '\t', '\n', '\r', '<', '>', '&', 0xe2:
			return true
		}
	}
	return false
}
