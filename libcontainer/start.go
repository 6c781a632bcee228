package libcontainer

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/oci-run/oci-run/libcontainer/configs"
)

// Start lets a Created container's process run: it opens the exec fifo
// the init is blocked on, then runs the poststart hooks.
func (c *Container) Start() error {
	return c.withLock(func() error {
		st, err := c.statusLocked()
		if err != nil {
			return err
		}
		if st != Created {
			return &StateError{ID: c.id, Op: "start", Status: st}
		}
		if err := c.openFifo(); err != nil {
			return err
		}
		c.runPoststart()
		return nil
	})
}

// openFifo unblocks the init. Opening a fifo for reading blocks until a
// writer opens it, so it is done in a goroutine while the init's pidfd is
// watched: if the init dies first, Start fails instead of hanging.
func (c *Container) openFifo() error {
	path := filepath.Join(c.dir, fifoName)
	pidfd, err := openPidfd(c.state.InitPid, c.state.InitStartTime)
	if err != nil {
		return fmt.Errorf("container %s: %w", c.id, err)
	}
	defer unix.Close(pidfd)
	// The watcher's own pidfd, made before the fifo reader starts, so that
	// no failure here can leave that reader blocked behind us.
	wfd, err := unix.FcntlInt(uintptr(pidfd), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("container %s: dup pidfd: %w", c.id, err)
	}
	type result struct {
		msg []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		f, err := os.OpenFile(path, os.O_RDONLY, 0)
		if err != nil {
			done <- result{err: err}
			return
		}
		defer f.Close()
		// "0" then EOF: the process was exec'd. Anything after the "0",
		// or no "0", is the init's error.
		b, err := io.ReadAll(io.LimitReader(f, 64<<10))
		done <- result{msg: b, err: err}
	}()
	// Watch the init on a pidfd of the watcher's own, in slices, so the
	// watcher ends with this call (a library user may start many
	// containers; none may keep a thread blocked for its lifetime).
	exited := make(chan struct{})
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		defer unix.Close(wfd)
		for {
			if waitPidfdExit(wfd, 50*time.Millisecond) {
				close(exited)
				return
			}
			select {
			case <-stop:
				return
			default:
			}
		}
	}()
	var r result
	select {
	case r = <-done:
	case <-exited:
		// Unblock the reader goroutine if it still waits for a writer:
		// be the writer it waits for. The init may also have exec'd the
		// process, which then exited at once: then the reader has the
		// "0" already, and that is a successful start.
		if w, err := os.OpenFile(path, os.O_WRONLY|unix.O_NONBLOCK, 0); err == nil {
			w.Close()
		}
		r = <-done
		if r.err == nil && len(r.msg) == 0 {
			os.Remove(path)
		}
	}
	if r.err != nil {
		return fmt.Errorf("container %s: open exec fifo: %w", c.id, r.err)
	}
	if len(r.msg) == 0 {
		return StartFailure(c.id, r.msg)
	}
	if string(r.msg) != "0" {
		os.Remove(path)
		return StartFailure(c.id, r.msg)
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("container %s: remove exec fifo: %w", c.id, err)
	}
	return nil
}

// runPoststart runs the poststart hooks; per the spec a failure is logged
// and the container keeps running.
func (c *Container) runPoststart() {
	if !c.hasHooks(configs.Poststart) {
		return
	}
	cfg, err := c.configLocked()
	if err == nil {
		err = runHooks(cfg.Hooks, configs.Poststart, c.ociState(Running, c.state.InitPid))
	}
	if err != nil {
		c.log.Warn("poststart hook failed", "id", c.id, "err", err)
	}
}

// StartFailure is the error Start reports when what the init wrote on the
// exec fifo before closing it is not the lone "0" of a successful exec:
// nothing (the init exited first) or "0" and the init's error. The oci-run
// CLI's fast path (internal/fastpath) reports the starts it does with it.
func StartFailure(id string, msg []byte) error {
	if len(msg) == 0 {
		return fmt.Errorf("container %s: init exited before starting the process", id)
	}
	text := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(string(msg)), "0"))
	return &InitError{ID: id, Msg: text}
}
