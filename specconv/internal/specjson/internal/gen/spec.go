// Package gen writes package specjson's decode functions (decode_gen.go)
// for specs.Spec, with the module's generator (internal/jsongen). It is a
// package, not only a program, so that specjson's tests can check that the
// committed file is what it writes and which JSON paths it decodes or
// declines.
package gen

import (
	"fmt"
	"reflect"
	"slices"

	"github.com/opencontainers/runtime-spec/specs-go"

	"github.com/oci-run/oci-run/internal/jsongen"
)

// Model says what the generated code does with each place in a document
// (jsongen.Model).
type Model = jsongen.Model

// Decline is a place where the generated code declines the value, leaving
// the document to encoding/json (jsongen.Decline).
type Decline = jsongen.Decline

// SpecDeclines lists the places of specs.Spec where the generated code
// declines values, leaving the document to encoding/json. Spec fails when
// the types say otherwise, so that a new runtime-spec version that adds
// such a place is looked at, and the list kept explicit.
var SpecDeclines = []string{
	// An interface{}: encoding/json decodes any JSON value into it.
	"windows.credentialSpec",
}

// command is how decode_gen.go is generated, for its header: go generate
// runs ./gen in package specjson.
const command = "go run ./gen"

// Spec returns decode_gen.go for specs.Spec and the model of it.
func Spec() ([]byte, *Model, error) {
	src, m, err := jsongen.Generate("specjson", command, reflect.TypeFor[specs.Spec]())
	if err != nil {
		return nil, nil, err
	}
	if paths := m.DeclinedPaths(); !slices.Equal(paths, SpecDeclines) {
		return nil, nil, fmt.Errorf("gen: the generated code declines %q, SpecDeclines lists %q: check the new places and update the list", paths, SpecDeclines)
	}
	return src, m, nil
}
