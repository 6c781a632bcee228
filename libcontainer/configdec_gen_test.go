package libcontainer

import (
	"bytes"
	"encoding/json"
	"os"
	"slices"
	"testing"

	"github.com/oci-run/oci-run/libcontainer/internal/configgen"
)

// TestConfigDecoderIsFresh checks that configdec_gen.go is what the
// generator writes for the current configs types.
func TestConfigDecoderIsFresh(t *testing.T) {
	want, _, err := configgen.Config()
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("configdec_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("configdec_gen.go is stale: run go generate ./libcontainer (or go run ./libcontainer/internal/configgen/cmd)")
	}
}

// TestConfigDecoderKnowsEveryMember checks the generator's model against
// encoding/json: a config with every field set marshals to exactly the
// member paths the generator lists, and decodeConfig takes it.
func TestConfigDecoderKnowsEveryMember(t *testing.T) {
	_, m, err := configgen.Config()
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(fullConfig())
	if err != nil {
		t.Fatal(err)
	}
	var tree any
	if err := json.Unmarshal(data, &tree); err != nil {
		t.Fatal(err)
	}
	var inDoc []string
	var walk func(v any, path string)
	walk = func(v any, path string) {
		switch v := v.(type) {
		case []any:
			for _, e := range v {
				walk(e, path+"[]")
			}
		case map[string]any:
			for k, e := range v {
				if k == fullMapKey {
					walk(e, path+"{}")
					continue
				}
				p := k
				if path != "" {
					p = path + "." + k
				}
				inDoc = append(inDoc, p)
				walk(e, p)
			}
		}
	}
	walk(tree, "")
	slices.Sort(inDoc)
	got := m.Paths()
	for _, p := range inDoc {
		if !slices.Contains(got, p) {
			t.Errorf("json.Marshal writes %s, which the generator does not know", p)
		}
	}
	for _, p := range got {
		if !slices.Contains(inDoc, p) {
			t.Errorf("the generator knows %s, which json.Marshal does not write", p)
		}
	}
	if len(inDoc) < 150 {
		t.Errorf("only %d member paths: fullConfig missed fields", len(inDoc))
	}
	if decoded, _ := checkConfigDecode(t, data); !decoded {
		t.Errorf("decodeConfig declined the config with every field set:\n%s", data)
	}
}
