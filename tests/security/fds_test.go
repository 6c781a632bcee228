package security

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// CVE-2024-21626 (runc < 1.1.12, "Leaky Vessels") and CVE-2016-9962: the
// runtime's init held fds on host directories (a cgroup dir, the host's
// /sys/fs/cgroup) that were not close-on-exec; with process.cwd (or `exec
// --cwd`) set to /proc/self/fd/N the container's process started with a
// working directory on the host and could walk to the host's root.

// cwdIsContained reports whether a `pwd` output names a directory inside the
// container's root (getcwd of a directory outside it starts with
// "(unreachable)").
func cwdIsContained(pwd string) bool {
	pwd = strings.TrimSpace(pwd)
	return strings.HasPrefix(pwd, "/") && !strings.Contains(pwd, "unreachable")
}

// checkLeakedCwd judges one attempt: refused cleanly, or run with a cwd
// inside the container.
func checkLeakedCwd(t *testing.T, r result, pwd string) {
	t.Helper()
	checkNoCrash(t, r)
	if r.code == 0 {
		if !cwdIsContained(pwd) {
			t.Errorf("VULNERABLE: the process started with a host working directory %q: %s", pwd, r)
		} else {
			t.Errorf("cwd /proc/self/fd/N should be refused, but the process ran (cwd %q): %s", pwd, r)
		}
		return
	}
	if strings.TrimSpace(r.stderr) == "" {
		t.Errorf("want a clean error (a message on stderr): %s", r)
	}
	if strings.Contains(pwd, "unreachable") {
		t.Errorf("VULNERABLE: the process ran with a host working directory %q: %s", pwd, r)
	}
}

func TestCVE_2024_21626_RunCwdLeakedFd(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	out := e.outDir()
	for n := 3; n <= 10; n++ {
		cwd := fmt.Sprintf("/proc/self/fd/%d", n)
		res := filepath.Join(out, fmt.Sprintf("pwd-%d", n))
		e.spec.Process.Cwd = cwd
		e.spec.Process.Args = []string{"sh", "-c", fmt.Sprintf("pwd > /out/pwd-%d; ls .. > /out/ls-%d", n, n)}
		e.writeConfig()
		id := e.newTrackedID()
		r := e.rt("run", "--bundle", e.bundle, id)
		pwd, _ := os.ReadFile(res)
		checkLeakedCwd(t, r, string(pwd))
		e.rt("delete", "-f", id)
	}
}

func TestCVE_2024_21626_ExecCwdLeakedFd(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sleep", "60")
	e.writeConfig()
	mustOK(t, e.rt("run", "-d", "--bundle", e.bundle, e.id))
	for n := 3; n <= 10; n++ {
		cwd := fmt.Sprintf("/proc/self/fd/%d", n)
		r := e.rt("exec", "--cwd", cwd, e.id, "sh", "-c", "pwd")
		checkLeakedCwd(t, r, r.stdout)
	}
	// The same through a process.json.
	p := *e.spec.Process
	p.Args = []string{"sh", "-c", "pwd"}
	for n := 3; n <= 10; n++ {
		p.Cwd = fmt.Sprintf("/proc/self/fd/%d", n)
		f := filepath.Join(e.bundle, fmt.Sprintf("process-%d.json", n))
		writeJSON(t, f, &p)
		r := e.rt("exec", "--process", f, e.id)
		checkLeakedCwd(t, r, r.stdout)
	}
}

var fdLine = regexp.MustCompile(`\s(\d+) -> (.*)$`)

