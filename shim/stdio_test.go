package shim

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/oci-run/oci-run/libcontainer"
)

// Pipes between a "process" (here: the test writing the library's ends)
// and containerd's fifos: output is copied out and EOF propagates, stdin
// is copied in and closed at EOF.
func TestProcessIOPipes(t *testing.T) {
	dir := t.TempDir()
	paths := stdioPaths{Stdin: filepath.Join(dir, "in"), Stdout: filepath.Join(dir, "out"), Stderr: filepath.Join(dir, "err")}
	for _, p := range []string{paths.Stdin, paths.Stdout, paths.Stderr} {
		if err := unix.Mkfifo(p, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// The client's ends, as ctr opens them.
	outR, err := os.OpenFile(paths.Stdout, os.O_RDONLY|unix.O_NONBLOCK, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer outR.Close()
	errR, _ := os.OpenFile(paths.Stderr, os.O_RDONLY|unix.O_NONBLOCK, 0)
	defer errR.Close()

	pio, err := newProcessIO(paths, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	lp := &libcontainer.Process{}
	pio.wire(lp)
	if lp.Stdin == nil || lp.Stdout == nil || lp.Stderr == nil || lp.ConsoleSocket != nil {
		t.Fatalf("wired %+v", lp)
	}
	// Keep the process's ends as a child would have them.
	procIn, _ := dupFile(lp.Stdin)
	procOut, _ := dupFile(lp.Stdout)
	procErr, _ := dupFile(lp.Stderr)
	if err := pio.started(); err != nil {
		t.Fatal(err)
	}
	inW, err := os.OpenFile(paths.Stdin, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	inW.Write([]byte("input"))
	inW.Close()
	got, _ := io.ReadAll(procIn)
	if string(got) != "input" {
		t.Errorf("stdin: %q", got)
	}
	procOut.Write([]byte("out"))
	procErr.Write([]byte("err"))
	procOut.Close()
	procErr.Close()
	if !pio.waitOutput(5 * time.Second) {
		t.Fatal("output copies did not finish after the process closed its ends")
	}
	unix.SetNonblock(int(outR.Fd()), false)
	unix.SetNonblock(int(errR.Fd()), false)
	if b, _ := io.ReadAll(outR); string(b) != "out" {
		t.Errorf("stdout fifo: %q", b)
	}
	if b, _ := io.ReadAll(errR); string(b) != "err" {
		t.Errorf("stderr fifo: %q", b)
	}
	pio.closeAll()
}

// closeAll unblocks a stdin fifo nobody ever opened for writing.
func TestProcessIOCloseUnblocksStdin(t *testing.T) {
	dir := t.TempDir()
	paths := stdioPaths{Stdin: filepath.Join(dir, "in")}
	unix.Mkfifo(paths.Stdin, 0o600)
	pio, err := newProcessIO(paths, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	lp := &libcontainer.Process{}
	pio.wire(lp)
	procIn, _ := dupFile(lp.Stdin)
	defer procIn.Close()
	if err := pio.started(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	pio.closeAll()
	done := make(chan struct{})
	go func() { io.ReadAll(procIn); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("process stdin not closed by closeAll")
	}
}

// The console socket: a pty master sent as runc's protocol does arrives,
// and resize sets its window size.
func TestProcessIOConsole(t *testing.T) {
	pio, err := newProcessIO(stdioPaths{Terminal: true}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	lp := &libcontainer.Process{}
	pio.wire(lp)
	if lp.ConsoleSocket == nil || lp.Stdout != nil {
		t.Fatalf("wired %+v", lp)
	}
	mfd, err := unix.Open("/dev/ptmx", unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(mfd)
	if err := unix.Sendmsg(int(lp.ConsoleSocket.Fd()), []byte("/dev/pts/x"), unix.UnixRights(mfd), nil, 0); err != nil {
		t.Fatal(err)
	}
	if err := pio.started(); err != nil {
		t.Fatal(err)
	}
	if err := pio.resize(120, 40); err != nil {
		t.Fatal(err)
	}
	ws, err := unix.IoctlGetWinsize(mfd, unix.TIOCGWINSZ)
	if err != nil || ws.Col != 120 || ws.Row != 40 {
		t.Errorf("window size %+v %v", ws, err)
	}
	pio.closeAll()
	if err := pio.resize(1, 1); err == nil {
		t.Error("resize after close succeeded")
	}
}

func dupFile(f *os.File) (*os.File, error) {
	fd, err := unix.FcntlInt(f.Fd(), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	return os.NewFile(uintptr(fd), f.Name()), nil
}
