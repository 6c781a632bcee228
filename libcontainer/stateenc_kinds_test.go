package libcontainer

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/oci-run/oci-run/libcontainer/internal/stategen"
)

// encKinds has what the generator supports beyond what State holds, so
// that the code it writes for them is compiled and compared with
// encoding/json too (stateenc_kinds_gen_test.go): byte slices, arrays,
// integer-keyed maps, pointers to pointers, times behind pointers and in
// containers, MarshalJSON output to compact and escape, tag names to
// escape or ignore, and embedded structs whose fields are promoted,
// shadowed or hide each other. Its first member may be omitted.
type encKinds struct {
	First      string               `json:"first,omitempty"`
	Bytes      []byte               `json:"bytes"`
	NamedBytes ekBytes              `json:"namedBytes,omitempty"`
	Array      [3]int16             `json:"array"`
	ByteArray  [2]byte              `json:"byteArray"`
	NoArray    [0]string            `json:"noArray,omitempty"`
	IntMap     map[int]string       `json:"intMap"`
	Int8Map    map[int8]bool        `json:"int8Map,omitempty"`
	UintMap    map[uint16]*ekLeaf   `json:"uintMap,omitempty"`
	LeafMap    map[ekName]ekLeaf    `json:"leafMap"`
	Uintptr    uintptr              `json:"uintptr,omitempty"`
	PtrPtr     **int                `json:"ptrPtr"`
	LeafPtrPtr **ekLeaf             `json:"leafPtrPtr"`
	Time       *time.Time           `json:"time"`
	Times      []time.Time          `json:"times,omitempty"`
	TimeMap    map[string]time.Time `json:"timeMap,omitempty"`
	Spaced     ekSpaced             `json:"spaced"`
	SpacedPtr  *ekSpaced            `json:"spacedPtr,omitempty"`
	Levels     []ekLevel            `json:"levels"`
	Empty      ekEmpty              `json:"empty,omitempty"` // a struct: never omitted
	Leaves     []ekLeaf             `json:"leaves"`
	Untagged   string
	HTMLKey    int    `json:"a<b&c>"`
	BadTag     string `json:"a'b"` // not a valid name: the Go name is used
	Dash       bool   `json:"-,"`
	Skipped    string `json:"-"`
	Shallow    string `json:"shallow"` // hides ekInner's
	ekInner
	ekOther
	unexported string
}

// ekInner is embedded: its fields are promoted, but Shallow is hidden by
// encKinds's, Dup ties with ekOther's (both dropped), and X loses to
// ekOther's tagged field of that name.
type ekInner struct {
	Inner   string `json:"inner"`
	Shallow string `json:"shallow"`
	Dup     int
	X       string
}

type ekOther struct {
	Dup   int
	Y     string `json:"X"`
	Other uint8  `json:"other,omitempty"`
}

type ekName string

type ekBytes []byte

type ekEmpty struct{}

// ekLeaf's members may all be omitted: then it is {}.
type ekLeaf struct {
	A string   `json:"a,omitempty"`
	B int32    `json:",omitempty"`
	C *bool    `json:"c,omitempty"`
	D []string `json:"d,omitempty"`
}

// ekSpaced writes its JSON with spaces and raw <, >, &, U+2028 and U+2029
// in strings, which encoding/json compacts and escapes; Mode 7 makes
// MarshalJSON fail and Mode 9 return invalid JSON.
type ekSpaced struct {
	S    string
	Mode int8
}

func (s ekSpaced) MarshalJSON() ([]byte, error) {
	switch s.Mode {
	case 7:
		return nil, errors.New("ekSpaced: mode 7")
	case 9:
		return []byte(`{"s": `), nil
	}
	q, err := json.Marshal(s.S)
	if err != nil {
		return nil, err
	}
	raw := strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&", `\u2028`, "\u2028", `\u2029`, "\u2029").Replace(string(q))
	return []byte(" {\n\t\"s\" : " + raw + " , \"mode\":[ " + strconv.Itoa(int(s.Mode)) + " ] } "), nil
}

// ekLevel is an integer with a MarshalJSON method (a value receiver).
type ekLevel int

func (l ekLevel) MarshalJSON() ([]byte, error) {
	return []byte(`  "L` + strconv.Itoa(int(l)) + `"  `), nil
}

// kindsGenFile is the generated encoder of encKinds.
const kindsGenFile = "stateenc_kinds_gen_test.go"

// TestStateEncoderKindsIsFresh checks that kindsGenFile is what the
// generator writes for encKinds. OCI_RUN_STATEGEN_UPDATE=1 rewrites it;
// with -tags stategen that works even when the file no longer compiles.
func TestStateEncoderKindsIsFresh(t *testing.T) {
	want, err := stategen.Generate(reflect.TypeFor[encKinds](), "Test")
	if err != nil {
		t.Fatal(err)
	}
	if os.Getenv("OCI_RUN_STATEGEN_UPDATE") == "1" {
		if err := os.WriteFile(kindsGenFile, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(kindsGenFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s is stale: run OCI_RUN_STATEGEN_UPDATE=1 go test -tags stategen -run KindsIsFresh ./libcontainer", kindsGenFile)
	}
}
