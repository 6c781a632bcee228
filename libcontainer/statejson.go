package libcontainer

import (
	"encoding/json"
	"time"

	"github.com/oci-run/oci-run/internal/jsonscan"
)

// stateNames are the JSON names of State's fields, for jsonscan's
// case-insensitive check of unknown keys.
var stateNames = []string{"id", "initPid", "initStartTime", "created", "bundle", "owner",
	"cgroupPaths", "namespacePaths", "rootfs", "annotations", "config"}

// decodeState decodes state.json without reflection: every command that
// loads a container decodes it once in a fresh process, where
// encoding/json would first build its decoders for State's types (~0.6 ms
// here, more than the rest of a `state`). It gives exactly what
// json.Unmarshal into readState's struct gives, the config left raw, or
// declines (ok false) on anything else (an error, a repeated key, a key
// that matches a field only case-insensitively, a time that is not a plain
// string): readState then uses encoding/json.
func decodeState(b []byte) (st *State, config json.RawMessage, ok bool) {
	d := jsonscan.New(b)
	st = &State{}
	if d.Peek() != '{' || !d.Open('{') {
		return nil, nil, false
	}
	var seen uint16
	for n := 0; ; n++ {
		k, done, ok := d.Key(n)
		if !ok {
			return nil, nil, false
		}
		if done {
			break
		}
		i := fieldIndex(k)
		if i >= 0 {
			if seen&(1<<i) != 0 {
				return nil, nil, false
			}
			seen |= 1 << i
		}
		switch i {
		case 0:
			ok = jsonscan.String(d, &st.ID)
		case 1:
			ok = jsonscan.Int(d, &st.InitPid, 0)
		case 2:
			ok = jsonscan.Uint(d, &st.InitStartTime, 64)
		case 3:
			ok = decodeTime(d, &st.Created)
		case 4:
			ok = jsonscan.String(d, &st.Bundle)
		case 5:
			ok = jsonscan.String(d, &st.Owner)
		case 6:
			ok = jsonscan.StringMap(d, &st.CgroupPaths)
		case 7:
			ok = jsonscan.StringMap(d, &st.NamespacePaths)
		case 8:
			ok = jsonscan.String(d, &st.Rootfs)
		case 9:
			ok = jsonscan.StringMap(d, &st.Annotations)
		case 10:
			config, ok = d.Raw()
		default:
			ok = d.Unknown(k, stateNames)
		}
		if !ok {
			return nil, nil, false
		}
	}
	if !d.End() {
		return nil, nil, false
	}
	return st, config, true
}

func fieldIndex(key []byte) int {
	for i, name := range stateNames {
		if string(key) == name {
			return i
		}
	}
	return -1
}

// decodeTime takes a time.Time the way encoding/json does (its
// UnmarshalJSON: RFC 3339 in a JSON string, null leaves it), for strings
// without escapes, which a time never needs.
func decodeTime(d *jsonscan.Decoder, t *time.Time) bool {
	if d.Peek() == 'n' {
		return d.Null()
	}
	if d.Peek() != '"' {
		return false
	}
	raw, ok := d.Raw()
	if !ok {
		return false
	}
	for _, c := range raw[1 : len(raw)-1] {
		if c == '\\' {
			return false
		}
	}
	return t.UnmarshalJSON(raw) == nil
}
