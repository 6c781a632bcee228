package specconv

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/opencontainers/runtime-spec/specs-go"

	"github.com/oci-run/oci-run/specconv/internal/specjson"
)

// ConfigFile is the name of the spec file inside a bundle.
const ConfigFile = "config.json"

// LoadSpec reads and parses <bundleDir>/config.json. Unknown fields are
// ignored, as runc does. Every failure is a *LoadError naming the file:
// a missing bundle directory or config.json (wrapping fs.ErrNotExist),
// malformed JSON with the line and column of the syntax error, and values
// of the wrong type with their field path.
func LoadSpec(bundleDir string) (*specs.Spec, error) {
	fi, err := os.Stat(bundleDir)
	if err != nil {
		msg := "cannot open bundle directory"
		if errors.Is(err, fs.ErrNotExist) {
			msg = "bundle directory does not exist"
		}
		return nil, &LoadError{Path: bundleDir, Msg: msg, Err: err}
	}
	if !fi.IsDir() {
		return nil, &LoadError{Path: bundleDir, Msg: "bundle is not a directory", Err: fs.ErrInvalid}
	}
	path := filepath.Join(bundleDir, ConfigFile)
	data, err := os.ReadFile(path)
	if err != nil {
		msg := "cannot read the bundle's " + ConfigFile
		if errors.Is(err, fs.ErrNotExist) {
			msg = "the bundle has no " + ConfigFile
		}
		return nil, &LoadError{Path: path, Msg: msg, Err: err}
	}
	return parseSpec(path, data)
}

// parseSpec decodes a spec, turning decoder errors into LoadErrors that
// point at the line and column of the problem.
func parseSpec(path string, data []byte) (*specs.Spec, error) {
	var spec specs.Spec
	if specjson.Decode(data, &spec) {
		return &spec, nil
	}
	spec = specs.Spec{}
	err := json.Unmarshal(data, &spec)
	if err == nil {
		return &spec, nil
	}
	le := &LoadError{Path: path, Err: err}
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		le.Line, le.Column = errorPosition(data, syn.Offset, syn.Error() == "unexpected end of JSON input")
		le.Msg = "malformed JSON: " + syn.Error()
	case errors.As(err, &typ):
		le.Line, le.Column = errorPosition(data, typ.Offset, false)
		le.Field = typ.Field
		le.Msg = fmt.Sprintf("JSON %s cannot be stored in a %s", typ.Value, typ.Type)
	default:
		le.Msg = "cannot decode: " + err.Error()
	}
	return nil, le
}

// position turns a 0-based byte index into a 1-based line and column; an
// index at or past the end names the position just after the last byte.
func position(data []byte, idx int64) (int, int) {
	if idx < 0 {
		idx = 0
	}
	if idx > int64(len(data)) {
		idx = int64(len(data))
	}
	before := data[:idx]
	line := bytes.Count(before, []byte{'\n'}) + 1
	col := len(before) - bytes.LastIndexByte(before, '\n')
	return line, col
}

// errorPosition locates a decoder error. The decoder's offsets count the
// bytes read, including the offending one, so the byte at fault is the one
// before the offset; at the end of the input there is no such byte and
// the position is the end itself.
func errorPosition(data []byte, offset int64, atEOF bool) (int, int) {
	if atEOF {
		return position(data, int64(len(data)))
	}
	return position(data, offset-1)
}
