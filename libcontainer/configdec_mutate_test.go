package libcontainer

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math/rand/v2"
	"slices"
)

// jsonSpan is the byte range of one token's value in a document: a key, a
// scalar, or a whole object or array.
type jsonSpan struct {
	start, end int
	key        bool
}

// jsonSpans lists the spans of every key and value of the valid document
// data (a container's span after those inside it).
func jsonSpans(data []byte) ([]jsonSpan, error) {
	type frame struct {
		start   int
		object  bool
		wantKey bool
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	var stack []frame
	var spans []jsonSpan
	// valueDone records that the object around a value wants a key next.
	valueDone := func() {
		if n := len(stack); n > 0 && stack[n-1].object {
			stack[n-1].wantKey = true
		}
	}
	for {
		before := int(dec.InputOffset())
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return spans, nil
		}
		if err != nil {
			return nil, err
		}
		start, end := tokenStart(data, before), int(dec.InputOffset())
		switch tok {
		case json.Delim('{'), json.Delim('['):
			stack = append(stack, frame{start: start, object: tok == json.Delim('{'), wantKey: true})
			continue
		case json.Delim('}'), json.Delim(']'):
			f := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			spans = append(spans, jsonSpan{start: f.start, end: end})
			valueDone()
			continue
		}
		if n := len(stack); n > 0 && stack[n-1].object && stack[n-1].wantKey {
			stack[n-1].wantKey = false
			spans = append(spans, jsonSpan{start: start, end: end, key: true})
			continue
		}
		spans = append(spans, jsonSpan{start: start, end: end})
		valueDone()
	}
}

// tokenStart skips the whitespace and separators from i to a token.
func tokenStart(data []byte, i int) int {
	for i < len(data) && bytes.IndexByte([]byte(" \t\r\n,:"), data[i]) >= 0 {
		i++
	}
	return i
}

// literals replace values in mutated documents: every JSON type, empty
// containers, numbers at the edges of the integer fields, escapes.
var literals = []string{
	`null`, `[]`, `{}`, `""`, `"x"`, `0`, `-0`, `1`, `-1`, `1.5`, `1e2`, `true`, `false`,
	`255`, `256`, `65536`, `4294967296`, `-2147483649`, `18446744073709551615`, `18446744073709551616`,
	`-9223372036854775808`, `-9223372036854775809`, `"\u00e9\ud800\n\"<&>"`, `[null]`, `[{}]`, `{"x":1}`,
	`{"x":[{"y":null}]}`, `[[]]`, `[1,"a",null]`,
}

// mutation is the kind of change mutate made to a document.
type mutation int

const (
	// mutValue replaces a value (not the document) with a literal. The
	// result has no repeated or case-folded key, so decodeConfig must
	// take it whenever encoding/json does.
	mutValue    mutation = iota
	mutSwap              // a value replaced by another of the document
	mutMember            // a member inserted at the start of an object: a repeated, case-changed or unknown key
	mutBytes             // bytes replaced, deleted or inserted
	mutTruncate          // the document cut short
	numMutations
)

// String names the kind of mutation.
func (m mutation) String() string {
	return [...]string{"value", "swap", "member", "bytes", "truncation"}[m]
}

// interesting are the bytes mutBytes writes: JSON's punctuation, the
// starts of literals and numbers, escapes, invalid UTF-8.
const interesting = "\"\\{}[],: \t\nnulltrfse0-1.eE+u\x00\x7f\xff\xc3A"

// mutate returns a copy of doc, a valid document, changed once by a
// random kind of mutation, and the kind.
func mutate(r *rand.Rand, doc []byte, spans []jsonSpan) ([]byte, mutation) {
	kind := mutation(r.IntN(int(numMutations)))
	values := slices.DeleteFunc(slices.Clone(spans), func(s jsonSpan) bool {
		return s.key || s.start == 0 && s.end == len(doc)
	})
	if len(values) == 0 && kind <= mutMember {
		kind = mutBytes
	}
	replace := func(s jsonSpan, with []byte) []byte {
		return slices.Concat(doc[:s.start], with, doc[s.end:])
	}
	switch kind {
	case mutValue:
		// null, which every place takes, one time in three.
		lit := literals[r.IntN(len(literals))]
		if r.IntN(3) == 0 {
			lit = "null"
		}
		return replace(values[r.IntN(len(values))], []byte(lit)), kind
	case mutSwap:
		from := values[r.IntN(len(values))]
		return replace(values[r.IntN(len(values))], doc[from.start:from.end]), kind
	case mutMember:
		var objects, keys []jsonSpan
		for _, s := range spans {
			if s.key {
				keys = append(keys, s)
			} else if doc[s.start] == '{' && s.end-s.start > 2 {
				objects = append(objects, s)
			}
		}
		if len(objects) == 0 || len(keys) == 0 {
			return doc[:r.IntN(len(doc))], mutTruncate
		}
		o, k := objects[r.IntN(len(objects))], keys[r.IntN(len(keys))]
		key := slices.Clone(doc[k.start:k.end])
		switch r.IntN(3) {
		case 0: // another case
			// A byte between the quotes, if any; a letter changes case,
			// anything else likely breaks the key.
			if i := 1 + r.IntN(len(key)-1); i < len(key)-1 {
				key[i] ^= 0x20
			}
		case 1: // unknown
			key = []byte(`"x-unknown"`)
		}
		member := slices.Concat(key, []byte(":"), []byte(literals[r.IntN(len(literals))]), []byte(","))
		return slices.Concat(doc[:o.start+1], member, doc[o.start+1:]), kind
	case mutBytes:
		out := slices.Clone(doc)
		for range 1 + r.IntN(3) {
			i := r.IntN(len(out) + 1)
			switch r.IntN(3) {
			case 0:
				if i < len(out) {
					out[i] = interesting[r.IntN(len(interesting))]
				}
			case 1:
				out = slices.Delete(out, i, min(len(out), i+1+r.IntN(8)))
			default:
				out = slices.Insert(out, i, interesting[r.IntN(len(interesting))])
			}
		}
		return out, kind
	}
	return doc[:r.IntN(len(doc))], mutTruncate
}
