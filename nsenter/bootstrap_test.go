package nsenter

import (
	"bytes"
	"encoding/binary"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

func TestEncodeLayout(t *testing.T) {
	b := &Bootstrap{
		CloneFlags:  unix.CLONE_NEWNET | unix.CLONE_NEWTIME,
		Joins:       []Join{{Type: unix.CLONE_NEWIPC, Path: "/p"}},
		TimeOffsets: "monotonic 1 0\n",
	}
	got, err := b.Encode()
	if err != nil {
		t.Fatal(err)
	}
	le := binary.LittleEndian
	var want []byte
	want = le.AppendUint32(want, AttrCloneFlags)
	want = le.AppendUint32(want, 4)
	want = le.AppendUint32(want, unix.CLONE_NEWNET|unix.CLONE_NEWTIME)
	want = le.AppendUint32(want, AttrNSPath)
	want = le.AppendUint32(want, 6)
	want = le.AppendUint32(want, unix.CLONE_NEWIPC)
	want = append(want, "/p"...)
	want = le.AppendUint32(want, AttrTimeOffsets)
	want = le.AppendUint32(want, 14)
	want = append(want, "monotonic 1 0\n"...)
	if !bytes.Equal(got, want) {
		t.Fatalf("Encode:\n got %x\nwant %x", got, want)
	}
}

func TestEncodeRejects(t *testing.T) {
	cases := []struct {
		name string
		b    Bootstrap
		want string
	}{
		{"clone flags", Bootstrap{CloneFlags: unix.CLONE_VM}, "unsupported clone flags"},
		{"join type zero", Bootstrap{Joins: []Join{{Path: "/x"}}}, "invalid namespace type"},
		{"join two types", Bootstrap{Joins: []Join{{Type: unix.CLONE_NEWNET | unix.CLONE_NEWUTS, Path: "/x"}}}, "invalid namespace type"},
		{"empty path", Bootstrap{Joins: []Join{{Type: unix.CLONE_NEWNET}}}, "empty path"},
		{"long path", Bootstrap{Joins: []Join{{Type: unix.CLONE_NEWNET, Path: strings.Repeat("a", unix.PathMax)}}}, "longer than"},
		{"NUL in path", Bootstrap{Joins: []Join{{Type: unix.CLONE_NEWNET, Path: "/a\x00"}}}, "NUL"},
		{"joined twice", Bootstrap{Joins: []Join{{Type: unix.CLONE_NEWNET, Path: "/a"}, {Type: unix.CLONE_NEWNET, Path: "/b"}}}, "joined twice"},
		{"joined and created", Bootstrap{CloneFlags: unix.CLONE_NEWNET, Joins: []Join{{Type: unix.CLONE_NEWNET, Path: "/a"}}}, "both joined and created"},
		{"offsets without timens", Bootstrap{TimeOffsets: "monotonic 1 0\n"}, "need a new time namespace"},
		{"long offsets", Bootstrap{CloneFlags: unix.CLONE_NEWTIME, TimeOffsets: strings.Repeat("x", MaxTimeOffsetsLen+1)}, "longer than"},
		{"NUL in offsets", Bootstrap{CloneFlags: unix.CLONE_NEWTIME, TimeOffsets: "a\x00"}, "NUL"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.b.Encode()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Encode: %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestEncodeLimits(t *testing.T) {
	// The largest valid bootstrap still fits MaxBootstrap and parses.
	b := &Bootstrap{CloneFlags: unix.CLONE_NEWTIME, TimeOffsets: strings.Repeat("x", MaxTimeOffsetsLen)}
	for _, n := range nsNames {
		if n.flag != unix.CLONE_NEWTIME {
			b.Joins = append(b.Joins, Join{Type: n.flag, Path: strings.Repeat("p", MaxNSPathLen)})
		}
	}
	p, err := b.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if len(p) > MaxBootstrap {
		t.Fatalf("%d bytes", len(p))
	}
	got, err := parseBootstrapForTest(p)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, b) {
		t.Fatal("round trip differs")
	}
}

func TestNeedsFork(t *testing.T) {
	cases := []struct {
		b    Bootstrap
		want bool
	}{
		{Bootstrap{}, false},
		{Bootstrap{CloneFlags: unix.CLONE_NEWNET | unix.CLONE_NEWUSER | unix.CLONE_NEWNS}, false},
		{Bootstrap{CloneFlags: unix.CLONE_NEWPID}, true},
		{Bootstrap{CloneFlags: unix.CLONE_NEWTIME}, true},
		{Bootstrap{Joins: []Join{{Type: unix.CLONE_NEWNET, Path: "/n"}}}, false},
		{Bootstrap{Joins: []Join{{Type: unix.CLONE_NEWPID, Path: "/p"}}}, true},
		{Bootstrap{Joins: []Join{{Type: unix.CLONE_NEWTIME, Path: "/t"}}}, true},
	}
	for i, tc := range cases {
		if got := tc.b.NeedsFork(); got != tc.want {
			t.Errorf("case %d: NeedsFork() = %v", i, got)
		}
	}
}

func TestNamespaceName(t *testing.T) {
	if NamespaceName(unix.CLONE_NEWNS) != "mnt" || NamespaceName(unix.CLONE_NEWTIME) != "time" || NamespaceName(0) != "" {
		t.Fatal("NamespaceName")
	}
}

// The C parser agrees with Encode on valid input...
func TestParseRoundTrip(t *testing.T) {
	for _, b := range []*Bootstrap{
		{},
		{CloneFlags: NamespaceFlags, TimeOffsets: "monotonic 10 0\nboottime 5 0\n"},
		{Joins: []Join{{Type: unix.CLONE_NEWNS, Path: "/proc/1/ns/mnt"}, {Type: unix.CLONE_NEWUSER, Path: "/proc/1/ns/user"}}},
		{CloneFlags: unix.CLONE_NEWPID, Joins: []Join{{Type: unix.CLONE_NEWNET, Path: "/run/netns/x"}}},
		{Joins: []Join{{Type: unix.CLONE_NEWPID, Path: "/proc/1/ns/pid"}}, Exec: true},
	} {
		p, err := b.Encode()
		if err != nil {
			t.Fatal(err)
		}
		got, err := parseBootstrapForTest(p)
		if err != nil {
			t.Fatalf("%+v: %v", b, err)
		}
		if !reflect.DeepEqual(got, b) {
			t.Errorf("round trip: got %+v, want %+v", got, b)
		}
	}
	// An empty payload (no CLONEFLAGS at all) is valid: nothing to do.
	if _, err := parseBootstrapForTest(nil); err != nil {
		t.Fatal(err)
	}
}

// ...and rejects what Encode would not produce.
func TestParseRejects(t *testing.T) {
	le := binary.LittleEndian
	flags := func(v uint32) []byte { return attr(AttrCloneFlags, le.AppendUint32(nil, v)) }
	cat := func(bs ...[]byte) []byte { return bytes.Join(bs, nil) }
	cases := []struct {
		name    string
		payload []byte
		want    string
	}{
		{"too large", make([]byte, MaxBootstrap+1), "exceeds the limit"},
		{"duplicate flags", cat(flags(0), flags(0)), "duplicate CLONEFLAGS"},
		{"joined twice", cat(nsPathAttr(unix.CLONE_NEWNET, "/a"), nsPathAttr(unix.CLONE_NEWNET, "/b")), "joined twice"},
		{"joined and created", cat(flags(unix.CLONE_NEWNET), nsPathAttr(unix.CLONE_NEWNET, "/a")), "both joined and created"},
		{"offsets without timens", attr(AttrTimeOffsets, []byte("monotonic 1 0\n")), "without creating a time namespace"},
		{"duplicate offsets", cat(flags(unix.CLONE_NEWTIME), attr(AttrTimeOffsets, []byte("a")), attr(AttrTimeOffsets, []byte("b"))), "duplicate TIMENS_OFFSETS"},
		{"empty offsets", cat(flags(unix.CLONE_NEWTIME), attr(AttrTimeOffsets, nil)), "TIMENS_OFFSETS of 0 bytes"},
		{"long offsets", cat(flags(unix.CLONE_NEWTIME), attr(AttrTimeOffsets, make([]byte, MaxTimeOffsetsLen+1))), "TIMENS_OFFSETS of 1025 bytes"},
		{"trailing bytes", cat(flags(0), []byte{1}), "truncated attribute header"},
		{"path of PATH_MAX-1 plus one", nsPathAttr(unix.CLONE_NEWNET, strings.Repeat("a", unix.PathMax)), "too long"},
		{"exec with a value", attr(AttrExec, []byte{1}), "EXEC attribute of 1 bytes"},
		{"exec twice", cat(attr(AttrExec, nil), attr(AttrExec, nil)), "duplicate EXEC"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseBootstrapForTest(tc.payload)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("parse: %v, want an error containing %q", err, tc.want)
			}
		})
	}
	// A path of exactly PATH_MAX-1 bytes is fine.
	if _, err := parseBootstrapForTest(nsPathAttr(unix.CLONE_NEWNET, strings.Repeat("a", unix.PathMax-1))); err != nil {
		t.Fatal(err)
	}
}

// FuzzBootstrapParse feeds arbitrary bytes to the C parser: it must never
// crash, and whatever it accepts must survive Encode and parse again
// unchanged (so C and Go agree on the format).
func FuzzBootstrapParse(f *testing.F) {
	for _, b := range []*Bootstrap{
		{},
		{CloneFlags: NamespaceFlags, TimeOffsets: "monotonic 10 0\n"},
		{Joins: []Join{{Type: unix.CLONE_NEWNET, Path: "/proc/1/ns/net"}, {Type: unix.CLONE_NEWUSER, Path: "/u"}}},
	} {
		p, _ := b.Encode()
		f.Add(p)
		f.Add(p[:len(p)/2])
	}
	f.Add([]byte{1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff})
	f.Add([]byte{2, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0x40, 'x'})
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := parseBootstrapForTest(data)
		if err != nil {
			return
		}
		p, err := b.Encode()
		if err != nil {
			t.Fatalf("C accepted %x as %+v, Encode rejects it: %v", data, b, err)
		}
		b2, err := parseBootstrapForTest(p)
		if err != nil {
			t.Fatalf("C rejects Encode's %x: %v", p, err)
		}
		if !reflect.DeepEqual(b, b2) {
			t.Fatalf("round trip: %+v != %+v", b, b2)
		}
	})
}

