package specjson

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"testing"
)

// FuzzDecode checks Decode's contract on any input: it does not panic, and
// when it returns true, json.Unmarshal succeeds and gives the same spec.
func FuzzDecode(f *testing.F) {
	for _, c := range edgeCases {
		f.Add([]byte(c.doc))
	}
	for _, doc := range nullAndEmpty {
		f.Add([]byte(doc))
	}
	if data, err := os.ReadFile("testdata/config.json"); err == nil {
		f.Add(data)
	} else {
		f.Fatal(err)
	}
	// Random specs as json.Marshal writes them and rewritten, as in
	// TestRandomSpecs, from a fixed seed.
	r := rand.New(rand.NewPCG(7, 11))
	m := loadModel(f)
	for range 20 {
		data, err := json.Marshal(randomSpec(r, r.IntN(4) == 0))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
		tree, err := parseNode(data)
		if err != nil {
			f.Fatal(err)
		}
		(&mutator{r: r, m: m, rate: 10}).mutate(tree, "")
		w := &writer{r: r, odd: true}
		w.write(tree)
		f.Add(w.b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		check(t, data)
	})
}
