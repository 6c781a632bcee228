package security

import (
	"fmt"
	mrand "math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// CVE-2021-43784 (runc < 1.0.3): an overflow in the length of netlink
// bootstrap attributes let a large config smuggle attributes. The frame
// parser itself is tested in nsenter; here a config.json of several MB
// (huge env, huge args) must run or fail with a clean error: no crash, no
// hang, nothing left behind.
func TestCVE_2021_43784_HugeConfig(t *testing.T) {
	t.Parallel()
	for _, v := range []struct {
		name       string
		envCount   int
		envLen     int
		bigArgLen  int
		argCount   int
		mustRefuse bool
	}{
		{name: "env-1MiB", envCount: 4000, envLen: 250},
		{name: "env-6MiB", envCount: 24000, envLen: 250},
		{name: "env-20MiB", envCount: 80000, envLen: 250, mustRefuse: true},
		{name: "one-arg-256KiB", bigArgLen: 256 << 10, mustRefuse: true},
		{name: "args-3MiB", argCount: 12000},
	} {
		v := v
		t.Run(v.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, "sh", "-c", `echo "env $(env | wc -l) args $#"`, "sh")
			pad := strings.Repeat("x", v.envLen)
			for i := 0; i < v.envCount; i++ {
				e.spec.Process.Env = append(e.spec.Process.Env, fmt.Sprintf("V%d=%s", i, pad))
			}
			if v.bigArgLen > 0 {
				e.spec.Process.Args = append(e.spec.Process.Args, strings.Repeat("a", v.bigArgLen))
			}
			for i := 0; i < v.argCount; i++ {
				e.spec.Process.Args = append(e.spec.Process.Args, strings.Repeat("b", 250))
			}
			e.writeConfig()
			fi, _ := os.Stat(filepath.Join(e.bundle, "config.json"))
			r := e.rtTimeout(30*time.Second, "run", "--bundle", e.bundle, e.id)
			checkNoCrash(t, r)
			switch {
			case r.code == 0 && v.mustRefuse:
				t.Errorf("a process that execve cannot start reported success: %s", r)
			case r.code == 0 && !strings.Contains(r.stdout, "env "):
				t.Errorf("success without the process's output: %s", r)
			case r.code != 0 && strings.TrimSpace(r.stderr) == "":
				t.Errorf("failed without an error message: %s", r)
			}
			t.Logf("config.json %d bytes: exit %d, stdout %q, stderr %q", fi.Size(), r.code, clip(r.stdout), clip(r.stderr))
		})
	}
}

// A runtime killed at any point of `create` (kill -9 from its caller, OOM)
// must leave nothing mounted on the host; `delete -f` must remove whatever
// it left (an init waiting for its parent, a cgroup, a state directory).
func TestKillDuringCreate(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sleep", "60")
	e.writeConfig()

	// How long a whole create takes here, to spread the kill points.
	start := time.Now()
	mustOK(t, e.rt("create", "--bundle", e.bundle, e.id))
	full := time.Since(start)
	mustOK(t, e.rt("delete", "-f", e.id))

	rnd := mrand.New(mrand.NewSource(time.Now().UnixNano()))
	const n = 16
	for i := 0; i < n; i++ {
		id := e.newTrackedID()
		delay := time.Duration(int64(full) * int64(i) / n)
		delay += time.Duration(rnd.Int63n(int64(full)/n + 1))
		args := []string{"--root", e.root, "create", "--bundle", e.bundle, id}
		cmd, outF, errF, err := e.startCmd(e.bundle, args...)
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(delay)
		unix.Kill(cmd.Process.Pid, unix.SIGKILL)
		r := e.finish(cmd, outF, errF, callTimeout, args)

		// No mount may survive the runtime, whatever it had done.
		deadline := time.Now().Add(3 * time.Second)
		for {
			mi, _ := os.ReadFile("/proc/self/mountinfo")
			if !strings.Contains(string(mi), e.dir) {
				break
			}
			if time.Now().After(deadline) {
				t.Errorf("create killed after %s left a host mount: %s", delay, grepLines(string(mi), e.dir))
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		// delete -f must clean up what is left.
		_, statErr := os.Lstat(filepath.Join(e.root, id))
		d := e.rt("delete", "-f", id)
		checkNoCrash(t, d)
		if statErr == nil && d.code != 0 {
			t.Errorf("create killed after %s (exit %d): `delete -f` of its remains failed: %s", delay, r.code, d)
		}
		if _, err := os.Lstat(filepath.Join(e.root, id)); err == nil {
			t.Errorf("create killed after %s: state dir left after `delete -f`", delay)
		}
		deadline = time.Now().Add(3 * time.Second)
		for {
			procs := processesMentioning([]string{e.dir, id})
			cg, _ := filepath.Glob(filepath.Join("/sys/fs/cgroup", "*", id))
			if len(procs) == 0 && len(cg) == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Errorf("create killed after %s: after `delete -f`: processes %v, cgroups %v", delay, procs, cg)
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}

func grepLines(text, needle string) string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, needle) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
