package shim

import (
	"context"
	"fmt"
	"net"
	"sync"
	"time"

	eventsv1 "github.com/containerd/containerd/api/services/ttrpc/events/v1"
	"github.com/containerd/containerd/api/types"
	"github.com/containerd/ttrpc"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// TTRPCAddressEnv names the variable in which containerd (1.6 and later)
// gives its shims the ttrpc socket of its events service.
const TTRPCAddressEnv = "TTRPC_ADDRESS"

// forwarder sends events to containerd's ttrpc events service
// (containerd.services.events.ttrpc.v1.Events/Forward) over one kept-open
// connection, redialled after a failure (containerd restarting). It is
// what containerd's own shims use; running the publish binary instead
// costs a start of the containerd binary per event.
type forwarder struct {
	addr string

	mu     sync.Mutex
	client *ttrpc.Client
	svc    eventsv1.EventsService
}

func newForwarder(addr string) *forwarder { return &forwarder{addr: addr} }

// forward sends one event in an envelope for namespace.
func (f *forwarder) forward(namespace, topic string, m proto.Message) error {
	v, err := proto.Marshal(m)
	if err != nil {
		return fmt.Errorf("encode event %s: %w", proto.MessageName(m), err)
	}
	env := &types.Envelope{Timestamp: timestamppb.Now(), Namespace: namespace, Topic: topic,
		Event: &anypb.Any{TypeUrl: string(proto.MessageName(m)), Value: v}}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.client == nil {
		conn, err := net.DialTimeout("unix", f.addr, 5*time.Second)
		if err != nil {
			return fmt.Errorf("dial containerd's events service %s: %w", f.addr, err)
		}
		f.client = ttrpc.NewClient(conn)
		f.svc = eventsv1.NewEventsClient(f.client)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := f.svc.Forward(ctx, &eventsv1.ForwardRequest{Envelope: env}); err != nil {
		f.client.Close()
		f.client, f.svc = nil, nil
		return fmt.Errorf("forward %s to %s: %w", topic, f.addr, err)
	}
	return nil
}

// close drops the connection.
func (f *forwarder) close() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.client != nil {
		f.client.Close()
		f.client, f.svc = nil, nil
	}
}
