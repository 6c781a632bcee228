package shim

import (
	"fmt"
	"time"

	eventsapi "github.com/containerd/containerd/api/events"
	"github.com/containerd/containerd/api/types"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// The topics containerd expects task events on.
const (
	TopicTaskCreate      = "/tasks/create"
	TopicTaskStart       = "/tasks/start"
	TopicTaskExit        = "/tasks/exit"
	TopicTaskDelete      = "/tasks/delete"
	TopicTaskExecAdded   = "/tasks/exec-added"
	TopicTaskExecStarted = "/tasks/exec-started"
	TopicTaskPaused      = "/tasks/paused"
	TopicTaskResumed     = "/tasks/resumed"
	TopicTaskOOM         = "/tasks/oom"
)

// Event is one task event to publish: a topic and a message of
// containerd's events API.
type Event struct {
	Topic   string
	Message proto.Message
}

// MarshalEvent encodes an event's message as containerd's publish binary
// reads it on stdin: a protobuf Any whose type URL is the message's full
// protobuf name without a prefix ("containerd.events.TaskExit"), which is
// how containerd's typeurl names registered protobuf types.
func MarshalEvent(m proto.Message) ([]byte, error) {
	v, err := proto.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("encode event %s: %w", proto.MessageName(m), err)
	}
	a := &anypb.Any{TypeUrl: string(proto.MessageName(m)), Value: v}
	b, err := proto.Marshal(a)
	if err != nil {
		return nil, fmt.Errorf("encode event envelope: %w", err)
	}
	return b, nil
}

func ts(t time.Time) *timestamppb.Timestamp { return timestamppb.New(t) }

func evCreate(id, bundle string, rootfs []*types.Mount, io stdioPaths, pid int) Event {
	return Event{TopicTaskCreate, &eventsapi.TaskCreate{
		ContainerID: id, Bundle: bundle, Rootfs: rootfs, Pid: uint32(pid),
		IO: &eventsapi.TaskIO{Stdin: io.Stdin, Stdout: io.Stdout, Stderr: io.Stderr, Terminal: io.Terminal},
	}}
}

func evStart(id string, pid int) Event {
	return Event{TopicTaskStart, &eventsapi.TaskStart{ContainerID: id, Pid: uint32(pid)}}
}

// evExit: execID is the exec's id, or the container id for the init (as
// containerd's own shims report it).
func evExit(id, execID string, pid int, status uint32, at time.Time) Event {
	return Event{TopicTaskExit, &eventsapi.TaskExit{ContainerID: id, ID: execID, Pid: uint32(pid),
		ExitStatus: status, ExitedAt: ts(at)}}
}

func evDelete(id string, pid int, status uint32, at time.Time) Event {
	return Event{TopicTaskDelete, &eventsapi.TaskDelete{ContainerID: id, ID: id, Pid: uint32(pid),
		ExitStatus: status, ExitedAt: ts(at)}}
}

func evExecAdded(id, execID string) Event {
	return Event{TopicTaskExecAdded, &eventsapi.TaskExecAdded{ContainerID: id, ExecID: execID}}
}

func evExecStarted(id, execID string, pid int) Event {
	return Event{TopicTaskExecStarted, &eventsapi.TaskExecStarted{ContainerID: id, ExecID: execID, Pid: uint32(pid)}}
}

func evPaused(id string) Event { return Event{TopicTaskPaused, &eventsapi.TaskPaused{ContainerID: id}} }
func evResumed(id string) Event {
	return Event{TopicTaskResumed, &eventsapi.TaskResumed{ContainerID: id}}
}
func evOOM(id string) Event { return Event{TopicTaskOOM, &eventsapi.TaskOOM{ContainerID: id}} }
