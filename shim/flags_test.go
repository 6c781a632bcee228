package shim

import (
	"io"
	"slices"
	"testing"
)

func TestParseFlags(t *testing.T) {
	// As containerd 1.6 runs "start".
	f, err := ParseFlags([]string{"-namespace", "default", "-address", "/run/containerd/containerd.sock",
		"-publish-binary", "/usr/bin/containerd", "-id", "c1", "-debug", "start"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if f.Action != "start" || f.Namespace != "default" || f.ID != "c1" || !f.Debug || f.Bundle == "" {
		t.Errorf("parsed %+v", f)
	}
	args := f.daemonArgs()
	if slices.Contains(args, "start") || !slices.Contains(args, "-debug") || !slices.Contains(args, "/usr/bin/containerd") {
		t.Errorf("daemon args %v", args)
	}
	g, err := ParseFlags(args, io.Discard)
	if err != nil || g.Action != "" || g.Bundle != f.Bundle || g.Address != f.Address {
		t.Errorf("daemon args do not round-trip: %+v %v", g, err)
	}
	for _, bad := range [][]string{
		{"-id", "c1", "start"},                                    // no namespace
		{"-namespace", "n", "start"},                              // no id
		{"-namespace", "n", "-id", "c", "frobnicate"},             // unknown action
		{"-namespace", "n", "-id", "c", "start", "extra"},         // trailing args
		{"-namespace", "n", "-id", "c", "-no-such-flag", "start"}, // unknown flag
	} {
		if _, err := ParseFlags(bad, io.Discard); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
	if f, err := ParseFlags([]string{"-v"}, io.Discard); err != nil || !f.Version {
		t.Errorf("-v: %+v %v", f, err)
	}
}
