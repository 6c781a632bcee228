package shim

import (
	"io"
	"log/slog"
	"os"
	"os/exec"
	"slices"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

func TestParseStat(t *testing.T) {
	st, ppid, ok := parseStat([]byte("123 (a (weird) name) Z 77 123 123 0 -1"))
	if !ok || st != 'Z' || ppid != 77 {
		t.Errorf("got %c %d %v", st, ppid, ok)
	}
	if _, _, ok := parseStat([]byte("garbage")); ok {
		t.Error("garbage parsed")
	}
}

// The reaper reaps an orphan reparented to this (subreaper) process, and
// leaves an owned zombie child for its owner to wait for.
func TestReaperOrphansAndOwned(t *testing.T) {
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		t.Fatal(err)
	}
	defer unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0)
	r := NewReaper(slog.New(slog.NewTextHandler(io.Discard, nil)))

	// An orphan: sh starts a short sleep in the background and exits.
	sh := exec.Command("/bin/sh", "-c", "sleep 0.2 & echo $!")
	out, err := sh.Output()
	if err != nil {
		t.Fatal(err)
	}
	var orphan int
	if _, err := fmtSscan(string(out), &orphan); err != nil {
		t.Fatal(err)
	}
	// An owned child that exits at once.
	own := exec.Command("/bin/true")
	if err := own.Start(); err != nil {
		t.Fatal(err)
	}
	r.Own(own.Process.Pid)

	var reaped []int
	for deadline := time.Now().Add(5 * time.Second); !slices.Contains(reaped, orphan); time.Sleep(20 * time.Millisecond) {
		reaped = append(reaped, r.ReapOnce()...)
		if time.Now().After(deadline) {
			t.Fatalf("orphan %d not reaped (reaped %v)", orphan, reaped)
		}
	}
	// The owned child may have been a zombie during those passes.
	time.Sleep(50 * time.Millisecond)
	reaped = append(reaped, r.ReapOnce()...)
	if slices.Contains(reaped, own.Process.Pid) {
		t.Fatalf("owned child %d was reaped", own.Process.Pid)
	}
	if err := own.Wait(); err != nil {
		t.Errorf("owner's wait: %v", err)
	}
	r.Disown(own.Process.Pid)
	if _, err := os.Stat("/proc/" + itoa(orphan)); err == nil {
		t.Errorf("orphan %d still in /proc", orphan)
	}
}

// Hold keeps the reaper off while a call waits for its own child.
func TestReaperHold(t *testing.T) {
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		t.Fatal(err)
	}
	defer unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0)
	r := NewReaper(slog.New(slog.NewTextHandler(io.Discard, nil)))
	release := r.Hold()
	cmd := exec.Command("/bin/true")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan []int)
	go func() { done <- r.ReapOnce() }()
	time.Sleep(100 * time.Millisecond) // the child is a zombie now; the reaper waits
	err := cmd.Wait()
	release()
	if err != nil {
		t.Errorf("wait under Hold: %v", err)
	}
	if got := <-done; slices.Contains(got, cmd.Process.Pid) {
		t.Errorf("reaper took the held child %d", cmd.Process.Pid)
	}
}
