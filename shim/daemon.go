package shim

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"time"

	"github.com/containerd/ttrpc"
	"golang.org/x/sys/unix"
)

// listenerFD is the fd the "start" action passes the listening socket on.
const listenerFD = 3

// RunDaemon is the shim daemon: it logs to the bundle's "log" fifo,
// becomes a child subreaper, serves the task API on the socket it got
// from "start" (fd 3) until Shutdown finds no task left, then exits.
// It keeps running, with its containers, when containerd goes away.
func RunDaemon(f *Flags) error {
	logw, err := openLog(filepath.Join(f.Bundle, "log"))
	if err != nil {
		return err
	}
	defer logw.Close()
	level := slog.LevelInfo
	if f.Debug {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(logw, &slog.HandlerOptions{Level: level})).With("shim", f.ID, "namespace", f.Namespace)

	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		return fmt.Errorf("become child subreaper: %w", err)
	}
	lf := os.NewFile(listenerFD, "shim-socket")
	l, err := net.FileListener(lf)
	lf.Close()
	if err != nil {
		return fmt.Errorf("shim socket on fd %d: %w", listenerFD, err)
	}
	sockPath := l.Addr().String()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	reaper := NewReaper(log)
	go reaper.Run(ctx)
	pub := NewPublisher(f.PublishBinary, f.Address, os.Getenv(TTRPCAddressEnv), f.Namespace, log, reaper.Hold)

	done := make(chan struct{})
	var once sync.Once
	stop := func() { once.Do(func() { close(done) }) }
	initPath := findInitPath()
	log.Debug("container inits", "binary", initPath)
	svc := NewService(ServiceConfig{Log: log, Namespace: f.Namespace, Reaper: reaper, Publisher: pub, Shutdown: stop,
		InitPath: initPath})
	srv, err := ttrpc.NewServer(ttrpc.WithUnaryServerInterceptor(svc.Interceptor()))
	if err != nil {
		return fmt.Errorf("ttrpc server: %w", err)
	}
	svc.Register(srv)
	go func() {
		if err := srv.Serve(ctx, l); err != nil && !errors.Is(err, ttrpc.ErrServerClosed) && !errors.Is(err, net.ErrClosed) {
			log.Error("ttrpc server failed", "err", err)
			stop()
		}
	}()
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, unix.SIGTERM, unix.SIGINT)
	signal.Ignore(unix.SIGPIPE)
	go func() {
		for sig := range sigs {
			if n := svc.count(); n > 0 {
				log.Warn("signal ignored: tasks are still running", "signal", sig, "tasks", n)
				continue
			}
			log.Info("exiting on signal", "signal", sig)
			stop()
		}
	}()
	log.Info("shim serving", "socket", sockPath, "pid", os.Getpid())

	<-done
	// Let the Shutdown reply go out before the connections close.
	sctx, scancel := context.WithTimeout(context.Background(), 2*time.Second)
	srv.Shutdown(sctx)
	scancel()
	srv.Close()
	os.Remove(sockPath)
	pub.Close(5 * time.Second)
	log.Info("shim exited")
	return nil
}

// logWriter writes to the log fifo without ever blocking: when nobody
// reads (containerd down) and the fifo is full, lines are dropped.
type logWriter struct{ fd int }

// openLog opens the bundle's log fifo (or file) read-write and
// non-blocking: the open never waits for a reader and a write never
// fails with EPIPE.
func openLog(path string) (*logWriter, error) {
	fd, err := unix.Open(path, unix.O_RDWR|unix.O_CREAT|unix.O_APPEND|unix.O_NONBLOCK|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open shim log %s: %w", path, err)
	}
	return &logWriter{fd: fd}, nil
}

// Write writes p whole or drops it; it never reports an error.
func (w *logWriter) Write(p []byte) (int, error) {
	for off := 0; off < len(p); {
		n, err := unix.Write(w.fd, p[off:])
		if err == unix.EINTR {
			continue
		}
		if err != nil || n <= 0 {
			break
		}
		off += n
	}
	return len(p), nil
}

// Close closes the log.
func (w *logWriter) Close() error { return unix.Close(w.fd) }
