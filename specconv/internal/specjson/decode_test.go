package specjson

import (
	"encoding/json"
	"flag"
	"math/rand/v2"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/opencontainers/runtime-spec/specs-go"

	"github.com/oci-run/oci-run/internal/jsonscan"
	"github.com/oci-run/oci-run/specconv/internal/specjson/internal/gen"
)

var (
	seedFlag  = flag.Uint64("seed", 0, "seed of the random tests (0: from the clock)")
	itersFlag = flag.Int("iters", 4000, "documents per random test (a tenth with -short)")
)

// seeded returns the random source of a test, logging its seed if the
// test fails so that the failure can be replayed with -seed.
func seeded(t *testing.T) *rand.Rand {
	seed := *seedFlag
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("replay with: go test -run '^%s$' -seed %d", t.Name(), seed)
		}
	})
	return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}

func iterations() int {
	if testing.Short() {
		return max(*itersFlag/10, 1)
	}
	return *itersFlag
}

// nullAndEmpty has null, [] and {} in every kind of place.
var nullAndEmpty = []string{
	`{}`,
	`{"ociVersion": null}`,                     // string: unchanged
	`{"process": null}`,                        // pointer to struct: nil
	`{"process": {}}`,                          // pointer to struct: the zero struct
	`{"process": {"user": null}}`,              // struct: unchanged
	`{"process": {"user": {}}}`,                // struct: unchanged
	`{"process": {"terminal": null}}`,          // bool: unchanged
	`{"process": {"user": {"uid": null}}}`,     // number: unchanged
	`{"process": {"user": {"umask": null}}}`,   // pointer to number: nil
	`{"process": {"oomScoreAdj": null}}`,       // *int
	`{"process": {"args": null}}`,              // slice: nil
	`{"process": {"args": []}}`,                // slice: empty, not nil
	`{"process": {"args": [null, "a", null]}}`, // string elements: ""
	`{"process": {"user": {"additionalGids": [1, null, 2]}}}`,
	`{"mounts": []}`,                          // slice of structs
	`{"mounts": [null, {}, {"options": []}]}`, // struct elements: the zero struct
	`{"mounts": [{"uidMappings": [null]}]}`,   // nested
	`{"annotations": null}`,                   // map: nil
	`{"annotations": {}}`,                     // map: empty, not nil
	`{"annotations": {"a": null, "b": ""}}`,   // map values: the zero value
	`{"annotations": {"a": "1", "a": "2"}}`,   // repeated map key: the last wins
	`{"annotations": {"a": "1", "a": null}}`,  // ... even null, which gives ""
	`{"linux": {"resources": {"rdma": {"x": null, "y": {}}}}}`,
	`{"linux": {"resources": {"rdma": {"x": {"hcaHandles": 1}, "x": {"hcaObjects": 2}}}}}`,
	`{"linux": {"timeOffsets": {"a": {}, "b": null, "c": {"secs": -1}}}}`,
	`{"linux": {"netDevices": {}}}`,
	`{"linux": {"devices": [{"fileMode": null, "uid": null}]}}`,
	`{"linux": {"resources": {"blockIO": {"weightDevice": [{"major": 1, "minor": null, "weight": null}]}}}}`,
	`{"linux": {"resources": {"blockIO": {"throttleReadBpsDevice": [null, {"major": null, "rate": 5}]}}}}`,
	`{"linux": {"seccomp": {"syscalls": [{"names": null}, {"names": []}, {"args": [null]}]}}}`,
	`{"linux": {"resources": {"memory": {"disableOOMKiller": null, "swappiness": null}}}}`,
	`{"windows": null}`,
	`{"windows": {"credentialSpec": null}}`, // interface: nil
	`{"windows": {"layerFolders": null}}`,
	`{"windows": {"layerFolders": []}}`,
	`{"vm": {"kernel": null, "hypervisor": {}, "image": null}}`, // struct fields
	`{"vm": {"hwconfig": {"iomems": [null, {"firstMFN": null}]}}}`,
	`{"freebsd": {"jail": {"allow": {"mount": null}}}}`,
	`{"solaris": {"anet": [null]}}`,
	`{"zos": {"namespaces": []}}`,
	`{"hooks": {"prestart": [{"path": "p", "timeout": null}]}}`,
}

