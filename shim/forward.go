package shim

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"syscall"
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
	req := &eventsv1.ForwardRequest{Envelope: env}
	f.mu.Lock()
	defer f.mu.Unlock()
	// A kept connection may have been closed by a containerd that has
	// restarted since: then dial again and send once more, as containerd's
	// own shims requeue an event whose forward failed.
	for attempt := 0; ; attempt++ {
		reused := f.client != nil
		if !reused {
			conn, err := net.DialTimeout("unix", f.addr, 5*time.Second)
			if err != nil {
				return fmt.Errorf("dial containerd's events service %s: %w", f.addr, err)
			}
			f.client = ttrpc.NewClient(conn)
			f.svc = eventsv1.NewEventsClient(f.client)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_, err := f.svc.Forward(ctx, req)
		cancel()
		if err == nil {
			return nil
		}
		f.client.Close()
		f.client, f.svc = nil, nil
		if !reused || attempt > 0 || !connectionGone(err) {
			return fmt.Errorf("forward %s to %s: %w", topic, f.addr, err)
		}
	}
}

// connectionGone reports whether err says the connection was closed under
// the call, rather than that the service refused the event.
func connectionGone(err error) bool {
	return errors.Is(err, ttrpc.ErrClosed) || errors.Is(err, io.EOF) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNRESET)
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
