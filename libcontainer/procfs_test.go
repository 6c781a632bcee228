package libcontainer

import (
	"os"
	"os/exec"
	"testing"
)

func TestReadProcStatSelfAndChild(t *testing.T) {
	st, err := readProcStat(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if st.StartTime == 0 || st.State == 0 {
		t.Fatalf("implausible stat for self: %+v", st)
	}
	if !pidAlive(os.Getpid(), st.StartTime) {
		t.Fatal("pidAlive(self) = false")
	}
	if pidAlive(os.Getpid(), st.StartTime+1) {
		t.Fatal("pidAlive with a wrong start time = true")
	}
	// A process whose comm has spaces and parentheses still parses.
	cmd := exec.Command("/bin/sh", "-c", "exec -a 'a (b) c' sleep 5")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	if _, err := readProcStat(cmd.Process.Pid); err != nil {
		t.Fatal(err)
	}
}

func TestPidAliveZombieIsDead(t *testing.T) {
	cmd := exec.Command("/bin/true")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	st, err := readProcStat(pid)
	if err != nil {
		cmd.Wait()
		t.Skip("process already gone") // cannot observe; not a pass
	}
	for i := 0; i < 200; i++ {
		s, err := readProcStat(pid)
		if err == nil && s.State == 'Z' {
			break
		}
		sleepBackoff(i)
	}
	if pidAlive(pid, st.StartTime) {
		t.Error("pidAlive = true for a zombie")
	}
	cmd.Wait()
}
