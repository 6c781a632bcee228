package fielderr

import (
	"errors"
	"testing"
)

func TestFormat(t *testing.T) {
	cause := errors.New("no such file")
	for _, tc := range []struct {
		field, value, msg string
		cause             error
		want              string
	}{
		{"mounts[3].destination", "tmp", "must be an absolute path", nil, `config: mounts[3].destination "tmp": must be an absolute path`},
		{"rootfs", "", "", cause, "config: rootfs: no such file"},
		{"rootfs", "/r", "cannot stat", cause, `config: rootfs "/r": cannot stat: no such file`},
	} {
		if got := Format("config", tc.field, tc.value, tc.msg, tc.cause); got != tc.want {
			t.Errorf("Format = %q, want %q", got, tc.want)
		}
	}
}
