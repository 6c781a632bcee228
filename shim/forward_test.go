package shim

import (
	"context"
	"net"
	"path/filepath"
	"testing"
	"time"

	eventsapi "github.com/containerd/containerd/api/events"
	eventsv1 "github.com/containerd/containerd/api/services/ttrpc/events/v1"
	"github.com/containerd/ttrpc"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/emptypb"
)

type fakeEvents struct{ got chan *eventsv1.ForwardRequest }

func (f *fakeEvents) Forward(_ context.Context, r *eventsv1.ForwardRequest) (*emptypb.Empty, error) {
	f.got <- r
	return &emptypb.Empty{}, nil
}

func serveEvents(t *testing.T, sock string, f *fakeEvents) func() {
	t.Helper()
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := ttrpc.NewServer()
	if err != nil {
		t.Fatal(err)
	}
	eventsv1.RegisterEventsService(srv, f)
	go srv.Serve(context.Background(), l)
	return func() { srv.Close() }
}

// Events reach containerd's ttrpc events service in an envelope with the
// namespace, topic and a typed Any; after the service restarts the
// forwarder dials again.
func TestForwarderEnvelopeAndRedial(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "events.sock")
	f := &fakeEvents{got: make(chan *eventsv1.ForwardRequest, 4)}
	stop := serveEvents(t, sock, f)
	fw := newForwarder(sock)
	defer fw.close()
	ev := &eventsapi.TaskExit{ContainerID: "c1", ID: "c1", Pid: 42, ExitStatus: 3}
	if err := fw.forward("ns1", TopicTaskExit, ev); err != nil {
		t.Fatal(err)
	}
	check := func() {
		t.Helper()
		select {
		case r := <-f.got:
			e := r.Envelope
			if e.Namespace != "ns1" || e.Topic != TopicTaskExit || e.Event.TypeUrl != "containerd.events.TaskExit" || e.Timestamp == nil {
				t.Errorf("envelope %v", e)
			}
			var got eventsapi.TaskExit
			if err := proto.Unmarshal(e.Event.Value, &got); err != nil || got.Pid != 42 || got.ExitStatus != 3 {
				t.Errorf("event %v %v", &got, err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("no event forwarded")
		}
	}
	check()
	stop()
	if err := fw.forward("ns1", TopicTaskExit, ev); err == nil {
		t.Error("forward succeeded with the service gone")
	}
	stop = serveEvents(t, sock, f)
	defer stop()
	if err := fw.forward("ns1", TopicTaskExit, ev); err != nil {
		t.Fatalf("after the service came back: %v", err)
	}
	check()
}