// TestNullAndEmpty pins encoding/json's handling of null, [] and {} in
// every kind of place, by comparing with it: Decode must take them all.
func TestNullAndEmpty(t *testing.T) {
	for _, doc := range nullAndEmpty {
		decoded, unmarshaled := check(t, []byte(doc))
		if !unmarshaled {
			t.Errorf("json.Unmarshal rejects %s; fix the test", doc)
		} else if !decoded {
			t.Errorf("Decode declined %s", doc)
		}
	}
}

// edgeCases are documents at the edges of the fast path, with whether
// Decode takes them. The verdict of encoding/json comes from check.
var edgeCases = []struct {
	doc    string
	decode bool
}{
	// Keys.
	{`{"ociVersion": "1.0.2", "hostname": "h"}`, true},
	{`{"\u006fciVersion": "1", "host\u006eame": "h"}`, true}, // escaped keys match
	{`{"Process": {}}`, false},                               // only case-insensitive: left to encoding/json
	{`{"ociversion": "1"}`, false},
	{`{"OCIVERSION": "1"}`, false},
	{`{"process": {"User": {"uid": 1}}}`, false},
	{`{"ho\u017ftname": "h"}`, false},                              // ſ folds to s
	{"{\"ho\u017ftname\": \"h\"}", false},                          // the same, not escaped
	{`{"linux": {"mas\u212aedPaths": ["/x"]}}`, false},             // the Kelvin sign folds to k
	{`{"hostnamé": "h"}`, true},                                    // unknown, not a fold of hostname
	{`{"linux": {"intelRdt": {"l\u0013CacheSchema": "x"}}}`, true}, // 0x13 and '3' differ in one bit, like cases
	{`{"ociVersion": "1", "ociVersion": "2"}`, false},              // repeated key
	{`{"process": null, "process": {"cwd": "/"}}`, false},          // repeated, even after null
	{`{"x": 1, "x": 2}`, true},                                     // repeated unknown keys are skipped
	{`{"linux": {"resources": {"blockIO": {"weightDevice": [{"LinuxBlockIODevice": {"major": 1}, "minor": 2}]}}}}`, true}, // an embedded struct's name is no key
	{`{"": 1, "ociVersion": "1"}`, true},
	{`{"unknown": {"a": [1, {"b": null}], "c": "d\"\\\u00e9"}, "ociVersion": "1"}`, true},
	{`{"unknown": [[[]], {}, [{}], -0.5e+10, 1E2, true, false, null]}`, true},
	{`{"linux": {"x-extension": {"nested": [{"deep": [1, 2, 3]}]}, "cgroupsPath": "a"}}`, true},
	{`{"unknown": [1, 2,]}`, false},
	{`{"unknown": {"a": 1,}}`, false},
	{`{"unknown": {"a" 1}}`, false},
	{`{"unknown": {1: 1}}`, false},
	{`{"unknown": [}`, false},
	{`{"ociVersion": "1",}`, false},
	{`{, "ociVersion": "1"}`, false},
	{`{"ociVersion" "1"}`, false},
	{`{"ociVersion": "1" "hostname": "h"}`, false},

	// Numbers.
	{`{"process": {"user": {"uid": 4294967295, "gid": 0}}}`, true},
	{`{"process": {"user": {"uid": 4294967296}}}`, false}, // uint32 overflow
	{`{"process": {"user": {"uid": -1}}}`, false},
	{`{"process": {"user": {"uid": -0}}}`, false}, // a sign on an unsigned field
	{`{"process": {"user": {"uid": 1e3}}}`, false},
	{`{"process": {"user": {"uid": 1.0}}}`, false},
	{`{"process": {"user": {"uid": 1E0}}}`, false},
	{`{"process": {"user": {"uid": 01}}}`, false},
	{`{"process": {"user": {"uid": +1}}}`, false},
	{`{"process": {"user": {"uid": "1"}}}`, false},
	{`{"process": {"user": {"uid": true}}}`, false},
	{`{"process": {"scheduler": {"nice": 2147483647, "priority": -2147483648}}}`, true},
	{`{"process": {"scheduler": {"nice": 2147483648}}}`, false}, // int32 overflow
	{`{"process": {"scheduler": {"nice": -2147483649}}}`, false},
	{`{"process": {"scheduler": {"nice": -0}}}`, true},
	{`{"process": {"scheduler": {"runtime": 18446744073709551615}}}`, true},
	{`{"process": {"scheduler": {"runtime": 18446744073709551616}}}`, false}, // 2^64
	{`{"process": {"oomScoreAdj": -9223372036854775808}}`, true},
	{`{"process": {"oomScoreAdj": 9223372036854775808}}`, false},
	{`{"linux": {"resources": {"blockIO": {"weight": 65535, "leafWeight": 0}}}}`, true},
	{`{"linux": {"resources": {"blockIO": {"weight": 65536}}}}`, false}, // uint16 overflow
	{`{"linux": {"devices": [{"fileMode": 438, "major": -1}]}}`, true},
	{`{"linux": {"devices": [{"fileMode": 4294967296}]}}`, false},
	{`{"unknown": 1.5e-300, "u2": -0, "u3": 123456789012345678901234567890}`, true},
	{`{"unknown": 01}`, false},
	{`{"unknown": 1.}`, false},
	{`{"unknown": .5}`, false},
	{`{"unknown": -}`, false},
	{`{"unknown": 1e}`, false},
	{`{"unknown": 1e+}`, false},
	{`{"unknown": 0x10}`, false},
	{`{"unknown": NaN}`, false},
	{`{"unknown": Infinity}`, false},

	// Literals.
	{`{"process": {"terminal": true, "noNewPrivileges": false}}`, true},
	{`{"process": {"terminal": 1}}`, false},
	{`{"process": {"terminal": "true"}}`, false},
	{`{"process": {"terminal": tru}}`, false},
	{`{"process": {"terminal": truex}}`, false},
	{`{"process": nul}`, false},
	{`{"process": nullx}`, false},
	{`{"unknown": TRUE}`, false},

	// Wrong types.
	{`{"ociVersion": 1}`, false},
	{`{"ociVersion": ["1"]}`, false},
	{`{"process": []}`, false},
	{`{"process": "p"}`, false},
	{`{"mounts": {}}`, false},
	{`{"mounts": [1]}`, false},
	{`{"process": {"args": "sh"}}`, false},
	{`{"process": {"args": [1]}}`, false},
	{`{"annotations": []}`, false},
	{`{"annotations": {"a": 1}}`, false},
	{`{"annotations": {"a": {}}}`, false},
	{`{"linux": {"resources": {"rdma": {"a": []}}}}`, false},
	{`{"windows": {"credentialSpec": {"a": 1}}}`, false}, // declined field
	{`{"windows": {"credentialSpec": "x"}}`, false},
	{`{"windows": {"credentialSpec": 0}}`, false},

	// Strings.
	{`{"hostname": "\"\\\/\b\f\n\r\t\u0000\u001f\u00e9\u20AC\ud83d\ude00"}`, true},
	{`{"hostname": "\ud800"}`, true},             // a lone high surrogate: U+FFFD
	{`{"hostname": "\udc00\ud800x"}`, true},      // lone low, then high: U+FFFD twice
	{`{"hostname": "\ud800\u0041"}`, true},       // high, then no low: U+FFFD A
	{`{"hostname": "\ud800\ud800\udc00"}`, true}, // U+FFFD, then a pair
	{`{"hostname": "\ud83d\ude00\ud83d"}`, true},
	{`{"hostname": "\uD83D\uDE00\uFFFF\uFFFE"}`, true},
	{`{"hostname": "a\/b"}`, true},
	{`{"hostname": "\'"}`, false},
	{`{"hostname": "\x41"}`, false},
	{`{"hostname": "\u12"}`, false},
	{`{"hostname": "\u12g4"}`, false},
	{`{"hostname": "\ud800\u12g4"}`, false},
	{`{"hostname": "\ud800\"}`, false},
	{`{"hostname": "\`, false},
	{"{\"hostname\": \"a\tb\"}", false}, // a raw control character
	{"{\"hostname\": \"a\x00b\"}", false},
	{"{\"hostname\": \"a\x7fb\u2028\"}", true},
	{"{\"hostname\": \"\xff\"}", false},         // invalid UTF-8: encoding/json writes U+FFFD
	{"{\"hostname\": \"\xed\xa0\x80\"}", false}, // an encoded surrogate
	{"{\"hostname\": \"\\n\xff\"}", false},
	{"{\"unknown\": \"\xff\"}", false},
	{"{\"\xff\": 1}", false},
	{"{\"hostname\": \"\xef\xbf\xbd\"}", true}, // U+FFFD itself

	// The document.
	{` ` + "\t\r\n" + `{ "ociVersion" : "1" , "hostname":"h" }` + "\n\t ", true},
	{`{}`, true},
	{``, false},
	{` `, false},
	{`null`, false}, // encoding/json leaves the spec as it is; Decode wants an object
	{`[]`, false},
	{`"spec"`, false},
	{`1`, false},
	{`{} x`, false},
	{`{}{}`, false},
	{`{},`, false},
	{`{}]`, false},
	{"\xef\xbb\xbf{}", false}, // a byte order mark
	{`{`, false},
	{`{"ociVersion"`, false},
	{`{"ociVersion":`, false},
	{`{"ociVersion": "1`, false},
	{`{"ociVersion": "1"`, false},
	{`{"process": {"args": ["a"`, false},
	{`{"process": {"args": ["a",`, false},
	{`{"unknown": [`, false},
	{`{"unknown": {`, false},
	{`{"unknown": tr`, false},
	{`{"unknown": 1`, false},
	{"{\"a\":1}\x00", false},
}

func TestEdgeCases(t *testing.T) {
	for _, c := range edgeCases {
		decoded, unmarshaled := check(t, []byte(c.doc))
		if decoded != c.decode {
			t.Errorf("Decode(%s) = %v, want %v (json.Unmarshal succeeds: %v)", c.doc, decoded, c.decode, unmarshaled)
		}
	}
}

// TestDeepUnknownValues checks the nesting limit of skipped values: below
// it they are skipped, above it declined; encoding/json takes both.
func TestDeepUnknownValues(t *testing.T) {
	for _, depth := range []int{1, jsonscan.MaxSkipDepth - 1, jsonscan.MaxSkipDepth, jsonscan.MaxSkipDepth + 1, 5000} {
		for _, open := range []string{"[", `{"a":`} {
			closer := "]"
			if open != "[" {
				closer = "}"
			}
			doc := `{"unknown": ` + strings.Repeat(open, depth) + "0" + strings.Repeat(closer, depth) + `, "hostname": "h"}`
			decoded, unmarshaled := check(t, []byte(doc))
			if !unmarshaled {
				t.Fatalf("json.Unmarshal rejects depth %d", depth)
			}
			if want := depth <= jsonscan.MaxSkipDepth; decoded != want {
				t.Errorf("depth %d of %q: Decode = %v, want %v", depth, open, decoded, want)
			}
		}
	}
}

// TestRandomSpecs is the differential property test: random specs filling
// every field, as json.Marshal writes them and then rewritten with random
// whitespace, escapes and changes, decode to exactly what json.Unmarshal
// gives. Decode must take every document whose only declined place (an
// interface field) is empty: the fast path covers all the rest.
func TestRandomSpecs(t *testing.T) {
	r := seeded(t)
	m := loadModel(t)
	for _, k := range unknownKeys {
		if m.foldsToField(k) {
			t.Fatalf("unknown key %q matches a field", k)
		}
	}
	var stats struct{ decoded, declined, declining, breaking int }
	defer func() { t.Logf("rewritten documents: %+v", stats) }()
	for i := range iterations() {
		s := randomSpec(r, r.IntN(8) == 0)
		data, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		wantDecline := s.Windows != nil && s.Windows.CredentialSpec != nil
		decoded, unmarshaled := check(t, data)
		if !unmarshaled {
			t.Fatalf("document %d: json.Unmarshal rejects json.Marshal's output:\n%s", i, data)
		}
		if decoded == wantDecline {
			t.Fatalf("document %d: Decode = %v, want %v:\n%s", i, decoded, !wantDecline, data)
		}

		tree, err := parseNode(data)
		if err != nil {
			t.Fatal(err)
		}
		mu := &mutator{r: r, m: m, rate: 1 + r.IntN(40)}
		if r.IntN(4) > 0 {
			mu.mutate(tree, "")
		}
		w := &writer{r: r, odd: r.IntN(4) == 0}
		w.write(tree)
		decoded, unmarshaled = check(t, w.b)
		declines := m.declines(tree, "")
		switch {
		case mu.declining:
			stats.declining++
		case mu.breaking:
			stats.breaking++
		case decoded:
			stats.decoded++
		default:
			stats.declined++
		}
		switch {
		case mu.declining && decoded:
			t.Fatalf("document %d: Decode took a repeated or case-folded key:\n%s", i, w.b)
		case mu.declining || mu.breaking:
		case !unmarshaled:
			t.Fatalf("document %d: json.Unmarshal rejects a rewritten document:\n%s", i, w.b)
		case decoded == declines:
			t.Fatalf("document %d: Decode = %v, want %v:\n%s", i, decoded, !declines, w.b)
		}
	}
}

// unknownKeys are keys that match no field, not even case-insensitively.
var unknownKeys = []string{"", "x", "unknown", "x-vendor.extension", "_comment", "processes", "linux2",
	"\u212a", "Ωmega", "ünknown", "a\"b\\c", "\x00", "rootfs\n", "\U0001F600"}

// mutator changes a document tree in ways that keep it valid for
// json.Unmarshal and decodable by Decode (nulls, emptied arrays and
// objects, unknown keys, map entries), or that Decode must decline
// (declining: a repeated key, a key in another case), or that likely
// break the document for both (breaking: values of other types).
type mutator struct {
	r         *rand.Rand
	m         *model
	rate      int // about one node in rate changes
	declining bool
	breaking  bool
}

func (mu *mutator) chance() bool { return mu.r.IntN(mu.rate) == 0 }

func (mu *mutator) mutate(n *node, path string) {
	switch n.kind {
	case '[':
		for i, v := range n.vals {
			n.vals[i] = mu.replace(v, path+"[]")
		}
	case '{':
		isStruct := mu.m.structs[path]
		for i, v := range n.vals {
			n.vals[i] = mu.replace(v, mu.m.childPath(path, n.keys[i]))
		}
		if mu.chance() {
			at := mu.r.IntN(len(n.keys) + 1)
			if isStruct {
				n.keys = slices.Insert(n.keys, at, unknownKeys[mu.r.IntN(len(unknownKeys))])
				n.vals = slices.Insert(n.vals, at, randomNode(mu.r, 3))
			} else if len(n.vals) > 0 {
				// A new or repeated map key with a sibling's value.
				n.keys = slices.Insert(n.keys, at, unknownKeys[mu.r.IntN(len(unknownKeys))])
				n.vals = slices.Insert(n.vals, at, n.vals[mu.r.IntN(len(n.vals))].clone())
			}
		}
		if isStruct && len(n.keys) > 0 && mu.r.IntN(mu.rate*4) == 0 {
			i := mu.r.IntN(len(n.keys))
			if !slices.Contains(mu.m.Fields, mu.m.childPath(path, n.keys[i])) {
				return // an unknown key inserted above
			}
			if mu.r.IntN(2) == 0 {
				at := mu.r.IntN(len(n.keys) + 1)
				n.keys = slices.Insert(n.keys, at, n.keys[i])
				n.vals = slices.Insert(n.vals, at, n.vals[i].clone())
				mu.declining = true
			} else if k := otherCase(mu.r, n.keys[i]); k != n.keys[i] && !slices.Contains(mu.m.Fields, mu.m.childPath(path, k)) {
				n.keys[i] = k
				mu.declining = true
			}
		}
	}
}

// replace returns v, changed or not, recursing into it.
func (mu *mutator) replace(v *node, path string) *node {
	if !mu.chance() {
		mu.mutate(v, path)
		return v
	}
	switch mu.r.IntN(4) {
	case 0:
		return &node{kind: 'l', text: "null"}
	case 1:
		if v.kind == '{' || v.kind == '[' {
			return &node{kind: v.kind}
		}
	case 2:
		if mu.r.IntN(4) == 0 {
			mu.breaking = true
			return randomNode(mu.r, 2)
		}
	}
	mu.mutate(v, path)
	return v
}

// otherCase changes the case of one letter of key.
func otherCase(r *rand.Rand, key string) string {
	b := []byte(key)
	for range 4 {
		i := r.IntN(len(b))
		if c := b[i] | 0x20; 'a' <= c && c <= 'z' {
			b[i] ^= 0x20
			return string(b)
		}
	}
	return key
}

// randomNode returns a random JSON value nested at most depth deep.
func randomNode(r *rand.Rand, depth int) *node {
	k := r.IntN(7)
	if depth == 0 {
		k = 2 + r.IntN(5)
	}
	switch k {
	case 0:
		n := &node{kind: '['}
		for range r.IntN(4) {
			n.vals = append(n.vals, randomNode(r, depth-1))
		}
		return n
	case 1:
		n := &node{kind: '{'}
		for range r.IntN(4) {
			n.keys = append(n.keys, unknownKeys[r.IntN(len(unknownKeys))])
			n.vals = append(n.vals, randomNode(r, depth-1))
		}
		return n
	case 2:
		return &node{kind: '"', text: (&filler{r: r}).str()}
	case 3:
		nums := []string{"0", "-0", "1", "-1", "0.5", "-1.5e-3", "1E+2", "1e400", "123456789012345678901234567890", "18446744073709551616"}
		return &node{kind: 'l', text: nums[r.IntN(len(nums))]}
	}
	return &node{kind: 'l', text: []string{"true", "false", "null"}[r.IntN(3)]}
}

// TestEveryFieldIsDecoded checks the generator against encoding/json:
// a spec with every field set marshals to exactly the member paths the
// generator lists, Decode takes it once the declined places are removed,
// and declines when any one of them holds a value.
func TestEveryFieldIsDecoded(t *testing.T) {
	m := loadModel(t)
	s := new(specs.Spec)
	(&filler{r: rand.New(rand.NewPCG(1, 2)), full: true, mapKey: "*", iface: true}).fill(reflect.ValueOf(s).Elem())
	data, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	tree, err := parseNode(data)
	if err != nil {
		t.Fatal(err)
	}
	var inDoc []string
	var walk func(n *node, path string)
	walk = func(n *node, path string) {
		for i, v := range n.vals {
			switch {
			case n.kind == '[':
				walk(v, path+"[]")
			case n.keys[i] == "*":
				walk(v, path+"{}")
			default:
				p := n.keys[i]
				if path != "" {
					p = path + "." + p
				}
				inDoc = append(inDoc, p)
				if !slices.ContainsFunc(m.Declined, func(dc gen.Decline) bool { return dc.Path == p }) {
					walk(v, p) // not into an interface's value
				}
			}
		}
	}
	walk(tree, "")
	slices.Sort(inDoc)
	if got := m.Paths(); !slices.Equal(got, inDoc) {
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
	}
	if len(inDoc) < 250 {
		t.Errorf("only %d member paths: the filler missed fields", len(inDoc))
	}

	// Every declined place is a member (the only kind this test can
	// remove) and holds a value in the document.
	for _, dc := range m.Declined {
		if !slices.Contains(inDoc, dc.Path) {
			t.Fatalf("declined place %s is not a member path; extend this test", dc.Path)
		}
	}
	without := func(keep string) *node {
		c := tree.clone()
		var drop func(n *node, path string)
		drop = func(n *node, path string) {
			for i := 0; i < len(n.vals); i++ {
				p := path + "[]"
				if n.kind == '{' {
					p = m.childPath(path, n.keys[i])
					if n.keys[i] == "*" {
						p = path + "{}"
					}
				}
				if p != keep && slices.ContainsFunc(m.Declined, func(dc gen.Decline) bool { return dc.Path == p }) {
					n.keys = slices.Delete(n.keys, i, i+1)
					n.vals = slices.Delete(n.vals, i, i+1)
					i--
					continue
				}
				drop(n.vals[i], p)
			}
		}
		drop(c, "")
		return c
	}
	encode := func(n *node) []byte {
		w := &writer{r: rand.New(rand.NewPCG(3, 4))}
		w.write(n)
		return w.b
	}
	if decoded, _ := check(t, data); decoded && len(m.Declined) > 0 {
		t.Errorf("Decode took a document with every declined place set")
	}
	doc := encode(without(""))
	if decoded, unmarshaled := check(t, doc); !decoded || !unmarshaled {
		t.Errorf("the full spec without its declined places: Decode %v, json.Unmarshal succeeds %v", decoded, unmarshaled)
	}
	for _, dc := range m.Declined {
		doc := encode(without(dc.Path))
		if decoded, unmarshaled := check(t, doc); decoded || !unmarshaled {
			t.Errorf("%s set: Decode %v (want false), json.Unmarshal succeeds %v (want true)", dc.Path, decoded, unmarshaled)
		}
	}
}

// TestDeclinedNulls checks that a declined place still takes null when the
// generator says so, and declines other values of every JSON type.
func TestDeclinedNulls(t *testing.T) {
	m := loadModel(t)
	if len(m.Declined) == 0 {
		t.Skip("nothing declined")
	}
	for _, dc := range m.Declined {
		for _, value := range []string{"null", `"s"`, "1", "-1.5", "true", "[]", "{}", `{"a": [null]}`} {
			// Build the document from the path: members become objects,
			// [] an array of one element, {} a map of one key.
			doc := value
			for p := dc.Path; p != ""; {
				var last string
				switch {
				case strings.HasSuffix(p, "[]"):
					doc, p = "["+doc+"]", strings.TrimSuffix(p, "[]")
					continue
				case strings.HasSuffix(p, "{}"):
					doc, p = `{"k":`+doc+"}", strings.TrimSuffix(p, "{}")
					continue
				}
				if i := strings.LastIndexByte(p, '.'); i >= 0 {
					p, last = p[:i], p[i+1:]
				} else {
					p, last = "", p
				}
				key, _ := json.Marshal(last)
				doc = "{" + string(key) + ":" + doc + "}"
			}
			decoded, unmarshaled := check(t, []byte(doc))
			if want := dc.Null && value == "null"; decoded != want {
				t.Errorf("%s: Decode = %v, want %v (json.Unmarshal succeeds: %v)", doc, decoded, want, unmarshaled)
			}
		}
	}
}

// TestTypicalConfig decodes the config `oci-run spec` writes.
func TestTypicalConfig(t *testing.T) {
	data, err := os.ReadFile("testdata/config.json")
	if err != nil {
		t.Fatal(err)
	}
	if decoded, _ := check(t, data); !decoded {
		t.Fatal("Decode declined testdata/config.json")
	}
}

// TestDecodeAllocations checks that a document without escapes costs no
// allocation but the decoded values': the same count as decoding it twice
// would double.
func TestDecodeAllocations(t *testing.T) {
	data, err := os.ReadFile("testdata/config.json")
	if err != nil {
		t.Fatal(err)
	}
	decode := testing.AllocsPerRun(100, func() {
		var s specs.Spec
		Decode(data, &s)
	})
	// The values of the config: strings, slices (with appends' regrowth),
	// pointers. encoding/json, warm, needs about twice as many.
	unmarshal := testing.AllocsPerRun(100, func() {
		var s specs.Spec
		_ = json.Unmarshal(data, &s)
	})
	t.Logf("allocations: Decode %.0f, json.Unmarshal %.0f", decode, unmarshal)
	if decode >= unmarshal {
		t.Errorf("Decode allocates %.0f times, json.Unmarshal %.0f", decode, unmarshal)
	}

	// Nothing decoded, nothing allocated: skipping, nulls, keys, numbers.
	empty := []byte(`{"unknown": {"a": [1, "b\n", {"c": null}], "\u0064": -1.5e3}, "process": null,
		"hostname": null, "root": null, "annotations": null, "x": "\u00e9"}`)
	if n := testing.AllocsPerRun(100, func() {
		var s specs.Spec
		if !Decode(empty, &s) {
			t.Fatal("declined")
		}
	}); n != 0 {
		t.Errorf("Decode of a document with no values allocates %.0f times", n)
	}
}
