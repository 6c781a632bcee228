package libcontainer

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"reflect"
	"testing"

	"github.com/oci-run/oci-run/libcontainer/configs"
	"github.com/oci-run/oci-run/specconv"
)

// exampleConfig is the config of `oci-run spec`'s spec, as `oci-run run`
// converts it.
func exampleConfig(tb testing.TB) *configs.Config {
	tb.Helper()
	cfg, err := specconv.ToConfig(specconv.Example(), specconv.Options{ID: "example", BundleDir: "/bundle"})
	if err != nil {
		tb.Fatalf("specconv.ToConfig: %v", err)
	}
	return cfg
}

// recordedConfig returns the config of a state.json that records cfg, as
// writeState encodes it and readState returns it to configLocked.
func recordedConfig(tb testing.TB, cfg *configs.Config) []byte {
	tb.Helper()
	b, err := marshalState(&State{ID: "c", InitPid: 1, Rootfs: cfg.Rootfs, Annotations: cfg.Annotations, Config: cfg})
	if err != nil {
		tb.Fatal(err)
	}
	_, raw, ok := decodeState(b)
	if !ok {
		tb.Fatalf("decodeState declined a state writeState writes:\n%s", b)
	}
	return raw
}

// TestDecodeConfigFixed decodes the configs of `oci-run spec`, of a rich
// spec and of special shapes, as state.json records them and as
// json.Marshal and json.MarshalIndent write them: decodeConfig takes them
// all and gives json.Unmarshal's result.
func TestDecodeConfigFixed(t *testing.T) {
	for name, cfg := range map[string]*configs.Config{
		"zero":    {},
		"example": exampleConfig(t),
		"rich":    richState(t).Config,
		"full":    fullConfig(),
		"empty maps and slices": {
			Mounts: []*configs.Mount{}, Namespaces: configs.Namespaces{}, Hooks: configs.Hooks{},
			Sysctl: map[string]string{}, Process: &configs.Process{Args: []string{}},
			Cgroups: &configs.Cgroup{Resources: &configs.Resources{Rdma: map[string]configs.RdmaLimit{}, Unified: map[string]string{}}},
		},
		"nil elements": {
			Mounts: []*configs.Mount{nil}, Devices: []*configs.Device{nil, {}},
			Hooks:   configs.Hooks{configs.Prestart: nil, configs.Poststop: {}},
			Seccomp: &configs.Seccomp{Syscalls: []*configs.SeccompSyscall{nil, {Args: []*configs.SeccompArg{nil}}}},
		},
	} {
		t.Run(name, func(t *testing.T) {
			indented, err := json.MarshalIndent(cfg, "", "\t")
			if err != nil {
				t.Fatal(err)
			}
			plain, err := json.Marshal(cfg)
			if err != nil {
				t.Fatal(err)
			}
			for _, data := range [][]byte{recordedConfig(t, cfg), plain, indented} {
				if decoded, _ := checkConfigDecode(t, data); !decoded {
					t.Errorf("decodeConfig declined:\n%s", data)
				}
			}
		})
	}
}

