package specconv

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeBundle(t *testing.T, config string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, ConfigFile), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestLoadSpecValid(t *testing.T) {
	dir := writeBundle(t, `{
  "ociVersion": "1.0.2-dev",
  "someFutureField": {"x": 1},
  "process": {"args": ["sh"], "cwd": "/", "user": {"uid": 0, "gid": 0}},
  "root": {"path": "rootfs"}
}`)
	spec, err := LoadSpec(dir)
	if err != nil {
		t.Fatal(err)
	}
	if spec.Version != "1.0.2-dev" || spec.Root.Path != "rootfs" || spec.Process.Args[0] != "sh" {
		t.Errorf("unexpected spec: %+v", spec)
	}
}

func TestLoadSpecErrors(t *testing.T) {
	tmp := t.TempDir()
	file := filepath.Join(tmp, "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		bundle    func(t *testing.T) string
		notExist  bool
		line, col int
		field     string
		want      []string
	}{
		{
			name:     "missing bundle",
			bundle:   func(*testing.T) string { return filepath.Join(tmp, "nope") },
			notExist: true,
			want:     []string{"nope", "bundle directory does not exist"},
		},
		{
			name:   "bundle is a file",
			bundle: func(*testing.T) string { return file },
			want:   []string{file, "not a directory"},
		},
		{
			name:     "missing config.json",
			bundle:   func(t *testing.T) string { return t.TempDir() },
			notExist: true,
			want:     []string{"config.json", "has no config.json"},
		},
		{
			name: "syntax error",
			bundle: func(t *testing.T) string {
				return writeBundle(t, "{\n  \"ociVersion\": \"1.0.0\",\n  \"root\": {\"path\": \"rootfs\",}\n}")
			},
			line: 3, col: 29,
			want: []string{"config.json:3:29", "malformed JSON", "invalid character '}'"},
		},
		{
			name:   "truncated",
			bundle: func(t *testing.T) string { return writeBundle(t, "{\n  \"ociVersion\": \"1.0.0\",\n") },
			line:   3, col: 1,
			want: []string{"config.json:3:1", "unexpected end of JSON input"},
		},
		{
			name:   "empty file",
			bundle: func(t *testing.T) string { return writeBundle(t, "") },
			line:   1, col: 1,
			want: []string{"malformed JSON"},
		},
		{
			name:   "type error",
			bundle: func(t *testing.T) string { return writeBundle(t, "{\n  \"process\": {\n    \"args\": \"sh\"\n  }\n}") },
			line:   3, field: "process.args",
			want: []string{"config.json:3:", "field process.args", "JSON string cannot be stored in a []string"},
		},
		{
			name:   "negative uid",
			bundle: func(t *testing.T) string { return writeBundle(t, `{"process": {"user": {"uid": -1}}}`) },
			line:   1, field: "process.user.uid",
			want: []string{"field process.user.uid", "uint32"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadSpec(tc.bundle(t))
			var le *LoadError
			if !errors.As(err, &le) {
				t.Fatalf("want *LoadError, got %T: %v", err, err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if got := errors.Is(err, fs.ErrNotExist); got != tc.notExist {
				t.Errorf("errors.Is(err, fs.ErrNotExist) = %v", got)
			}
			if tc.line != 0 && le.Line != tc.line {
				t.Errorf("line = %d, want %d", le.Line, tc.line)
			}
			if tc.col != 0 && le.Column != tc.col {
				t.Errorf("column = %d, want %d", le.Column, tc.col)
			}
			if le.Field != tc.field {
				t.Errorf("field = %q, want %q", le.Field, tc.field)
			}
		})
	}
}

func TestLoadErrorUnwrapsDecoderErrors(t *testing.T) {
	_, err := LoadSpec(writeBundle(t, `{"hostname": 5}`))
	var te *json.UnmarshalTypeError
	if !errors.As(err, &te) {
		t.Fatalf("want a *json.UnmarshalTypeError inside, got %v", err)
	}
	_, err = LoadSpec(writeBundle(t, `{"hostname": }`))
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		t.Fatalf("want a *json.SyntaxError inside, got %v", err)
	}
}

func TestPosition(t *testing.T) {
	data := []byte("ab\ncd\n\nef")
	tests := []struct {
		idx       int64
		line, col int
	}{
		{-1, 1, 1}, {0, 1, 1}, {1, 1, 2}, {2, 1, 3}, {3, 2, 1}, {4, 2, 2}, {6, 3, 1}, {7, 4, 1}, {9, 4, 3}, {99, 4, 3},
	}
	for _, tc := range tests {
		l, c := position(data, tc.idx)
		if l != tc.line || c != tc.col {
			t.Errorf("position(%d) = %d:%d, want %d:%d", tc.idx, l, c, tc.line, tc.col)
		}
	}
}

func TestLoadSpecTypeErrorPosition(t *testing.T) {
	_, err := LoadSpec(writeBundle(t, "{\n  \"process\": {\n    \"args\": \"sh\"\n  }\n}"))
	var le *LoadError
	if !errors.As(err, &le) {
		t.Fatal(err)
	}
	// The value "sh" spans columns 13-16 of line 3; the decoder reports
	// the end of it.
	if le.Line != 3 || le.Column < 13 || le.Column > 16 {
		t.Errorf("position %d:%d, want within 3:13-16", le.Line, le.Column)
	}
}
