package shim

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	taskv2 "github.com/containerd/containerd/api/runtime/task/v2"
	"golang.org/x/sys/unix"
	"google.golang.org/protobuf/proto"

	"github.com/oci-run/oci-run/libcontainer"
)

// Delete is the "delete" action: containerd runs it (in the bundle) to
// clean up after a shim that died. It destroys the container from the
// state root recorded in the bundle (killing what is left), unmounts the
// rootfs, removes a stale shim socket, and prints a DeleteResponse
// protobuf on stdout.
func Delete(f *Flags, stdout io.Writer) error {
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	root := readStateRoot(f.Bundle, filepath.Join(DefaultStateRoot, f.Namespace))
	c, err := libcontainer.Load(root, f.ID, libcontainer.Options{Logger: log})
	switch {
	case err == nil:
		if err := c.Destroy(true); err != nil {
			return fmt.Errorf("destroy container %s: %w", f.ID, err)
		}
	case errors.Is(err, libcontainer.ErrNotExist):
	default:
		return fmt.Errorf("load container %s: %w", f.ID, err)
	}
	if err := unmountRootfs(filepath.Join(f.Bundle, "rootfs")); err != nil {
		return err
	}
	if addr, err := readAddress(f.Bundle); err == nil {
		removeSocket(addr)
	}
	b, err := proto.Marshal(&taskv2.DeleteResponse{
		ExitedAt:   ts(time.Now()),
		ExitStatus: 128 + uint32(unix.SIGKILL),
	})
	if err != nil {
		return fmt.Errorf("encode delete response: %w", err)
	}
	if _, err := stdout.Write(b); err != nil {
		return fmt.Errorf("write delete response: %w", err)
	}
	return nil
}