// configNullAndEmpty has null, [] and {} in every kind of place of a
// Config, and other shapes that json.Marshal does not write but
// encoding/json takes: decodeConfig must take them all.
var configNullAndEmpty = []string{
	`{}`,
	`{"version": null, "rootfs": null, "readonlyfs": null, "rootPropagation": null}`,
	`{"mounts": null}`,
	`{"mounts": []}`,
	`{"mounts": [null, {}, {"propagationFlags": [], "recAttr": null, "uidMappings": [null]}]}`,
	`{"mounts": [{"recAttr": {}, "flags": null, "propagationFlags": [1, null, -2], "gidMappings": []}]}`,
	`{"devices": [null, {"type": 99, "major": -1, "minor": null, "path": "/dev/x", "fileMode": 8630, "uid": null}]}`,
	`{"devices": [{"DeviceRule": {"type": 98}, "allow": true}]}`, // an embedded struct's name is no key
	`{"namespaces": null}`,
	`{"namespaces": []}`,
	`{"namespaces": [{"type": "user"}, {"type": null, "path": "/proc/1/ns/net"}, null]}`,
	`{"uidMappings": [{"containerID": 0, "hostID": 100000, "size": 65536}], "gidMappings": []}`,
	`{"timeOffsets": {"monotonic": {"secs": -1, "nanos": 4294967295}, "boottime": null, "x": {}}}`,
	`{"sysctl": {"a": null, "b": ""}}`,
	`{"sysctl": {"a": "1", "a": "2"}}`, // a repeated map key: the last wins
	`{"cgroups": null}`,
	`{"cgroups": {}}`,
	`{"cgroups": {"resources": null}}`,
	`{"cgroups": {"resources": {}}}`,
	`{"cgroups": {"resources": {"memorySwappiness": null, "useHierarchy": false, "cpuIdle": -1, "cpuBurst": 0}}}`,
	`{"cgroups": {"resources": {"rdma": {"x": null, "y": {}, "z": {"hcaHandles": null, "hcaObjects": 4294967295}}}}}`,
	`{"cgroups": {"resources": {"rdma": {"x": {"hcaHandles": 1}, "x": {"hcaObjects": 2}}}}}`,
	`{"cgroups": {"resources": {"devices": [null, {"type": 97, "major": -1, "minor": -1, "permissions": "rwm", "allow": true}], "freezer": "FROZEN", "unified": {}}}}`,
	`{"cgroups": {"resources": {"blkioWeightDevice": [null, {"major": 8, "weight": 65535}], "hugetlbLimit": [], "netPrioIfpriomap": [{"interface": "eth0", "priority": -5}]}}}`,
	`{"hooks": null}`,
	`{"hooks": {}}`,
	`{"hooks": {"prestart": null, "poststop": []}}`,
	`{"hooks": {"prestart": [{"path": "/a", "timeout": null}], "prestart": [{"path": "/b", "timeout": 5}]}}`,
	`{"hooks": {"unknownPoint": [{"path": "/x", "args": [], "env": null}, null]}}`,
	`{"process": null}`,
	`{"process": {}}`,
	`{"process": {"user": null, "capabilities": null, "rlimits": [null], "args": [null, "sh"]}}`,
	`{"process": {"user": {"additionalGids": [1, null], "umask": null}, "capabilities": {"bounding": [], "ambient": null}, "scheduler": {"flags": [null]}, "ioPriority": {}}}`,
	`{"oomScoreAdj": null}`,
	`{"oomScoreAdj": -1000}`,
	`{"seccomp": {"defaultErrnoRet": null, "syscalls": [null, {"names": null, "args": [null, {"index": 0, "value": 18446744073709551615}]}]}}`,
	`{"personality": {"domain": 8, "flags": []}}`,
	`{"labels": ["bundle=/b", null], "annotations": {"a": null}}`,
	`{"x-unknown": {"deep": [1, {"a": null}], "b": -1.5e3}, "rootfs": "/r"}`,
}

// TestDecodeConfigNullAndEmpty pins encoding/json's handling of null, []
// and {} in every kind of place, by comparing with it.
func TestDecodeConfigNullAndEmpty(t *testing.T) {
	for _, doc := range configNullAndEmpty {
		decoded, unmarshaled := checkConfigDecode(t, []byte(doc))
		if !unmarshaled {
			t.Errorf("json.Unmarshal rejects %s; fix the test", doc)
		} else if !decoded {
			t.Errorf("decodeConfig declined %s", doc)
		}
	}
}

