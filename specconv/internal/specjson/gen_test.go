package specjson

import (
	"bytes"
	"os"
	"testing"

	"github.com/oci-run/oci-run/specconv/internal/specjson/internal/gen"
)

// TestGeneratedFileIsFresh checks that decode_gen.go is what the generator
// writes for the runtime-spec version in go.mod; run go generate if not.
func TestGeneratedFileIsFresh(t *testing.T) {
	want, _, err := gen.Spec()
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("decode_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("decode_gen.go is stale: run go generate ./specconv/internal/specjson")
	}
}
