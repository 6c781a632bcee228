package shim

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"github.com/oci-run/oci-run/libcontainer"
)

// stdioPaths are the fifos containerd made for a process ("" for none).
type stdioPaths struct {
	Stdin, Stdout, Stderr string
	Terminal              bool
}

// processIO connects one process to containerd's fifos: through pipes
// the shim copies, or through a pty whose master the container's init
// sends over a socket pair (libcontainer's ConsoleSocket).
//
// Output fifos are opened read-write: the open never blocks, and a write
// never fails with EPIPE while no client reads (ctr run -d, containerd
// restarting). The stdin fifo is opened for reading in the background,
// since that blocks until a client opens it for writing.
type processIO struct {
	paths stdioPaths
	log   *slog.Logger

	// The library's ends, closed once the process has started.
	procIn, procOut, procErr *os.File
	consoleSock              *os.File

	// The shim's ends.
	stdinW      *os.File // writes the process's stdin (no terminal)
	outR, errR  *os.File // reads the process's stdout and stderr
	outF, errF  *os.File // containerd's output fifos
	consoleRecv *os.File // receives the pty master
	outputs     sync.WaitGroup
	mu          sync.Mutex
	console     *os.File // pty master
	stdinF      *os.File // containerd's stdin fifo, once open
	stdinClosed bool
	closed      bool
	copying     bool // the output copies own outR/errR/outF/errF
}

// newProcessIO opens what the process needs; nothing runs yet.
func newProcessIO(paths stdioPaths, log *slog.Logger) (_ *processIO, retErr error) {
	pio := &processIO{paths: paths, log: log}
	defer func() {
		if retErr != nil {
			pio.closeAll()
		}
	}()
	var err error
	if paths.Stdout != "" {
		if pio.outF, err = openOutput(paths.Stdout); err != nil {
			return nil, err
		}
	}
	if paths.Stderr != "" && !paths.Terminal {
		if pio.errF, err = openOutput(paths.Stderr); err != nil {
			return nil, err
		}
	}
	if paths.Terminal {
		fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return nil, fmt.Errorf("console socketpair: %w", err)
		}
		pio.consoleSock = os.NewFile(uintptr(fds[0]), "console-socket")
		pio.consoleRecv = os.NewFile(uintptr(fds[1]), "console-recv")
		return pio, nil
	}
	if paths.Stdin != "" {
		if pio.procIn, pio.stdinW, err = os.Pipe(); err != nil {
			return nil, fmt.Errorf("stdin pipe: %w", err)
		}
	}
	if pio.outF != nil {
		if pio.outR, pio.procOut, err = os.Pipe(); err != nil {
			return nil, fmt.Errorf("stdout pipe: %w", err)
		}
	}
	if pio.errF != nil {
		if pio.errR, pio.procErr, err = os.Pipe(); err != nil {
			return nil, fmt.Errorf("stderr pipe: %w", err)
		}
	}
	return pio, nil
}

func openOutput(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return nil, fmt.Errorf("open output fifo %s: %w", path, err)
	}
	return f, nil
}

// wire sets the process's stdio in p.
func (pio *processIO) wire(p *libcontainer.Process) {
	p.Stdin, p.Stdout, p.Stderr = pio.procIn, pio.procOut, pio.procErr
	p.ConsoleSocket = pio.consoleSock
}

// started closes the library's ends and starts copying. With a terminal
// it first receives the pty master the init sent.
func (pio *processIO) started() error {
	for _, f := range []*os.File{pio.procIn, pio.procOut, pio.procErr, pio.consoleSock} {
		if f != nil {
			f.Close()
		}
	}
	pio.procIn, pio.procOut, pio.procErr, pio.consoleSock = nil, nil, nil, nil
	pio.mu.Lock()
	pio.copying = true
	pio.mu.Unlock()
	if pio.paths.Terminal {
		master, err := recvConsole(pio.consoleRecv, 10*time.Second)
		pio.consoleRecv.Close()
		pio.consoleRecv = nil
		if err != nil {
			return err
		}
		pio.mu.Lock()
		pio.console = master
		pio.mu.Unlock()
		if pio.outF != nil {
			pio.copyOut(pio.outF, master, "stdout", false)
		}
		if pio.paths.Stdin != "" {
			go pio.copyStdin(master, false)
		}
		return nil
	}
	if pio.outR != nil {
		pio.copyOut(pio.outF, pio.outR, "stdout", true)
	}
	if pio.errR != nil {
		pio.copyOut(pio.errF, pio.errR, "stderr", true)
	}
	if pio.stdinW != nil {
		go pio.copyStdin(pio.stdinW, true)
	}
	return nil
}

