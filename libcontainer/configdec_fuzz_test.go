package libcontainer

import (
	"encoding/json"
	"math/rand/v2"
	"testing"

	"github.com/oci-run/oci-run/libcontainer/configs"
)

// FuzzDecodeConfig checks decodeConfig's contract on any input: it does
// not panic, and when it returns true, json.Unmarshal succeeds and gives
// the same config; configLocked gives json.Unmarshal's result or error
// either way. Run it with
//
//	go test -run '^$' -fuzz FuzzDecodeConfig ./libcontainer
func FuzzDecodeConfig(f *testing.F) {
	for _, doc := range configNullAndEmpty {
		f.Add([]byte(doc))
	}
	for _, c := range configEdgeCases {
		f.Add([]byte(c.doc))
	}
	var corpus [][]byte
	for _, cfg := range []*configs.Config{exampleConfig(f), richState(f).Config, fullConfig()} {
		corpus = append(corpus, recordedConfig(f, cfg))
	}
	for seed := range 10 {
		data, err := json.Marshal(randomConfig(nil, uint64(2000+seed)))
		if err != nil {
			f.Fatal(err)
		}
		corpus = append(corpus, data)
	}
	// The documents as they are and, from a fixed seed, mutated as in
	// TestDecodeConfigMutated.
	r := rand.New(rand.NewPCG(3, 9))
	for _, doc := range corpus {
		f.Add(doc)
		spans, err := jsonSpans(doc)
		if err != nil {
			f.Fatal(err)
		}
		for range 3 {
			mutated, _ := mutate(r, doc, spans)
			f.Add(mutated)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkConfigDecode(t, data)
	})
}
