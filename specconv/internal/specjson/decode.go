// Package specjson decodes a runtime-spec config.json into specs.Spec
// without reflection.
//
// Every create and run decodes the bundle's config.json once, in a fresh
// process, where encoding/json first builds its reflective decoders for the
// ~80 spec types: that cold decode is what the CLI always pays. The
// decoders here are plain functions, generated from the spec types by
// ./gen, with nothing to build first.
//
// Measured on the config `oci-run spec` writes (testdata/config.json,
// 2.5 kB), 2 vCPUs, Go 1.26: the first decode in a fresh process (median of
// 41 processes each, TestColdDecode) takes 0.15 ms with Decode against
// 2.2 ms with json.Unmarshal; warm (BenchmarkDecode, BenchmarkUnmarshal)
// 7.7 µs against 29 µs, with 145 allocations against 154.
//
// Decode gives exactly encoding/json's result or declines; it never
// produces anything else. It decodes escaped strings (lone surrogates
// become U+FFFD, as there), skips unknown keys, and takes null, [] and {}
// where encoding/json does, with its results; a repeated map key decodes
// too (the last wins). It declines (returns false) on every error and on
// what it leaves to encoding/json: a field's key repeated in an object, a
// key that matches a field only case-insensitively, invalid UTF-8 in a
// string (which encoding/json replaces), numbers that are not integers of
// the field's size, a top level other than one object, unknown values
// nested deeper than jsonscan.MaxSkipDepth, and the fields whose types it does not
// decode (listed at the top of decode_gen.go: windows.credentialSpec). The
// caller then decodes with encoding/json from scratch, which also gives the
// reference errors.
//
// Regenerate decode_gen.go with go generate after changing the
// runtime-spec version; TestGeneratedFileIsFresh fails until then.
//
//go:generate go run ./gen
package specjson

import (
	"github.com/opencontainers/runtime-spec/specs-go"

	"github.com/oci-run/oci-run/internal/jsonscan"
)

// Decode decodes the config.json document data into *s, which must be the
// zero Spec. It returns true only when it decoded the whole document and
// *s is then exactly (reflect.DeepEqual) what json.Unmarshal(data, s)
// gives without an error. When it returns false, *s holds a partial result
// that the caller discards before decoding with encoding/json. The
// document must be a single object, with nothing but whitespace around
// it. Decode does not retain data, and does not panic on any input.
func Decode(data []byte, s *specs.Spec) bool {
	d := jsonscan.New(data)
	if d.Peek() != '{' || !decSpec(d, s) {
		return false
	}
	return d.End()
}