// checkOnlyStdio checks an `ls -l /proc/self/fd/` listing: fds 0-2, and
// only ls's own directory fd beyond them.
func checkOnlyStdio(t *testing.T, how, listing string) {
	t.Helper()
	seen := 0
	for _, line := range strings.Split(listing, "\n") {
		m := fdLine.FindStringSubmatch(strings.TrimSpace(" " + line))
		if m == nil {
			continue
		}
		seen++
		switch m[1] {
		case "0", "1", "2":
			continue
		}
		if regexp.MustCompile(`^/proc/\d+/fd$`).MatchString(m[2]) {
			continue // ls's own handle on the directory it lists
		}
		t.Errorf("VULNERABLE: %s: the container's process inherited fd %s -> %s\n%s", how, m[1], m[2], listing)
	}
	if seen < 3 {
		t.Errorf("%s: no usable fd listing from the container: %q", how, listing)
	}
}

const listFds = "ls -l /proc/self/fd/ > /out/fds-$MODE 2>&1; echo done >> /out/done-$MODE"

func TestCVE_2024_21626_NoLeakedFds(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	out := e.outDir()

	// run, in the foreground.
	e.spec.Process.Args = []string{"sh", "-c", listFds}
	e.spec.Process.Env = append(e.spec.Process.Env, "MODE=run")
	e.writeConfig()
	idRun := e.newTrackedID()
	mustOK(t, e.rt("run", "--bundle", e.bundle, idRun))
	b, _ := os.ReadFile(filepath.Join(out, "fds-run"))
	checkOnlyStdio(t, "run", string(b))

	// create + start.
	e.spec.Process.Env[len(e.spec.Process.Env)-1] = "MODE=create"
	e.writeConfig()
	mustOK(t, e.rt("create", "--bundle", e.bundle, e.id))
	mustOK(t, e.rt("start", e.id))
	if _, ok := waitFile(t, filepath.Join(out, "done-create"), 10*time.Second); !ok {
		t.Fatalf("the created container never ran")
	}
	b, _ = os.ReadFile(filepath.Join(out, "fds-create"))
	checkOnlyStdio(t, "create+start", string(b))

	// exec into a running container.
	e.spec.Process.Args = []string{"sleep", "60"}
	e.writeConfig()
	idExec := e.newTrackedID()
	mustOK(t, e.rt("run", "-d", "--bundle", e.bundle, idExec))
	r := e.rt("exec", "--env", "MODE=exec", idExec, "sh", "-c", listFds)
	mustOK(t, r)
	b, _ = os.ReadFile(filepath.Join(out, "fds-exec"))
	checkOnlyStdio(t, "exec", string(b))
}

// CVE-2022-29162 (runc < 1.1.2): `runc exec --cap` put the added
// capabilities into the inheritable set too, so a program with file
// capabilities could gain them across execve.
func TestCVE_2022_29162_ExecCapNotInheritable(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sleep", "60")
	e.writeConfig()
	mustOK(t, e.rt("run", "-d", "--bundle", e.bundle, e.id))
	r := e.rt("exec", "--cap", "CAP_SYS_ADMIN", "--cap", "CAP_NET_ADMIN", e.id, "cat", "/proc/self/status")
	mustOK(t, r)
	inh, ok := procStatusField(r.stdout, "CapInh")
	if !ok {
		t.Fatalf("no CapInh in the exec'd process's status: %s", r)
	}
	if strings.Trim(inh, "0") != "" {
		t.Errorf("VULNERABLE: exec --cap put capabilities in the inheritable set: CapInh %s", inh)
	}
	eff, _ := procStatusField(r.stdout, "CapEff")
	var effBits uint64
	fmt.Sscanf(eff, "%x", &effBits)
	if effBits&(1<<21) == 0 {
		t.Errorf("exec --cap CAP_SYS_ADMIN did not grant it (CapEff %s): the case proves nothing", eff)
	}
	// The container's own process, for comparison.
	r = e.rt("exec", e.id, "cat", "/proc/1/status")
	mustOK(t, r)
	if inh, _ := procStatusField(r.stdout, "CapInh"); strings.Trim(inh, "0") != "" {
		t.Errorf("the container's init has inheritable capabilities: CapInh %s", inh)
	}
}