// FuzzEncodeParse builds bootstraps from fuzzed fields: whatever Encode
// accepts, C must parse back to the same thing; whatever C rejects, Encode
// must have rejected.
func FuzzEncodeParse(f *testing.F) {
	f.Add(uint32(unix.CLONE_NEWNET), uint32(unix.CLONE_NEWUTS), "/proc/1/ns/uts", uint32(0), "", "")
	f.Add(uint32(unix.CLONE_NEWTIME), uint32(unix.CLONE_NEWUSER), "/u", uint32(unix.CLONE_NEWNS), "/m", "monotonic 1 0\n")
	f.Fuzz(func(t *testing.T, flags, t1 uint32, p1 string, t2 uint32, p2, offsets string) {
		b := &Bootstrap{CloneFlags: uintptr(flags), TimeOffsets: offsets}
		if t1 != 0 || p1 != "" {
			b.Joins = append(b.Joins, Join{Type: uintptr(t1), Path: p1})
		}
		if t2 != 0 || p2 != "" {
			b.Joins = append(b.Joins, Join{Type: uintptr(t2), Path: p2})
		}
		p, err := b.Encode()
		if err != nil {
			return
		}
		got, err := parseBootstrapForTest(p)
		if err != nil {
			t.Fatalf("C rejects Encode(%+v): %v", b, err)
		}
		if !reflect.DeepEqual(got, b) {
			t.Fatalf("round trip: got %+v, want %+v", got, b)
		}
	})
}
