package main

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"
)

// encodeIndented is the reference: what stateParts used before.
func encodeIndented(t *testing.T, s *stateJSON) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	if err := enc.Encode(s); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// randString mixes plain text with everything encoding/json escapes.
func randString(r *rand.Rand) string {
	parts := []string{"", "a", "ctr-1", "/run/x y", `"`, `\`, "<&>", "\u2028", "\u2029", "\x00", "\n\t", "\xff", "é", "日本", "\U0001F600"}
	var b []byte
	for range r.IntN(5) {
		b = append(b, parts[r.IntN(len(parts))]...)
	}
	return string(b)
}

func TestEncodeStateJSONMatchesEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	for i := range 3000 {
		s := &stateJSON{
			OCIVersion: randString(r),
			ID:         randString(r),
			Pid:        r.IntN(1<<22) - r.IntN(3),
			Status:     randString(r),
			Bundle:     randString(r),
			Rootfs:     randString(r),
			Created:    time.Unix(r.Int64N(1<<34)-r.Int64N(1<<33), r.Int64N(1e9)).In(time.FixedZone("z", r.IntN(50000)-25000)),
			Owner:      randString(r),
		}
		switch i % 3 {
		case 1:
			s.Annotations = map[string]string{}
		case 2:
			s.Annotations = map[string]string{}
			for range 1 + r.IntN(4) {
				s.Annotations[randString(r)] = randString(r)
			}
		}
		got, err := encodeStateJSON(s)
		if err != nil {
			t.Fatal(err)
		}
		if want := encodeIndented(t, s); !bytes.Equal(got, want) {
			t.Fatalf("state %+v:\n got %s\nwant %s", s, got, want)
		}
	}
}

func TestEncodeStateJSONTimeOutOfRange(t *testing.T) {
	s := &stateJSON{Created: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}
	_, err := encodeStateJSON(s)
	_, want := json.Marshal(s)
	if err == nil || want == nil || err.Error() != want.Error() {
		t.Fatalf("got error %v, want %v", err, want)
	}
}
