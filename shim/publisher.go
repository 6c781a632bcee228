package shim

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// Publisher sends task events to containerd, in order: through its ttrpc
// events service when containerd gave one (TTRPC_ADDRESS, containerd 1.6
// and later), else by running containerd's publish binary:
//
//	<binary> --address <containerd address> publish --topic T --namespace NS
//
// with the encoded event on stdin. Events wait in a bounded queue; a
// publish that fails (containerd restarting) is retried for a while, then
// dropped with a warning.
type Publisher struct {
	binary, address, namespace string
	log                        *slog.Logger
	hold                       func() func()
	fwd                        *forwarder // nil: no ttrpc address

	queue chan Event
	done  chan struct{}
	once  sync.Once
}

// publishQueue bounds the events waiting to be published.
const publishQueue = 1024

// NewPublisher starts a publisher. ttrpcAddress is containerd's ttrpc
// socket for events ("" if none). hold is called around each run of the
// binary (Reaper.Hold), so the reaper leaves its exit status alone. With
// neither a ttrpc address nor a binary nothing is published.
func NewPublisher(binary, address, ttrpcAddress, namespace string, log *slog.Logger, hold func() func()) *Publisher {
	p := &Publisher{binary: binary, address: address, namespace: namespace, log: log, hold: hold,
		queue: make(chan Event, publishQueue), done: make(chan struct{})}
	if ttrpcAddress != "" {
		p.fwd = newForwarder(ttrpcAddress)
	}
	go p.loop()
	return p
}

// Publish queues an event; it never blocks.
func (p *Publisher) Publish(e Event) {
	select {
	case p.queue <- e:
	default:
		p.log.Warn("event queue full: event dropped", "topic", e.Topic)
	}
}

// Close publishes what is queued (waiting at most timeout) and stops.
func (p *Publisher) Close(timeout time.Duration) {
	p.once.Do(func() { close(p.queue) })
	select {
	case <-p.done:
	case <-time.After(timeout):
		p.log.Warn("events still queued at shutdown")
	}
}

func (p *Publisher) loop() {
	defer close(p.done)
	if p.fwd != nil {
		defer p.fwd.close()
	}
	for e := range p.queue {
		if p.binary == "" && p.fwd == nil {
			continue
		}
		data, err := MarshalEvent(e.Message)
		if err != nil {
			p.log.Error("publish", "topic", e.Topic, "err", err)
			continue
		}
		var lastErr error
		for attempt := 0; attempt < 5; attempt++ {
			if p.fwd != nil {
				lastErr = p.fwd.forward(p.namespace, e.Topic, e.Message)
				if lastErr != nil && p.binary != "" {
					p.log.Debug("ttrpc publish failed, trying the publish binary", "topic", e.Topic, "err", lastErr)
					lastErr = p.run(e.Topic, data)
				}
			} else {
				lastErr = p.run(e.Topic, data)
			}
			if lastErr == nil {
				break
			}
			time.Sleep(time.Duration(attempt+1) * 200 * time.Millisecond)
		}
		if lastErr != nil {
			p.log.Warn("publish event failed", "topic", e.Topic, "err", lastErr)
		} else {
			p.log.Debug("event published", "topic", e.Topic)
		}
	}
}

func (p *Publisher) run(topic string, data []byte) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, p.binary, "--address", p.address, "publish",
		"--topic", topic, "--namespace", p.namespace)
	cmd.Stdin = bytes.NewReader(data)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	release := p.hold()
	err := cmd.Run()
	release()
	if err != nil {
		return fmt.Errorf("%s publish %s: %w: %s", p.binary, topic, err, strings.TrimSpace(out.String()))
	}
	return nil
}
