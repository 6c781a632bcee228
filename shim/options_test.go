package shim

import (
	"testing"

	runcopts "github.com/containerd/containerd/api/types/runc/options"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
)

func TestParseOptions(t *testing.T) {
	if o, err := parseOptions(nil); err != nil || o != (taskOptions{}) {
		t.Errorf("nil options: %+v %v", o, err)
	}
	b, _ := proto.Marshal(&runcopts.Options{Root: "/run/x", NoPivotRoot: true, SystemdCgroup: true})
	o, err := parseOptions(&anypb.Any{TypeUrl: "containerd.runc.v1.Options", Value: b})
	if err != nil || o.Root != "/run/x" || !o.NoPivotRoot || !o.SystemdCgroup || o.NoNewKeyring {
		t.Errorf("runc options: %+v %v", o, err)
	}
	if o, err := parseOptions(&anypb.Any{TypeUrl: "some.other.Options", Value: []byte{1, 2}}); err != nil || o != (taskOptions{}) {
		t.Errorf("other options type: %+v %v", o, err)
	}
	b, _ = proto.Marshal(&runcopts.Options{Root: "relative"})
	if _, err := parseOptions(&anypb.Any{TypeUrl: "containerd.runc.v1.Options", Value: b}); err == nil {
		t.Error("relative root accepted")
	}
}

func TestStateRootFile(t *testing.T) {
	dir := t.TempDir()
	if got := readStateRoot(dir, "/def"); got != "/def" {
		t.Errorf("no file: %q", got)
	}
	if err := writeStateRoot(dir, "/run/containerd/ocirun/ns"); err != nil {
		t.Fatal(err)
	}
	if got := readStateRoot(dir, "/def"); got != "/run/containerd/ocirun/ns" {
		t.Errorf("read back %q", got)
	}
}
