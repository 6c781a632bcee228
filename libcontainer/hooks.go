package libcontainer

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"syscall"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/oci-run/oci-run/libcontainer/configs"
)

// HookError says which hook failed and how.
type HookError struct {
	Name  configs.HookName
	Index int
	Path  string
	Err   error
}

func (e *HookError) Error() string {
	return fmt.Sprintf("%s hook #%d (%s): %v", e.Name, e.Index, e.Path, e.Err)
}

func (e *HookError) Unwrap() error { return e.Err }

// runHooks runs the hooks of one point in order with the OCI state on
// stdin. The first failure stops the sequence and is returned.
func runHooks(hooks configs.Hooks, name configs.HookName, st *specs.State) error {
	list := hooks[name]
	if len(list) == 0 {
		return nil
	}
	in, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("encode state for %s hooks: %w", name, err)
	}
	for i, h := range list {
		if err := runHook(h, in); err != nil {
			return &HookError{Name: name, Index: i, Path: h.Path, Err: err}
		}
	}
	return nil
}

func runHook(h configs.Hook, stdin []byte) error {
	ctx := context.Background()
	if h.Timeout != nil && *h.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, time.Duration(*h.Timeout)*time.Second)
		defer cancel()
	}
	cmd := exec.CommandContext(ctx, h.Path)
	if len(h.Args) > 0 {
		cmd.Args = h.Args
	} else {
		cmd.Args = []string{h.Path}
	}
	cmd.Env = h.Env
	if cmd.Env == nil {
		cmd.Env = []string{}
	}
	// Its own process group, so a timeout kills whatever the hook started.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.Stdin = bytes.NewReader(stdin)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.WaitDelay = time.Second
	err := startUnblocked(cmd.Start)
	if err == nil {
		err = cmd.Wait()
	}
	if ctx.Err() != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("timed out after %ds", *h.Timeout)
	}
	if err != nil {
		if msg := bytes.TrimSpace(out.Bytes()); len(msg) > 0 {
			return fmt.Errorf("%w: %s", err, truncate(msg, 512))
		}
		return err
	}
	return nil
}

func truncate(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "..."
	}
	return string(b)
}
