package integration

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// receiveConsole accepts one connection on l and returns the pty master
// received with SCM_RIGHTS.
func receiveConsole(l *net.UnixListener, d time.Duration) (*os.File, error) {
	l.SetDeadline(time.Now().Add(d))
	c, err := l.AcceptUnix()
	if err != nil {
		return nil, err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(d))
	buf := make([]byte, 4096)
	oob := make([]byte, unix.CmsgSpace(4*4))
	_, oobn, _, _, err := c.ReadMsgUnix(buf, oob)
	if err != nil {
		return nil, err
	}
	msgs, err := unix.ParseSocketControlMessage(oob[:oobn])
	if err != nil {
		return nil, err
	}
	var fds []int
	for _, m := range msgs {
		f, err := unix.ParseUnixRights(&m)
		if err == nil {
			fds = append(fds, f...)
		}
	}
	if len(fds) != 1 {
		for _, fd := range fds {
			unix.Close(fd)
		}
		return nil, fmt.Errorf("want exactly one fd over the console socket, got %d", len(fds))
	}
	return os.NewFile(uintptr(fds[0]), "pty-master"), nil
}

func TestConsoleSocket(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sh", "-c", `echo "hello from the console"; if [ -t 0 ] && [ -t 1 ]; then echo STDIO-IS-TTY; fi`)
	e.spec.Process.Terminal = true
	e.writeConfig()

	sock := filepath.Join(e.dir, "console.sock")
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: sock, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	type got struct {
		f   *os.File
		err error
	}
	ch := make(chan got, 1)
	go func() {
		f, err := receiveConsole(l, 20*time.Second)
		ch <- got{f, err}
	}()

	mustOK(t, e.rt("create", "--bundle", e.bundle, "--console-socket", sock, e.id))
	g := <-ch
	if g.err != nil {
		t.Fatalf("no pty master received on the console socket: %v", g.err)
	}
	master := g.f
	defer master.Close()

	// Read everything until the slave side closes (EIO) or a deadline.
	done := make(chan []byte, 1)
	go func() {
		var out bytes.Buffer
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			out.Write(buf[:n])
			if err != nil {
				break
			}
		}
		done <- out.Bytes()
	}()
	mustOK(t, e.rt("start", e.id))
	var out []byte
	select {
	case out = <-done:
	case <-time.After(20 * time.Second):
		master.Close()
		out = <-done
		t.Errorf("console not closed within 20s after the container's process ended")
	}
	text := strings.ReplaceAll(string(out), "\r", "")
	if !strings.Contains(text, "hello from the console\n") {
		t.Errorf("console output %q lacks the container's greeting", text)
	}
	if !strings.Contains(text, "STDIO-IS-TTY") {
		t.Errorf("container's stdin/stdout are not a terminal: %q", text)
	}
	e.waitStatus(e.id, specs.StateStopped, 10*time.Second)
}

func TestTerminalWithoutConsoleSocketFails(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "true")
	e.spec.Process.Terminal = true
	e.writeConfig()
	// Detached with a terminal needs somewhere to send the pty master.
	r := e.rt("create", "--bundle", e.bundle, e.id)
	expectError(t, r, "console")
}

// run in the foreground with terminal: true and no console socket: oci-run
// holds the pty master itself and relays it to its own terminal (here a pty
// from script(1)), as runc does.
func TestRunTerminalRelay(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sh", "-c", "tty; echo relayed-$((6*7)); exit 3")
	e.spec.Process.Terminal = true
	e.writeConfig()
	cmdline := runtimeBin + " --root " + e.root + " run --bundle " + e.bundle + " " + e.id
	ctx, cancel := context.WithTimeout(context.Background(), defaultTimeout)
	defer cancel()
	var buf bytes.Buffer
	cmd := exec.CommandContext(ctx, "script", "-qec", cmdline, "/dev/null")
	cmd.Stdout, cmd.Stderr = &buf, &buf
	err := startOwn(cmd)
	if err == nil {
		err = cmd.Wait()
	}
	got := strings.ReplaceAll(buf.String(), "\r", "")
	if !strings.Contains(got, "/dev/pts/") || !strings.Contains(got, "relayed-42") {
		t.Errorf("terminal output %q", got)
	}
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 3 {
		t.Errorf("exit: %v, want status 3", err)
	}
}
