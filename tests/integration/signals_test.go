package integration

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Both ways a foreground run or exec catches signals: blocked before the
// Go runtime starts and read from a signalfd (the default), and all
// registered with os/signal (OCIRUN_NO_FAST=1).
var signalModes = []struct {
	name string
	env  []string
}{
	{"signalfd", nil},
	{"os-signal", []string{"OCIRUN_NO_FAST=1"}},
}

// trapScript records the signals it gets in /out/<tag>.log, exits 7 on
// SIGTERM, and says it is ready (with its blocked-signal mask) in
// /out/<tag>.ready once the traps are set.
func trapScript(tag string) string {
	log := "/out/" + tag + ".log"
	return fmt.Sprintf(`trap 'echo USR1 >> %[1]s' USR1; trap 'echo USR2 >> %[1]s' USR2; `+
		`trap 'echo HUP >> %[1]s' HUP; trap 'echo TERM >> %[1]s; exit 7' TERM; `+
		`grep SigBlk /proc/self/status > /out/%[2]s.ready; while :; do sleep 0.05; done`, log, tag)
}

// sendAndSee sends sig to the CLI and waits until the container's trap
// logged want.
func sendAndSee(t *testing.T, p *bgProc, sig syscall.Signal, logPath, want string) {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatalf("signal %v to the CLI: %v", sig, err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		b, _ := os.ReadFile(logPath)
		if strings.Contains(string(b), want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%v sent to the CLI never reached the container (log %q)", sig, b)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// wantEmptyMask fails unless status (/proc/<pid>/status, or its SigBlk
// line) blocks no signal.
func wantEmptyMask(t *testing.T, who, status string) {
	t.Helper()
	if got, ok := procStatusField(status, "SigBlk"); !ok || got != "0000000000000000" {
		t.Errorf("%s starts with signals blocked: SigBlk %q", who, got)
	}
}

// A foreground run forwards the signals the CLI gets, the container's
// process starts with none blocked, and the exit code is the process's.
func TestRunForwardsSignals(t *testing.T) {
	t.Parallel()
	for _, m := range signalModes {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, "sh", "-c", trapScript("run"))
			e.extraEnv = m.env
			out := e.outDir()
			e.writeConfig()
			cmd := e.rtBackground("run", e.id)
			wantEmptyMask(t, "the container's process", waitFile(t, filepath.Join(out, "run.ready"), 15*time.Second))
			logPath := filepath.Join(out, "run.log")
			sendAndSee(t, cmd, syscall.SIGUSR1, logPath, "USR1")
			sendAndSee(t, cmd, syscall.SIGHUP, logPath, "HUP")
			sendAndSee(t, cmd, syscall.SIGUSR2, logPath, "USR2")
			if err := cmd.cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			if code := cmd.wait(t, 15*time.Second); code != 7 {
				t.Fatalf("run exited %d, want the process's 7 after SIGTERM (stderr %q)", code, cmd.stderr())
			}
			b, _ := os.ReadFile(logPath)
			if got := strings.Fields(string(b)); strings.Join(got, " ") != "USR1 HUP USR2 TERM" {
				t.Errorf("the container saw %v, want USR1 HUP USR2 TERM", got)
			}
		})
	}
}

// A foreground exec forwards signals to its process, which starts with
// none blocked; so do the processes hooks run by the CLI start.
func TestExecForwardsSignalsAndHooksStartUnblocked(t *testing.T) {
	t.Parallel()
	for _, m := range signalModes {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, "sleep", "30")
			e.extraEnv = m.env
			out := e.outDir()
			// Hooks the CLI runs during create and start (on the host).
			// cp, not a shell: dash empties its signal mask when it starts.
			hook := func(name string) specs.Hook {
				return specs.Hook{Path: "/bin/cp", Args: []string{"cp", "/proc/self/status", filepath.Join(out, name)}}
			}
			e.spec.Hooks = &specs.Hooks{
				CreateRuntime: []specs.Hook{hook("createRuntime")},
				Poststart:     []specs.Hook{hook("poststart")},
			}
			e.writeConfig()
			// A foreground run: its hooks run from a CLI that blocks the
			// signals it forwards.
			run := e.rtBackground("run", e.id)
			for _, name := range []string{"createRuntime", "poststart"} {
				wantEmptyMask(t, "the "+name+" hook", waitFile(t, filepath.Join(out, name), 15*time.Second))
			}

			exe := e.rtBackground("exec", e.id, "sh", "-c", trapScript("exec"))
			wantEmptyMask(t, "the exec'd process", waitFile(t, filepath.Join(out, "exec.ready"), 15*time.Second))
			logPath := filepath.Join(out, "exec.log")
			sendAndSee(t, exe, syscall.SIGUSR1, logPath, "USR1")
			if err := exe.cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			if code := exe.wait(t, 15*time.Second); code != 7 {
				t.Errorf("exec exited %d, want the process's 7 after SIGTERM (stderr %q)", code, exe.stderr())
			}

			// The container's sleep, as pid 1 without handlers, ignores
			// forwarded signals: stop it with `kill KILL`.
			mustOK(t, e.rt("kill", e.id, "KILL"))
			if code := run.wait(t, 15*time.Second); code != 137 {
				t.Errorf("run exited %d after its container was killed, want 137", code)
			}
		})
	}
}
