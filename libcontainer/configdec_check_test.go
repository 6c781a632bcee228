package libcontainer

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"

	"github.com/oci-run/oci-run/libcontainer/configs"
)

// checkConfigDecode decodes data with decodeConfig and with json.Unmarshal
// and fails t if decodeConfig accepted the document without giving
// encoding/json's result. It also decodes data as a loaded container does
// (configLocked), which must give json.Unmarshal's result or its error,
// whatever decodeConfig said. It returns decodeConfig's verdict and
// whether json.Unmarshal succeeded.
func checkConfigDecode(t testing.TB, data []byte) (decoded, unmarshaled bool) {
	t.Helper()
	var got configs.Config
	decoded = decodeConfig(data, &got)
	var want configs.Config
	err := json.Unmarshal(data, &want)
	if decoded {
		if err != nil {
			t.Fatalf("decodeConfig accepted a document json.Unmarshal rejects (%v):\n%s", err, data)
		}
		if !reflect.DeepEqual(&got, &want) {
			t.Fatalf("decodeConfig and json.Unmarshal differ at %s:\n%s", valueDiff(reflect.ValueOf(got), reflect.ValueOf(want), "config"), data)
		}
	}
	checkConfigLocked(t, data, &want, err)
	return decoded, err == nil
}

// checkConfigLocked fails t unless a container whose recorded config is
// data returns want from configLocked, or wantErr wrapped as before. An
// empty data is no recorded config: nil, without an error.
func checkConfigLocked(t testing.TB, data []byte, want *configs.Config, wantErr error) {
	t.Helper()
	c := &Container{id: "cfg"}
	c.setLoaded(&State{ID: "cfg"}, data)
	got, err := c.configLocked()
	if len(data) == 0 {
		if got != nil || err != nil {
			t.Fatalf("configLocked of no recorded config: %v, %v", got, err)
		}
		return
	}
	if wantErr != nil {
		wantMsg := fmt.Errorf("container cfg: recorded config: %w", wantErr).Error()
		if err == nil || err.Error() != wantMsg {
			t.Fatalf("configLocked: got error %v, want %s:\n%s", err, wantMsg, data)
		}
		return
	}
	if err != nil {
		t.Fatalf("configLocked: %v:\n%s", err, data)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("configLocked and json.Unmarshal differ at %s:\n%s", valueDiff(reflect.ValueOf(got).Elem(), reflect.ValueOf(want).Elem(), "config"), data)
	}
	if c.state.Config != got {
		t.Fatal("configLocked did not record the config in the state")
	}
}

// valueDiff describes the first place where a and b differ for
// reflect.DeepEqual, for failure messages.
func valueDiff(a, b reflect.Value, path string) string {
	if a.IsValid() != b.IsValid() {
		return path + ": one is invalid"
	}
	if !a.IsValid() {
		return ""
	}
	switch a.Kind() {
	case reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			if a.IsNil() != b.IsNil() {
				return fmt.Sprintf("%s: got nil=%v, want nil=%v", path, a.IsNil(), b.IsNil())
			}
			return ""
		}
		return valueDiff(a.Elem(), b.Elem(), path)
	case reflect.Struct:
		for i := range a.NumField() {
			if d := valueDiff(a.Field(i), b.Field(i), path+"."+a.Type().Field(i).Name); d != "" {
				return d
			}
		}
		return ""
	case reflect.Slice:
		if a.IsNil() != b.IsNil() || a.Len() != b.Len() {
			return fmt.Sprintf("%s: got nil=%v len %d, want nil=%v len %d", path, a.IsNil(), a.Len(), b.IsNil(), b.Len())
		}
		for i := range a.Len() {
			if d := valueDiff(a.Index(i), b.Index(i), fmt.Sprintf("%s[%d]", path, i)); d != "" {
				return d
			}
		}
		return ""
	case reflect.Map:
		if a.IsNil() != b.IsNil() || a.Len() != b.Len() {
			return fmt.Sprintf("%s: got nil=%v len %d, want nil=%v len %d", path, a.IsNil(), a.Len(), b.IsNil(), b.Len())
		}
		for _, k := range a.MapKeys() {
			if d := valueDiff(a.MapIndex(k), b.MapIndex(k), fmt.Sprintf("%s[%q]", path, k)); d != "" {
				return d
			}
		}
		return ""
	}
	if !reflect.DeepEqual(a.Interface(), b.Interface()) {
		return fmt.Sprintf("%s: got %#v, want %#v", path, a.Interface(), b.Interface())
	}
	return ""
}