// copyOut copies src to the fifo dst until src ends (the process and
// everything that shares its output exited, or the pty closed).
func (pio *processIO) copyOut(dst, src *os.File, name string, closeSrc bool) {
	pio.outputs.Add(1)
	go func() {
		defer pio.outputs.Done()
		_, err := io.Copy(dst, src)
		if err != nil && !errors.Is(err, unix.EIO) && !errors.Is(err, os.ErrClosed) {
			pio.log.Debug("copy output", "stream", name, "err", err)
		}
		// The pty master is not closed here: ResizePty and stdin still
		// use it until the process is gone (closeAll closes it).
		if closeSrc {
			src.Close()
		}
		dst.Close()
	}()
}

// copyStdin opens the stdin fifo (blocking until a client writes to it)
// and copies it to dst; at EOF the pipe is closed so the process reads
// EOF too (a pty is left open: EOF there is the user's ^D).
func (pio *processIO) copyStdin(dst *os.File, closeAtEOF bool) {
	f, err := os.OpenFile(pio.paths.Stdin, os.O_RDONLY, 0)
	if err != nil {
		pio.log.Debug("open stdin fifo", "path", pio.paths.Stdin, "err", err)
		return
	}
	pio.mu.Lock()
	if pio.closed || pio.stdinClosed {
		pio.mu.Unlock()
		f.Close()
		return
	}
	pio.stdinF = f
	pio.mu.Unlock()
	io.Copy(dst, f)
	if closeAtEOF {
		pio.closeStdin()
	}
}

// closeStdin gives the process EOF on stdin (CloseIO).
func (pio *processIO) closeStdin() {
	pio.mu.Lock()
	defer pio.mu.Unlock()
	pio.stdinClosed = true
	if pio.stdinW != nil {
		pio.stdinW.Close()
		pio.stdinW = nil
	}
	if pio.stdinF != nil {
		pio.stdinF.Close()
		pio.stdinF = nil
	}
}

// resize sets the pty's window size.
func (pio *processIO) resize(width, height uint32) error {
	pio.mu.Lock()
	defer pio.mu.Unlock()
	if pio.console == nil {
		return fmt.Errorf("process has no terminal")
	}
	ws := &unix.Winsize{Row: uint16(height), Col: uint16(width)}
	if err := unix.IoctlSetWinsize(int(pio.console.Fd()), unix.TIOCSWINSZ, ws); err != nil {
		return fmt.Errorf("set window size: %w", err)
	}
	return nil
}

// waitOutput waits, at most timeout, until the output is copied out.
func (pio *processIO) waitOutput(timeout time.Duration) bool {
	done := make(chan struct{})
	go func() { pio.outputs.Wait(); close(done) }()
	select {
	case <-done:
		return true
	case <-time.After(timeout):
		return false
	}
}

// closeAll closes every file and unblocks a stdin fifo open that waits
// for a writer.
func (pio *processIO) closeAll() {
	pio.mu.Lock()
	pio.closed = true
	waiting := pio.stdinF == nil && pio.paths.Stdin != "" && !pio.stdinClosed
	pio.mu.Unlock()
	pio.closeStdin()
	if waiting {
		// Be the writer the background open waits for.
		if fd, err := unix.Open(pio.paths.Stdin, unix.O_WRONLY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0); err == nil {
			unix.Close(fd)
		}
	}
	pio.mu.Lock()
	defer pio.mu.Unlock()
	for _, f := range []*os.File{pio.procIn, pio.procOut, pio.procErr, pio.consoleSock, pio.consoleRecv, pio.console} {
		if f != nil {
			f.Close()
		}
	}
	pio.console = nil
	// Once copying, the copies close their own ends when they finish.
	if !pio.copying {
		for _, f := range []*os.File{pio.outR, pio.errR, pio.outF, pio.errF} {
			if f != nil {
				f.Close()
			}
		}
	}
}

// recvConsole receives the pty master over the console socket.
func recvConsole(sock *os.File, timeout time.Duration) (*os.File, error) {
	fd := int(sock.Fd())
	tv := unix.NsecToTimeval(timeout.Nanoseconds())
	if err := unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv); err != nil {
		return nil, fmt.Errorf("console socket timeout: %w", err)
	}
	buf := make([]byte, 256)
	oob := make([]byte, unix.CmsgSpace(4))
	_, oobn, _, _, err := unix.Recvmsg(fd, buf, oob, unix.MSG_CMSG_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("receive pty master: %w", err)
	}
	msgs, err := unix.ParseSocketControlMessage(oob[:oobn])
	if err != nil || len(msgs) == 0 {
		return nil, fmt.Errorf("receive pty master: no file descriptor sent")
	}
	fds, err := unix.ParseUnixRights(&msgs[0])
	if err != nil || len(fds) == 0 {
		return nil, fmt.Errorf("receive pty master: bad control message")
	}
	for _, extra := range fds[1:] {
		unix.Close(extra)
	}
	return os.NewFile(uintptr(fds[0]), "pty-master"), nil
}
