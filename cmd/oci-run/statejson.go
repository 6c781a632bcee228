package main

import (
	"slices"
	"strconv"

	"github.com/oci-run/oci-run/internal/jsonenc"
)

// encodeStateJSON writes s as a json.Encoder with SetIndent("", "  ")
// does, newline included, without encoding/json's reflection: create
// writes this output's parts into the fast path's summary
// (stateParts), and the first reflective encoding of stateJSON in a fresh
// process cost more than the rest of that step.
func encodeStateJSON(s *stateJSON) ([]byte, error) {
	b := make([]byte, 0, 512)
	b = append(b, "{\n  \"ociVersion\": "...)
	b = jsonenc.AppendString(b, s.OCIVersion)
	b = append(b, ",\n  \"id\": "...)
	b = jsonenc.AppendString(b, s.ID)
	b = append(b, ",\n  \"pid\": "...)
	b = strconv.AppendInt(b, int64(s.Pid), 10)
	b = append(b, ",\n  \"status\": "...)
	b = jsonenc.AppendString(b, s.Status)
	b = append(b, ",\n  \"bundle\": "...)
	b = jsonenc.AppendString(b, s.Bundle)
	b = append(b, ",\n  \"rootfs\": "...)
	b = jsonenc.AppendString(b, s.Rootfs)
	b = append(b, ",\n  \"created\": "...)
	b, err := jsonenc.AppendMarshalJSON(b, s.Created)
	if err != nil {
		return nil, err
	}
	b = append(b, ",\n  \"owner\": "...)
	b = jsonenc.AppendString(b, s.Owner)
	if len(s.Annotations) > 0 {
		b = append(b, ",\n  \"annotations\": {"...)
		keys := make([]string, 0, len(s.Annotations))
		for k := range s.Annotations {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, "\n    "...)
			b = jsonenc.AppendString(b, k)
			b = append(b, ": "...)
			b = jsonenc.AppendString(b, s.Annotations[k])
		}
		b = append(b, "\n  }"...)
	}
	return append(b, "\n}\n"...), nil
}
