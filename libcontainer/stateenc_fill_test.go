package libcontainer

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"
)

// fillPieces are what random strings are made of: plain text, every
// character encoding/json escapes (controls, quote, backslash, <, >, &,
// U+2028, U+2029), invalid UTF-8 (stray, truncated, surrogate and
// too-large sequences) and valid multi-byte runes.
var fillPieces = []string{
	"a", "Z", "09", "/proc/1/ns", " ", "-_.:=", "\x7f",
	"\x00", "\x01", "\b", "\t", "\n", "\v", "\f", "\r", "\x1b", "\x1f",
	`"`, `\`, "<", ">", "&", "</script>",
	"\u2028", "\u2029", "\u00e9", "\u4e16", "\U0001F600", "\ufffd", "\ufeff",
	"\xff", "\xc3", "\xe2\x80", "\xe2\x80\xa8", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\x80",
}

// filler sets values to random contents, reaching every exported field.
type filler struct {
	t *testing.T
	r *rand.Rand
}

// fill sets v, a settable value, to random contents.
func (f *filler) fill(v reflect.Value) {
	if v.Type() == reflect.TypeFor[time.Time]() {
		v.Set(reflect.ValueOf(f.time()))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(f.string())
	case reflect.Bool:
		v.SetBool(f.r.IntN(2) == 0)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(int64(f.bits())) // truncated to the kind's size
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		v.SetUint(f.bits())
	case reflect.Pointer:
		if f.r.IntN(3) == 0 {
			v.SetZero()
			return
		}
		v.Set(reflect.New(v.Type().Elem()))
		f.fill(v.Elem())
	case reflect.Slice:
		n, ok := f.length()
		if !ok {
			v.SetZero()
			return
		}
		v.Set(reflect.MakeSlice(v.Type(), n, n))
		for i := range n {
			f.fill(v.Index(i))
		}
	case reflect.Array:
		for i := range v.Len() {
			f.fill(v.Index(i))
		}
	case reflect.Map:
		n, ok := f.length()
		if !ok {
			v.SetZero()
			return
		}
		v.Set(reflect.MakeMapWithSize(v.Type(), n))
		for range n {
			k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
			f.fill(k)
			f.fill(e)
			v.SetMapIndex(k, e)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			// The exported fields of an embedded struct are settable and
			// encoded even when the struct's type is unexported.
			if sf := v.Type().Field(i); sf.IsExported() || sf.Anonymous && sf.Type.Kind() == reflect.Struct {
				f.fill(v.Field(i))
			}
		}
	default:
		f.t.Fatalf("filler: %v: kind %v is not filled", v.Type(), v.Kind())
	}
}

// string returns a random string of fillPieces, empty one time in four.
func (f *filler) string() string {
	if f.r.IntN(4) == 0 {
		return ""
	}
	var sb strings.Builder
	for range 1 + f.r.IntN(8) {
		sb.WriteString(fillPieces[f.r.IntN(len(fillPieces))])
	}
	return sb.String()
}

// bits returns random 64 bits for an integer: zero, small, extreme or any.
func (f *filler) bits() uint64 {
	switch f.r.IntN(5) {
	case 0:
		return 0
	case 1:
		return uint64(f.r.IntN(200)) - 100
	case 2:
		return []uint64{1 << 63, 1<<63 - 1, 1<<64 - 1, 1 << 31, 1<<32 - 1, 1 << 15, 1<<16 - 1, 1 << 7, 255}[f.r.IntN(9)]
	}
	return f.r.Uint64()
}

// length returns a length for a slice or map, or false for nil: nil and
// empty one time in four each.
func (f *filler) length() (int, bool) {
	switch f.r.IntN(4) {
	case 0:
		return 0, false
	case 1:
		return 0, true
	}
	return 1 + f.r.IntN(3), true
}

// time returns a random time: any nanosecond from year -50 to 10050 (so
// about one in a hundred out of encoding/json's range), in UTC, the local
// zone or a fixed offset, one time in eight any offset up to 30 hours (a
// fifth of those out of range).
func (f *filler) time() time.Time {
	const year = 365 * 24 * 3600
	from := time.Date(-50, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	t := time.Unix(from+f.r.Int64N(10100*year), f.r.Int64N(1e9))
	switch f.r.IntN(8) {
	case 0, 1:
		return t.UTC()
	case 2, 3:
		return t.Local()
	case 7:
		return t.In(time.FixedZone("odd", f.r.IntN(2*30*3600+1)-30*3600))
	}
	return t.In(time.FixedZone("", (f.r.IntN(2*14*60+1)-14*60)*60))
}

// TestStateEncodeRandom compares the generated encoder with encoding/json
// on states whose every field is random, for thousands of seeds.
func TestStateEncodeRandom(t *testing.T) {
	seeds := 3000
	if testing.Short() {
		seeds = 300
	}
	failed := 0
	for seed := range seeds {
		f := &filler{t: t, r: rand.New(rand.NewPCG(uint64(seed), 0x5eed))}
		s := &State{}
		f.fill(reflect.ValueOf(s).Elem())
		t.Run("", func(t *testing.T) {
			t.Logf("seed %d", seed)
			checkStateEncoding(t, s)
		})
		if _, err := marshalState(s); err != nil {
			failed++
		}
	}
	// The errors (times out of range) are few: the rest is compared.
	if failed > seeds/10 {
		t.Fatalf("%d of %d random states failed to encode", failed, seeds)
	}
}
