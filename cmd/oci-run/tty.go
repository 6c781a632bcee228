package main

import (
	"fmt"
	"io"
	"os"
	"sync"

	"golang.org/x/sys/unix"
)

// ttyRelay serves `run` with a terminal and no --console-socket: it takes
// the pty master from the container and copies between it and oci-run's
// own stdio, with the caller's terminal in raw mode.
type ttyRelay struct {
	local, remote *os.File
	master        *os.File
	saved         *unix.Termios
	out           sync.WaitGroup
}

func newTTYRelay() (*ttyRelay, error) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("console socketpair: %w", err)
	}
	return &ttyRelay{local: os.NewFile(uintptr(fds[0]), "console-local"),
		remote: os.NewFile(uintptr(fds[1]), "console-remote")}, nil
}

// attach receives the master (sent during create) and starts copying.
func (t *ttyRelay) attach() error {
	t.remote.Close()
	buf := make([]byte, 256)
	oob := make([]byte, unix.CmsgSpace(4))
	_, oobn, _, _, err := unix.Recvmsg(int(t.local.Fd()), buf, oob, 0)
	if err != nil {
		return fmt.Errorf("receive pty master: %w", err)
	}
	msgs, err := unix.ParseSocketControlMessage(oob[:oobn])
	if err != nil || len(msgs) != 1 {
		return fmt.Errorf("receive pty master: bad control message")
	}
	fds, err := unix.ParseUnixRights(&msgs[0])
	if err != nil || len(fds) != 1 {
		return fmt.Errorf("receive pty master: no fd")
	}
	t.master = os.NewFile(uintptr(fds[0]), "pty-master")
	if tio, err := unix.IoctlGetTermios(int(os.Stdin.Fd()), unix.TCGETS); err == nil {
		saved := *tio
		t.saved = &saved
		raw := *tio
		raw.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON
		raw.Oflag &^= unix.OPOST
		raw.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
		raw.Cflag &^= unix.CSIZE | unix.PARENB
		raw.Cflag |= unix.CS8
		unix.IoctlSetTermios(int(os.Stdin.Fd()), unix.TCSETS, &raw)
		t.resize()
	}
	go io.Copy(t.master, os.Stdin)
	t.out.Add(1)
	go func() {
		defer t.out.Done()
		io.Copy(os.Stdout, t.master)
	}()
	return nil
}

// resize copies oci-run's terminal size to the container's pty.
func (t *ttyRelay) resize() {
	if t.master == nil {
		return
	}
	if ws, err := unix.IoctlGetWinsize(int(os.Stdin.Fd()), unix.TIOCGWINSZ); err == nil {
		unix.IoctlSetWinsize(int(t.master.Fd()), unix.TIOCSWINSZ, ws)
	}
}

// drain waits for the container's last output after it exited.
func (t *ttyRelay) drain() {
	if t.master != nil {
		t.out.Wait()
	}
}

func (t *ttyRelay) close() {
	if t.saved != nil {
		unix.IoctlSetTermios(int(os.Stdin.Fd()), unix.TCSETS, t.saved)
	}
	if t.master != nil {
		t.master.Close()
	}
	t.local.Close()
	t.remote.Close()
}
