package libcontainer

import (
	"encoding/json"

	"github.com/oci-run/oci-run/internal/jsonenc"
)

// appendJSONString and appendMarshalJSON are the names the generated state
// encoder (stateenc_gen.go) calls; internal/jsonenc does the work.
func appendJSONString(b []byte, s string) []byte { return jsonenc.AppendString(b, s) }

func appendMarshalJSON[T json.Marshaler](b []byte, v T) ([]byte, error) {
	return jsonenc.AppendMarshalJSON(b, v)
}