// configEdgeCases are documents at the edges of the generated decoder,
// with whether decodeConfig takes them. Those it declines go to
// encoding/json, whose result (or error) checkConfigDecode compares with
// configLocked's: the partial result of a declined decoding is dropped.
var configEdgeCases = []struct {
	doc    string
	decode bool
}{
	{` {"rootfs": "/r"} `, true},
	{`{"r\u006ftfs": "/r"}`, true},                                // an escaped key matches
	{`{"Rootfs": "/r"}`, false},                                   // only case-insensitively: left to encoding/json
	{`{"hostname": "a", "rootfs": "/r", "HOSTNAME": "b"}`, false}, // ... after a decoded field
	{`{"rootfs": "/a", "rootfs": "/b"}`, false},                   // a repeated key
	{`{"mounts": [{"source": "a"}], "mounts": null}`, false},      // ... even null
	{`{"hooks": {"prestart": [{"Path": "/x"}]}}`, false},          // case-folded, deep
	{`{"devices": [{"Type": 99}]}`, false},                        // case-folded, promoted
	{`{"devices": [{"type": 2147483648}]}`, false},                // a rune's overflow
	{`{"devices": [{"type": -2147483648, "fileMode": 4294967295}]}`, true},
	{`{"devices": [{"fileMode": 4294967296}]}`, false},
	{`{"rootPropagation": 9223372036854775807}`, true},
	{`{"rootPropagation": 9223372036854775808}`, false},
	{`{"cgroups": {"resources": {"cpuShares": 18446744073709551615}}}`, true},
	{`{"cgroups": {"resources": {"cpuShares": -1}}}`, false},
	{`{"cgroups": {"resources": {"cpuShares": -0}}}`, false},
	{`{"cgroups": {"resources": {"cpuQuota": -0}}}`, true},
	{`{"cgroups": {"resources": {"blkioWeight": 65536}}}`, false},
	{`{"cgroups": {"resources": {"memory": 1e9}}}`, false},
	{`{"cgroups": {"resources": {"memory": 1.0}}}`, false},
	{`{"cgroups": {"resources": {"rdma": {"x": []}}}}`, false},
	{`{"seccomp": {"defaultErrnoRet": 18446744073709551615}}`, true},
	{`{"hooks": 7}`, false},
	{`{"hooks": {"prestart": {}}}`, false},
	{`{"namespaces": {}}`, false},
	{`{"process": {"user": {"uid": "0"}}}`, false},
	{`{"process": {"terminal": "true"}}`, false},
	{`{"hostname": "\ud800x\u2028\"\\\/"}`, true},
	{"{\"hostname\": \"\xff\"}", false}, // invalid UTF-8, which encoding/json replaces
	{"{\"hostname\": \"a\tb\"}", false},
	{`{"x-unknown": [1, 2,]}`, false},
	{`null`, false}, // encoding/json leaves the config as it is
	{``, false},
	{`[]`, false},
	{`{} x`, false},
	{`{"rootfs": "/r"`, false},
	{`{"rootfs": "/r",}`, false},
}

func TestDecodeConfigEdgeCases(t *testing.T) {
	for _, c := range configEdgeCases {
		decoded, unmarshaled := checkConfigDecode(t, []byte(c.doc))
		if decoded != c.decode {
			t.Errorf("decodeConfig(%s) = %v, want %v (json.Unmarshal succeeds: %v)", c.doc, decoded, c.decode, unmarshaled)
		}
	}
}

// TestDecodeConfigRandom is the differential property test: configs whose
// every field is random, as json.Marshal (or MarshalIndent) writes them,
// decode to exactly what json.Unmarshal gives, and decodeConfig declines
// (almost) none of them: nothing in them is left to encoding/json.
func TestDecodeConfigRandom(t *testing.T) {
	seeds := 3000
	if testing.Short() {
		seeds = 300
	}
	current := -1
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("seed %d (randomConfig)", current)
		}
	})
	declined := 0
	for seed := range seeds {
		current = seed
		cfg := randomConfig(t, uint64(seed))
		var data []byte
		var err error
		if seed%4 == 0 {
			data, err = json.MarshalIndent(cfg, " ", "  ")
		} else {
			data, err = json.Marshal(cfg)
		}
		if err != nil {
			t.Fatal(err)
		}
		decoded, unmarshaled := checkConfigDecode(t, data)
		if !unmarshaled {
			t.Fatalf("json.Unmarshal rejects json.Marshal's output:\n%s", data)
		}
		if !decoded {
			declined++
		}
	}
	t.Logf("%d random configs, %d declined", seeds, declined)
	if declined > seeds/100 {
		t.Fatalf("decodeConfig declined %d of %d random configs", declined, seeds)
	}
}

