package shim

import (
	"testing"
	"time"

	eventsapi "github.com/containerd/containerd/api/events"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
)

func TestMarshalEvent(t *testing.T) {
	at := time.Unix(1700000000, 5).UTC()
	ev := evExit("c1", "e1", 42, 3, at)
	if ev.Topic != "/tasks/exit" {
		t.Errorf("topic %q", ev.Topic)
	}
	b, err := MarshalEvent(ev.Message)
	if err != nil {
		t.Fatal(err)
	}
	var a anypb.Any
	if err := proto.Unmarshal(b, &a); err != nil {
		t.Fatal(err)
	}
	if a.TypeUrl != "containerd.events.TaskExit" {
		t.Errorf("type URL %q, want containerd.events.TaskExit (containerd's typeurl name)", a.TypeUrl)
	}
	var te eventsapi.TaskExit
	if err := proto.Unmarshal(a.Value, &te); err != nil {
		t.Fatal(err)
	}
	if te.ContainerID != "c1" || te.ID != "e1" || te.Pid != 42 || te.ExitStatus != 3 || !te.ExitedAt.AsTime().Equal(at) {
		t.Errorf("decoded %v", &te)
	}
}

func TestEventTopicsAndTypes(t *testing.T) {
	cases := []struct {
		ev    Event
		topic string
		url   string
	}{
		{evCreate("c", "/b", nil, stdioPaths{Stdout: "/o", Terminal: true}, 7), TopicTaskCreate, "containerd.events.TaskCreate"},
		{evStart("c", 7), TopicTaskStart, "containerd.events.TaskStart"},
		{evDelete("c", 7, 0, time.Now()), TopicTaskDelete, "containerd.events.TaskDelete"},
		{evExecAdded("c", "e"), TopicTaskExecAdded, "containerd.events.TaskExecAdded"},
		{evExecStarted("c", "e", 8), TopicTaskExecStarted, "containerd.events.TaskExecStarted"},
		{evPaused("c"), TopicTaskPaused, "containerd.events.TaskPaused"},
		{evResumed("c"), TopicTaskResumed, "containerd.events.TaskResumed"},
		{evOOM("c"), TopicTaskOOM, "containerd.events.TaskOOM"},
	}
	for _, c := range cases {
		if c.ev.Topic != c.topic {
			t.Errorf("%s: topic %q", c.url, c.ev.Topic)
		}
		b, err := MarshalEvent(c.ev.Message)
		if err != nil {
			t.Fatal(err)
		}
		var a anypb.Any
		if err := proto.Unmarshal(b, &a); err != nil || a.TypeUrl != c.url {
			t.Errorf("type URL %q %v, want %s", a.TypeUrl, err, c.url)
		}
	}
	var tc eventsapi.TaskCreate
	b, _ := proto.Marshal(cases[0].ev.Message)
	proto.Unmarshal(b, &tc)
	if tc.IO == nil || tc.IO.Stdout != "/o" || !tc.IO.Terminal || tc.Pid != 7 || tc.Bundle != "/b" {
		t.Errorf("TaskCreate %v", &tc)
	}
}
