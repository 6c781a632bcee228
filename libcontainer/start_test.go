package libcontainer

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// An init that dies before it opens the exec fifo for writing must make
// Start fail, not hang on the fifo's open.
func TestOpenFifoInitDiesBeforeWriter(t *testing.T) {
	dir := t.TempDir()
	if err := unix.Mkfifo(filepath.Join(dir, fifoName), 0o600); err != nil {
		t.Fatal(err)
	}
	init := exec.Command("sleep", "100")
	if err := init.Start(); err != nil {
		t.Fatal(err)
	}
	st, err := readProcStat(init.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}
	opts := Options{}
	c := &Container{id: "fifo-test", dir: dir, log: opts.logger(),
		state: &State{ID: "fifo-test", InitPid: init.Process.Pid, InitStartTime: st.StartTime}}
	done := make(chan error, 1)
	go func() { done <- c.openFifo() }()
	time.Sleep(100 * time.Millisecond)
	init.Process.Kill()
	init.Wait()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "init exited before starting the process") {
			t.Errorf("openFifo after the init died: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("openFifo still blocked 5 s after the init died")
	}
}

// An init that writes "0", execs the process and the process exits at
// once: the exit and the fifo's "0" arrive together, and that is a
// successful start.
func TestOpenFifoProcessExitsAtOnce(t *testing.T) {
	for i := 0; i < 20; i++ {
		dir := t.TempDir()
		fifo := filepath.Join(dir, fifoName)
		if err := unix.Mkfifo(fifo, 0o600); err != nil {
			t.Fatal(err)
		}
		init := exec.Command("sh", "-c", `printf 0 > "$1"`, "sh", fifo)
		if err := init.Start(); err != nil {
			t.Fatal(err)
		}
		st, err := readProcStat(init.Process.Pid)
		if err != nil {
			t.Fatal(err)
		}
		opts := Options{}
		c := &Container{id: "fifo-test", dir: dir, log: opts.logger(),
			state: &State{ID: "fifo-test", InitPid: init.Process.Pid, InitStartTime: st.StartTime}}
		err = c.openFifo()
		init.Wait()
		if err != nil {
			t.Fatalf("run %d: %v", i, err)
		}
	}
}
