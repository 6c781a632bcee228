package libcontainer

//go:generate go run ./internal/configgen/cmd

import (
	"github.com/oci-run/oci-run/internal/jsonscan"
	"github.com/oci-run/oci-run/libcontainer/configs"
)

// decodeConfig decodes data, the config recorded in state.json, into
// *cfg, which must be the zero Config, with the generated decode functions
// (configdec_gen.go, written by internal/configgen from the configs types).
// In a fresh process (every `exec` and `update`, a `start` with poststart
// hooks, a `delete` with poststop hooks) encoding/json would first build
// its reflective decoders for the 26 struct types a Config reaches and
// their slices, maps and pointers, which costs several times the decoding
// itself; these are plain functions, with nothing to build.
//
// Measured on 2 vCPUs, Go 1.26, the first decoding in a fresh process
// (median of 200 processes each, TestDecodeConfigColdCompare) of `oci-run
// spec`'s recorded config takes 0.11 ms against 1.4 ms with json.Unmarshal
// (CPU 0.14 ms against 1.7 ms); warm (BenchmarkDecodeConfig) 11 µs
// against 46 µs.
//
// It returns true only when it decoded the whole document and *cfg is
// then exactly (reflect.DeepEqual) what json.Unmarshal(data, cfg) gives
// without an error. It declines (returns false) on every error and on what
// it leaves to encoding/json: a field's key repeated in an object, a key
// that matches a field only case-insensitively, invalid UTF-8 in a string,
// numbers that are not integers of the field's size, a top level other
// than one object, unknown values nested deeper than
// jsonscan.MaxSkipDepth, and the places listed at the top of
// configdec_gen.go (none for the current types). *cfg then holds a
// partial result, which the caller discards before decoding with
// encoding/json, whose errors are the reference. decodeConfig does not
// retain data, and does not panic on any input.
func decodeConfig(data []byte, cfg *configs.Config) bool {
	d := jsonscan.New(data)
	if d.Peek() != '{' || !decConfig(d, cfg) {
		return false
	}
	return d.End()
}
