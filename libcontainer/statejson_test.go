package libcontainer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/oci-run/oci-run/libcontainer/configs"
)

// stateByEncodingJSON is readState's reference decoding.
func stateByEncodingJSON(b []byte) (*State, json.RawMessage, error) {
	var s struct {
		State
		Config json.RawMessage `json:"config"`
	}
	err := json.Unmarshal(b, &s)
	return &s.State, s.Config, err
}

// checkState fails unless decodeState declined doc or agreed with
// encoding/json on it.
func checkState(t *testing.T, doc []byte) (accepted bool) {
	t.Helper()
	st, cfg, ok := decodeState(doc)
	if !ok {
		return false
	}
	want, wantCfg, err := stateByEncodingJSON(doc)
	if err != nil {
		t.Fatalf("decodeState accepted %q, encoding/json rejects it: %v", doc, err)
	}
	if !reflect.DeepEqual(st, want) || !bytes.Equal(cfg, wantCfg) || (cfg == nil) != (wantCfg == nil) {
		t.Fatalf("decodeState(%q):\n got %#v %q\nwant %#v %q", doc, st, cfg, want, wantCfg)
	}
	return true
}

func randString(r *rand.Rand) string {
	const pool = "abc/._-:0123 \"\\\t\n\u00e9\u4e16\U0001F600"
	runes := []rune(pool)
	n := r.IntN(12)
	out := make([]rune, n)
	for i := range out {
		out[i] = runes[r.IntN(len(runes))]
	}
	return string(out)
}

func randMap[K ~string](r *rand.Rand) map[K]string {
	switch r.IntN(3) {
	case 0:
		return nil
	case 1:
		return map[K]string{}
	}
	m := map[K]string{}
	for range 1 + r.IntN(4) {
		m[K(randString(r))] = randString(r)
	}
	return m
}

// Random states written as writeState writes them decode exactly as
// encoding/json decodes them, and the fast path takes every one.
func TestDecodeStateMatchesEncodingJSON(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	r := rand.New(rand.NewPCG(seed, 1))
	t.Logf("seed %d", seed)
	zones := []*time.Location{time.UTC, time.FixedZone("x", 5*3600+1800), time.FixedZone("y", -7*3600)}
	for i := range 2000 {
		st := &State{
			ID:             randString(r),
			InitPid:        r.IntN(1 << 22),
			InitStartTime:  r.Uint64(),
			Created:        time.Unix(r.Int64N(1<<34), r.Int64N(1e9)).In(zones[r.IntN(len(zones))]),
			Bundle:         randString(r),
			Owner:          randString(r),
			CgroupPaths:    randMap[string](r),
			NamespacePaths: randMap[configs.NamespaceType](r),
			Rootfs:         randString(r),
			Annotations:    randMap[string](r),
		}
		if i%3 != 0 {
			st.Config = &configs.Config{Rootfs: randString(r), Hostname: randString(r)}
		}
		if i%5 == 0 {
			st.InitPid, st.InitStartTime = math.MaxInt, math.MaxUint64
		}
		doc, err := json.Marshal(st)
		if err != nil {
			t.Fatal(err)
		}
		if !checkState(t, doc) {
			t.Fatalf("seed %d: decodeState declined %s", seed, doc)
		}
	}
}

// Edge cases: whatever decodeState accepts, it decodes as encoding/json
// does; what it must leave to encoding/json, it declines.
func TestDecodeStateEdges(t *testing.T) {
	accept := []string{
		`{}`,
		`{"id":"a","initPid":1,"initStartTime":2,"created":"2024-01-02T03:04:05.123456789Z","config":null}`,
		`{"id":null,"initPid":null,"created":null,"cgroupPaths":null,"annotations":{}}`,
		`{"unknown":{"deep":[1,2,{"x":null}]},"id":"b"}`,
		` {"config": {"rootfs":"/r","x":[true,false]} } `,
		`{"namespacePaths":{"net":"/proc/1/ns/net","net":"/other"}}`,
		`{"id":"\u00e9\ud83d\ude00\n"}`,
	}
	for _, doc := range accept {
		if !checkState(t, []byte(doc)) {
			t.Errorf("declined %s", doc)
		}
	}
	decline := []string{
		``, `null`, `[]`, `{`, `{"id":"a"} x`, `{"id":"a","id":"b"}`, `{"ID":"a"}`, `{"Initpid":1}`,
		`{"initPid":1.5}`, `{"initPid":1e3}`, `{"initStartTime":-1}`, `{"initStartTime":18446744073709551616}`,
		`{"created":"yesterday"}`, `{"created":5}`, `{"created":"2024-01-02T03:04:05Z\u0000"}`,
		`{"cgroupPaths":{"a":1}}`, `{"annotations":[]}`, `{"id":"\xff"}`, `{"id":1}`,
		`{"config":{"a":}}`, `{"id":"a",}`,
	}
	for _, doc := range decline {
		if checkState(t, []byte(doc)) {
			t.Errorf("accepted %s, which encoding/json must decide", doc)
		}
	}
}

// FuzzDecodeState: decodeState never panics and never disagrees with
// encoding/json on what it accepts.
func FuzzDecodeState(f *testing.F) {
	f.Add([]byte(`{"id":"a","initPid":1,"initStartTime":2,"created":"2024-01-02T03:04:05Z","cgroupPaths":{"pids":"/sys/fs/cgroup/pids/a"},"config":{"rootfs":"/r"}}`))
	f.Add([]byte(`{"namespacePaths":{"net":"/x"},"annotations":{"k":"v"},"owner":"root","bundle":"/b","rootfs":"/b/rootfs"}`))
	f.Add([]byte(`{"Created":"2024-01-02T03:04:05Z"}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		checkState(t, doc)
	})
}

func ExampleState_decode() {
	st, cfg, ok := decodeState([]byte(`{"id":"web","initPid":42,"created":"2024-01-02T03:04:05Z","config":{"rootfs":"/r"}}`))
	fmt.Println(ok, st.ID, st.InitPid, st.Created.Year(), string(cfg))
	// Output: true web 42 2024 {"rootfs":"/r"}
}
