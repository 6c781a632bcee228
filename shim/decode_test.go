package shim

import (
	"io"
	"log/slog"
	"testing"

	"google.golang.org/protobuf/types/known/anypb"
)

func TestDecodeProcessSpec(t *testing.T) {
	a := &anypb.Any{TypeUrl: "types.containerd.io/opencontainers/runtime-spec/1/Process",
		Value: []byte(`{"args":["/bin/sh"],"cwd":"/","terminal":true}`)}
	p, err := decodeProcessSpec(a)
	if err != nil || len(p.Args) != 1 || !p.Terminal {
		t.Errorf("decoded %+v %v", p, err)
	}
	for _, bad := range []*anypb.Any{nil,
		{TypeUrl: "types.containerd.io/opencontainers/runtime-spec/1/LinuxResources", Value: []byte(`{}`)},
		{TypeUrl: "x/Process", Value: []byte(`{`)}} {
		if _, err := decodeProcessSpec(bad); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}

func TestDecodeResources(t *testing.T) {
	s := &Service{log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	a := &anypb.Any{TypeUrl: "types.containerd.io/opencontainers/runtime-spec/1/LinuxResources",
		Value: []byte(`{"memory":{"limit":1048576},"cpu":{"shares":512},"pids":{"limit":9},"devices":[{"allow":true,"access":"rwm"}]}`)}
	r, err := decodeResources("c", a, s)
	if err != nil {
		t.Fatal(err)
	}
	if r.Memory != 1048576 || r.CPUShares != 512 || r.PidsLimit != 9 || r.Devices != nil {
		t.Errorf("converted %+v", r)
	}
	if _, err := decodeResources("c", &anypb.Any{TypeUrl: "x/Process", Value: []byte(`{}`)}, s); err == nil {
		t.Error("wrong type accepted")
	}
	if _, err := decodeResources("c", nil, s); err == nil {
		t.Error("nil resources accepted")
	}
}
