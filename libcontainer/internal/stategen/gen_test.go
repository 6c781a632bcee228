package stategen

import (
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

type (
	withFloat     struct{ F float64 }
	withInterface struct{ I any }
	withChan      struct{ C chan int }
	withFunc      struct{ F func() }
	withComplex   struct{ C complex128 }
	withAnonymous struct{ S struct{ A int } }
	withFloatKey  struct{ M map[float64]string }
	withOmitZero  struct {
		N int `json:"n,omitzero"`
	}
	withStringOpt struct {
		N int `json:"n,string"`
	}
	withByteElems  struct{ B []namedByte }
	withPtrMarshal struct{ P ptrMarshaler }
	withText       struct{ T textMarshaler }
	withTextKey    struct{ M map[textKey]int }
	withEmbedPtr   struct{ *embedded }
	withRecursion  struct{ Next *withRecursion }
	withDeepCycle  struct{ A []cycleB }
	cycleB         struct{ M map[string]withDeepCycle }
	withGeneric    struct{ G generic[int] }
	embedded       struct{ A int }
	namedByte      byte
	ptrMarshaler   struct{}
	textMarshaler  struct{}
	textKey        int
	generic[T any] struct{ V T }
)

func (*ptrMarshaler) MarshalJSON() ([]byte, error) { return []byte("1"), nil }
func (textMarshaler) MarshalText() ([]byte, error) { return []byte("t"), nil }
func (textKey) MarshalText() ([]byte, error)       { return []byte("k"), nil }

// TestGenerateRefuses checks that the generator fails, saying where and
// why, on each type whose encoding it does not mirror.
func TestGenerateRefuses(t *testing.T) {
	for _, tc := range []struct {
		root reflect.Type
		want string
	}{
		{reflect.TypeFor[int](), "not a named struct"},
		{reflect.TypeFor[withFloat](), "withFloat.F: float64: floating-point"},
		{reflect.TypeFor[withInterface](), "withInterface.I: interface {} is an interface"},
		{reflect.TypeFor[withChan](), "kind chan is not supported"},
		{reflect.TypeFor[withFunc](), "kind func is not supported"},
		{reflect.TypeFor[withComplex](), "kind complex128 is not supported"},
		{reflect.TypeFor[withAnonymous](), "withAnonymous.S: anonymous struct type"},
		{reflect.TypeFor[withFloatKey](), "map key float64"},
		{reflect.TypeFor[withOmitZero](), "withOmitZero.n: the omitzero option"},
		{reflect.TypeFor[withStringOpt](), "withStringOpt.n: the string option"},
		{reflect.TypeFor[withByteElems](), "named byte type"},
		{reflect.TypeFor[withPtrMarshal](), "MarshalJSON on its pointer only"},
		{reflect.TypeFor[withText](), "has a MarshalText method"},
		{reflect.TypeFor[withTextKey](), "map key stategen.textKey has a MarshalText method"},
		{reflect.TypeFor[withEmbedPtr](), "embedded pointer"},
		{reflect.TypeFor[withRecursion](), "withRecursion.Next: stategen.withRecursion is recursive"},
		{reflect.TypeFor[withDeepCycle](), "withDeepCycle.A[].M{}: stategen.withDeepCycle is recursive"},
		{reflect.TypeFor[withGeneric](), "generic type"},
	} {
		src, err := Generate(tc.root, "")
		if err == nil {
			t.Errorf("Generate(%v) succeeded:\n%s", tc.root, src)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Generate(%v): %v, want an error containing %q", tc.root, err, tc.want)
		}
	}
}

// A string option on a kind it does not apply to is ignored by
// encoding/json, and so by the generator.
type stringOnStruct struct {
	S embedded `json:"s,string"`
}

// TestGenerateAccepts checks types the generator supports: the string
// option where encoding/json ignores it, and MarshalJSON and MarshalText
// together (MarshalJSON wins, as for time.Time).
func TestGenerateAccepts(t *testing.T) {
	type both struct {
		T  time.Time
		TP *time.Time
		S  stringOnStruct
	}
	src, err := Generate(reflect.TypeFor[both](), "")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"appendMarshalJSON(b, v.T)", "appendMarshalJSON(b, v.TP)", "appendStringOnStruct(b, &v.S)"} {
		if !strings.Contains(string(src), want) {
			t.Errorf("no %q in:\n%s", want, src)
		}
	}
}

// Types whose field selection follows every rule of encoding/json.
type (
	fieldsRoot struct {
		Plain   string
		Tagged  string `json:"tagged"`
		Renamed string `json:"plain2"`
		Skipped string `json:"-"`
		Dash    string `json:"-,"`
		BadName string `json:"a\"b"`
		Punct   string `json:"a-b.c:d"`
		hidden  string
		Shallow string
		inner
		Outer
		Named inner `json:"named"`
		PtrTo *inner
		twice1
		twice2
	}
	inner struct {
		Shallow string // hidden by fieldsRoot's
		Deep    string
		Tie     string // ties with Outer's: both dropped
		Win     string `json:"win"` // beats Outer's untagged Win
		deeper
	}
	Outer struct {
		Tie     string
		Win     string
		OnlyOut string `json:"onlyOut"`
	}
	deeper struct {
		Deep     string // hidden by inner's, shallower
		Deepest  string
		Repeated string
	}
	// twice1 and twice2 both embed deeper2: its fields appear twice at
	// one depth and hide each other.
	twice1  struct{ deeper2 }
	twice2  struct{ deeper2 }
	deeper2 struct{ Twice string }
)

// TestObjectFieldsMatchEncodingJSON checks objectFields's names and order
// against the keys encoding/json writes.
func TestObjectFieldsMatchEncodingJSON(t *testing.T) {
	b, err := json.Marshal(fieldsRoot{PtrTo: &inner{}})
	if err != nil {
		t.Fatal(err)
	}
	want, err := topKeys(b)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range objectFields(reflect.TypeFor[fieldsRoot]()) {
		got = append(got, f.name)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("objectFields: %q\nencoding/json writes %q", got, want)
	}
}

// topKeys returns the keys of the JSON object b, in order.
func topKeys(b []byte) ([]string, error) {
	dec := json.NewDecoder(strings.NewReader(string(b)))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, errors.Join(err, errors.New("not an object"))
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		keys = append(keys, tok.(string))
		var v json.RawMessage // skipped
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
	}
	return keys, nil
}
