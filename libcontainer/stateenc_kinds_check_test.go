//go:build !stategen

package libcontainer

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"testing"
)

// TestStateEncoderKinds compares the generated encoder of encKinds with
// encoding/json on random values, and on the zero value.
func TestStateEncoderKinds(t *testing.T) {
	check := func(t *testing.T, v *encKinds) (failed bool) {
		t.Helper()
		got, gotErr := appendTestEncKinds(nil, v)
		want, wantErr := json.Marshal(v)
		if gotErr != nil || wantErr != nil {
			if gotErr == nil || wantErr == nil || gotErr.Error() != wantErr.Error() {
				t.Fatalf("errors differ:\n got %v\nwant %v", gotErr, wantErr)
			}
			return true
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("encodings differ at byte %d:\n got %s\nwant %s", firstDiff(got, want), got, want)
		}
		return false
	}
	check(t, &encKinds{})
	const seeds = 3000
	failed := 0
	for seed := range seeds {
		f := &filler{t: t, r: rand.New(rand.NewPCG(uint64(seed), 0x7e57))}
		v := &encKinds{}
		f.fill(reflect.ValueOf(v).Elem())
		t.Run("", func(t *testing.T) {
			t.Logf("seed %d", seed)
			if check(t, v) {
				failed++
			}
		})
	}
	if failed > seeds/4 {
		t.Fatalf("%d of %d random values failed to encode", failed, seeds)
	}
}
