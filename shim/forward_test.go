package shim

import (
	"context"
	"net"
	"path/filepath"
	"sync"
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

// trackingListener remembers the connections it accepted, so that a test
// can close them: ttrpc's Server.Close leaves a connection it still counts
// as active open for a while, and a forward could then still succeed.
type trackingListener struct {
	net.Listener
	mu    sync.Mutex
	conns []net.Conn
}

func (l *trackingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.mu.Lock()
		l.conns = append(l.conns, c)
		l.mu.Unlock()
	}
	return c, err
}

func (l *trackingListener) closeConns() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, c := range l.conns {
		c.Close()
	}
	l.conns = nil
}

// serveEvents serves f on sock; the function it returns stops the service
// and closes every connection to it before returning.
func serveEvents(t *testing.T, sock string, f *fakeEvents) func() {
	t.Helper()
	inner, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	l := &trackingListener{Listener: inner}
	srv, err := ttrpc.NewServer()
	if err != nil {
		t.Fatal(err)
	}
	eventsv1.RegisterEventsService(srv, f)
	go srv.Serve(context.Background(), l)
	return func() {
		srv.Close()
		l.closeConns()
	}
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

// A containerd that restarted between two events closed the kept
// connection: the next forward dials again and delivers the event, instead
// of failing once and losing it.
func TestForwarderRedialsAClosedConnection(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "events.sock")
	f := &fakeEvents{got: make(chan *eventsv1.ForwardRequest, 4)}
	stop := serveEvents(t, sock, f)
	fw := newForwarder(sock)
	defer fw.close()
	ev := &eventsapi.TaskExit{ContainerID: "c1", ID: "c1", Pid: 7}
	if err := fw.forward("ns1", TopicTaskExit, ev); err != nil {
		t.Fatal(err)
	}
	<-f.got
	stop()
	stop = serveEvents(t, sock, f)
	defer stop()
	if err := fw.forward("ns1", TopicTaskExit, ev); err != nil {
		t.Fatalf("forward after a restart of the service: %v", err)
	}
	select {
	case <-f.got:
	case <-time.After(5 * time.Second):
		t.Fatal("the event was not delivered after the restart")
	}
}