// TestDecodeConfigMutated changes valid encodings of configs (values
// replaced or swapped, members inserted, bytes edited, truncations) and
// checks that decodeConfig never takes one without giving
// json.Unmarshal's result, nor panics. Where only a value was replaced,
// it must take every document encoding/json takes. The seed is fixed:
// FuzzDecodeConfig searches further.
func TestDecodeConfigMutated(t *testing.T) {
	iterations := 4000
	if testing.Short() {
		iterations = 400
	}
	var corpus [][]byte
	for _, cfg := range []*configs.Config{exampleConfig(t), richState(t).Config, fullConfig()} {
		corpus = append(corpus, recordedConfig(t, cfg))
	}
	for seed := range 20 {
		data, err := json.Marshal(randomConfig(t, uint64(1000+seed)))
		if err != nil {
			t.Fatal(err)
		}
		corpus = append(corpus, data)
	}
	spans := make([][]jsonSpan, len(corpus))
	for i, doc := range corpus {
		var err error
		if spans[i], err = jsonSpans(doc); err != nil {
			t.Fatal(err)
		}
	}
	r := rand.New(rand.NewPCG(5, 17))
	var stats [numMutations]struct{ documents, decoded, unmarshaled int }
	for range iterations {
		i := r.IntN(len(corpus))
		doc, kind := mutate(r, corpus[i], spans[i])
		decoded, unmarshaled := checkConfigDecode(t, doc)
		s := &stats[kind]
		s.documents++
		if decoded {
			s.decoded++
		}
		if unmarshaled {
			s.unmarshaled++
		}
		if kind == mutValue && unmarshaled && !decoded {
			t.Errorf("decodeConfig declined a document json.Unmarshal takes, with a value replaced:\n%s", doc)
		}
	}
	for kind, s := range stats {
		t.Logf("%-10v %4d documents: %4d decoded, %4d taken by json.Unmarshal", mutation(kind), s.documents, s.decoded, s.unmarshaled)
	}
	if v := stats[mutValue]; v.decoded < v.documents/4 {
		t.Errorf("only %d of %d documents with a value replaced decoded", v.decoded, v.documents)
	}
}

// TestJSONSpans checks the mutations' tokenizer on a document with every
// kind of token.
func TestJSONSpans(t *testing.T) {
	doc := []byte(` {"a" : [1, "x", {}, {"b": null}], "c":true} `)
	spans, err := jsonSpans(doc)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range spans {
		text := string(doc[s.start:s.end])
		if s.key {
			text = "key " + text
		}
		got = append(got, text)
	}
	want := []string{`key "a"`, `1`, `"x"`, `{}`, `key "b"`, `null`, `{"b": null}`,
		`[1, "x", {}, {"b": null}]`, `key "c"`, `true`, `{"a" : [1, "x", {}, {"b": null}], "c":true}`}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("spans:\n got %q\nwant %q", got, want)
	}
}

// TestLoadedConfigIsDecoded checks the whole path of `exec`: a state
// written by writeState, loaded, gives through Config the config that
// json.Unmarshal gives of the recorded bytes.
func TestLoadedConfigIsDecoded(t *testing.T) {
	root := t.TempDir()
	st := richState(t)
	st.InitPid = 1
	dir := root + "/" + st.ID
	if err := os.Mkdir(dir, 0o711); err != nil {
		t.Fatal(err)
	}
	if err := writeState(dir, st); err != nil {
		t.Fatal(err)
	}
	c, err := Load(root, st.ID, Options{})
	if err != nil {
		t.Fatal(err)
	}
	raw := c.rawConfig
	if decoded, _ := checkConfigDecode(t, raw); !decoded {
		t.Fatalf("decodeConfig declined the recorded config:\n%s", raw)
	}
	var want configs.Config
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	if got := c.Config(); !reflect.DeepEqual(got, &want) {
		t.Fatalf("Config() and json.Unmarshal differ at %s", valueDiff(reflect.ValueOf(got).Elem(), reflect.ValueOf(want), "config"))
	}
}
