package jsonenc

import (
	"bytes"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"reflect"
	"testing"
	"unicode/utf8"
)

// checkString fails unless AppendString writes s as json.Marshal
// does.
func checkString(t *testing.T, s string) {
	t.Helper()
	want, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	if got := AppendString([]byte("x"), s); !bytes.Equal(got[1:], want) || got[0] != 'x' {
		t.Fatalf("AppendString(%q) = %s, want x%s", s, got, want)
	}
}

// TestAppendString checks every byte and every rune up to U+FFFF, each
// alone and between text, raw surrogate and truncated sequences, and
// random byte strings.
func TestAppendString(t *testing.T) {
	for c := range 256 {
		checkString(t, string([]byte{byte(c)}))
		checkString(t, "ab"+string([]byte{byte(c)})+"cd")
	}
	for r := rune(0); r <= 0xffff; r++ {
		s := string(r)
		checkString(t, s)
		checkString(t, "a"+s+"\u00e9"+s)
	}
	for _, s := range []string{
		"", "\xed\xa0\x80", "\xed\xbf\xbf", "\xe2\x80", "\xe2\x80\xa8\xe2\x80", "\xf0\x9f\x98",
		"\xf4\x90\x80\x80", "\xc0\x80", "\U0010ffff", "\U0001F600\xff",
	} {
		checkString(t, s)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		b := make([]byte, r.IntN(16))
		for i := range b {
			b[i] = byte(r.UintN(256))
		}
		checkString(t, string(b))
	}
}

// FuzzAppendString compares AppendString with json.Marshal.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "a<b>&c", "\u2028\u2029", "\xff\x00\n", `"\`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkString(t, s) })
}

// rawMarshaler returns its bytes, or its error, from MarshalJSON.
type rawMarshaler struct {
	out []byte
	err error
}

func (m rawMarshaler) MarshalJSON() ([]byte, error) { return m.out, m.err }

// TestAppendMarshalJSON checks that a MarshalJSON method's output is
// compacted and HTML-escaped, and its errors and invalid output reported,
// as encoding/json does.
func TestAppendMarshalJSON(t *testing.T) {
	for _, m := range []rawMarshaler{
		{out: []byte(`"2006-01-02T15:04:05Z"`)},
		{out: []byte(" { \"a\" : [ 1 ,\n\t2 ] , \"b<\" : \"<&>\u2028\u2029 x\" } ")},
		{out: []byte(`"\u003c"`)},
		{out: []byte("null")},
		{out: []byte("\u2028")},
		{out: []byte(`{"a":}`)},
		{out: []byte(`"open`)},
		{out: []byte(`1 2`)},
		{out: []byte(``)},
		{out: []byte(`<`)},
		{err: errors.New("no way")},
	} {
		want, wantErr := json.Marshal(m)
		got, gotErr := AppendMarshalJSON([]byte("x"), m)
		if wantErr != nil || gotErr != nil {
			var me *json.MarshalerError
			if gotErr == nil || wantErr == nil || gotErr.Error() != wantErr.Error() ||
				!errors.As(gotErr, &me) || me.Type != reflect.TypeFor[rawMarshaler]() {
				t.Fatalf("MarshalJSON giving %q, %v: got error %v, want %v", m.out, m.err, gotErr, wantErr)
			}
			continue
		}
		if !bytes.Equal(got[1:], want) || got[0] != 'x' || !utf8.Valid(got) {
			t.Fatalf("MarshalJSON giving %q: got %s, want x%s", m.out, got, want)
		}
	}
}
