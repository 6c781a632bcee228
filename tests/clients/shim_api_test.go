package clients

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cgstats "github.com/containerd/cgroups/v3/cgroup1/stats"
	taskv2 "github.com/containerd/containerd/api/runtime/task/v2"
	"github.com/containerd/ttrpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
)

// The task API's calls that ctr 1.6 has no command for (Update), or that
// it reports loosely (Connect, State, Stats), called on the shim's socket
// directly with a ttrpc client.
func TestShimTaskAPIDirect(t *testing.T) {
	c := startShimContainerd(t)
	rootfs := busyboxRootfs(t)
	const id = "oshim-api"
	c.ctr("run", "-d", "--runtime", shimRuntime, "--rootfs", rootfs, id, "/bin/sleep", "1000")
	c.waitTaskStatus(id, "RUNNING")
	addr, err := os.ReadFile(filepath.Join(c.bundleDir(id), "address"))
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("unix", strings.TrimPrefix(strings.TrimSpace(string(addr)), "unix://"))
	if err != nil {
		t.Fatal(err)
	}
	client := ttrpc.NewClient(conn)
	defer client.Close()
	task := taskv2.NewTaskClient(client)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	cr, err := task.Connect(ctx, &taskv2.ConnectRequest{ID: id})
	if err != nil {
		t.Fatal(err)
	}
	if shims := shimProcesses(id); len(shims) != 1 || int(cr.ShimPid) != shims[0] || cr.TaskPid == 0 {
		t.Errorf("connect: %+v, shims %v", cr, shims)
	}
	st, err := task.State(ctx, &taskv2.StateRequest{ID: id})
	if err != nil {
		t.Fatal(err)
	}
	if st.Pid != cr.TaskPid || st.Status.String() != "RUNNING" {
		t.Errorf("state: %v", st)
	}

	// Update: memory limit through OCI LinuxResources JSON, as containerd
	// sends it.
	res := &anypb.Any{TypeUrl: "types.containerd.io/opencontainers/runtime-spec/1/LinuxResources",
		Value: []byte(`{"memory":{"limit":104857600},"pids":{"limit":77}}`)}
	if _, err := task.Update(ctx, &taskv2.UpdateTaskRequest{ID: id, Resources: res}); err != nil {
		t.Fatalf("update: %v", err)
	}
	if b, err := os.ReadFile("/sys/fs/cgroup/memory/default/" + id + "/memory.limit_in_bytes"); err != nil || strings.TrimSpace(string(b)) != "104857600" {
		t.Errorf("memory limit after update: %q %v", b, err)
	}
	if b, err := os.ReadFile("/sys/fs/cgroup/pids/default/" + id + "/pids.max"); err != nil || strings.TrimSpace(string(b)) != "77" {
		t.Errorf("pids limit after update: %q %v", b, err)
	}
	if _, err := task.Update(ctx, &taskv2.UpdateTaskRequest{ID: id, Resources: &anypb.Any{TypeUrl: "x/Other", Value: []byte("{}")}}); err == nil {
		t.Error("update with a non-LinuxResources type succeeded")
	}

	sr, err := task.Stats(ctx, &taskv2.StatsRequest{ID: id})
	if err != nil {
		t.Fatalf("stats: %v", err)
	}
	var m cgstats.Metrics
	if sr.Stats.GetTypeUrl() != "io.containerd.cgroups.v1.Metrics" {
		t.Errorf("stats type %q, want io.containerd.cgroups.v1.Metrics", sr.Stats.GetTypeUrl())
	} else if err := proto.Unmarshal(sr.Stats.Value, &m); err != nil {
		t.Errorf("decode stats: %v", err)
	} else if m.GetPids().GetCurrent() != 1 || m.GetPids().GetLimit() != 77 || m.GetMemory().GetUsage().GetLimit() != 104857600 || m.GetCPU().GetUsage().GetTotal() == 0 {
		t.Errorf("stats: pids %v, memory usage %v, cpu %v", m.GetPids(), m.GetMemory().GetUsage(), m.GetCPU().GetUsage())
	}
	// ctr decodes them too.
	if out := c.ctr("task", "metrics", id); !strings.Contains(out, "pids.current") || !strings.Contains(out, "memory.usage_in_bytes") {
		t.Errorf("ctr task metrics: %q", out)
	}

	// An exec without stdio: start, wait for its status, delete.
	spec := &anypb.Any{TypeUrl: "types.containerd.io/opencontainers/runtime-spec/1/Process",
		Value: []byte(`{"args":["/bin/sh","-c","exit 9"],"cwd":"/","env":["PATH=/bin"]}`)}
	if _, err := task.Exec(ctx, &taskv2.ExecProcessRequest{ID: id, ExecID: "d1", Spec: spec}); err != nil {
		t.Fatalf("exec: %v", err)
	}
	if _, err := task.Exec(ctx, &taskv2.ExecProcessRequest{ID: id, ExecID: "d1", Spec: spec}); status.Code(err) != codes.AlreadyExists {
		t.Errorf("second exec d1: %v, want AlreadyExists", err)
	}
	if st, err := task.State(ctx, &taskv2.StateRequest{ID: id, ExecID: "d1"}); err != nil || st.Status.String() != "CREATED" {
		t.Errorf("state of an exec not started: %v %v", st, err)
	}
	if _, err := task.Start(ctx, &taskv2.StartRequest{ID: id, ExecID: "d1"}); err != nil {
		t.Fatalf("start exec: %v", err)
	}
	if wr, err := task.Wait(ctx, &taskv2.WaitRequest{ID: id, ExecID: "d1"}); err != nil || wr.ExitStatus != 9 {
		t.Errorf("wait exec: %v %v, want status 9", wr, err)
	}
	if _, err := task.Kill(ctx, &taskv2.KillRequest{ID: id, ExecID: "d1", Signal: 9}); status.Code(err) != codes.NotFound {
		t.Errorf("kill of an exited exec: %v, want NotFound", err)
	}
	if dr, err := task.Delete(ctx, &taskv2.DeleteRequest{ID: id, ExecID: "d1"}); err != nil || dr.ExitStatus != 9 {
		t.Errorf("delete exec: %v %v", dr, err)
	}
	// Pause and resume as State reports them; a running task is not deleted.
	if _, err := task.Pause(ctx, &taskv2.PauseRequest{ID: id}); err != nil {
		t.Fatal(err)
	}
	if st, _ := task.State(ctx, &taskv2.StateRequest{ID: id}); st.GetStatus().String() != "PAUSED" {
		t.Errorf("state after pause: %v", st)
	}
	if _, err := task.Resume(ctx, &taskv2.ResumeRequest{ID: id}); err != nil {
		t.Fatal(err)
	}
	if _, err := task.Delete(ctx, &taskv2.DeleteRequest{ID: id}); status.Code(err) != codes.FailedPrecondition {
		t.Errorf("delete of a running task: %v, want FailedPrecondition", err)
	}
	if _, err := task.Checkpoint(ctx, &taskv2.CheckpointTaskRequest{ID: id}); status.Code(err) != codes.Unimplemented {
		t.Errorf("checkpoint: %v, want Unimplemented", err)
	}

	// Unknown ids are NotFound.
	if _, err := task.State(ctx, &taskv2.StateRequest{ID: "nope"}); status.Code(err) != codes.NotFound {
		t.Errorf("state of unknown task: %v", err)
	}
	if _, err := task.Kill(ctx, &taskv2.KillRequest{ID: id, ExecID: "nope", Signal: 9}); status.Code(err) != codes.NotFound {
		t.Errorf("kill of unknown exec: %v", err)
	}
	client.Close()

	c.ctr("task", "kill", "-s", "KILL", id)
	c.waitTaskStatus(id, "STOPPED")
	c.ctr("task", "delete", id)
	c.ctr("container", "delete", id)
	checkShimGone(t, c, id)
}
