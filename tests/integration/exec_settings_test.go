package integration

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// exec applies the container's seccomp profile (before or after dropping
// privileges, with and without no_new_privs), the process's rlimits,
// umask and OOM score, and HOME from the container's /etc/passwd.
func TestExecSeccompRlimitsUmaskOOMHome(t *testing.T) {
	t.Parallel()
	for _, nnp := range []bool{false, true} {
		e := newEnv(t, "sleep", "1000")
		withTmp(e)
		enospc := uint(28)
		e.spec.Linux.Seccomp = &specs.LinuxSeccomp{DefaultAction: specs.ActAllow, Syscalls: []specs.LinuxSyscall{
			{Names: []string{"mkdir", "mkdirat"}, Action: specs.ActErrno, ErrnoRet: &enospc}}}
		umask := uint32(0o027)
		oom := 321
		e.spec.Process.User.Umask = &umask
		e.spec.Process.OOMScoreAdj = &oom
		e.spec.Process.NoNewPrivileges = nnp
		e.spec.Process.Rlimits = []specs.POSIXRlimit{{Type: "RLIMIT_NOFILE", Soft: 512, Hard: 600}}
		if err := os.WriteFile(filepath.Join(e.rootfs, "etc", "passwd"),
			[]byte("root:x:0:0:root:/oirt-root-home:/bin/sh\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		e.writeConfig()
		mustOK(t, e.rt("run", "--detach", "--bundle", e.bundle, e.id))
		r := e.rt("exec", e.id, "sh", "-c",
			"mkdir /tmp/x; echo rc=$?; ulimit -n; ulimit -Hn; umask; cat /proc/self/oom_score_adj; grep NoNewPrivs /proc/self/status; echo HOME=$HOME")
		mustOK(t, r)
		wantNNP := "NoNewPrivs:\t0"
		if nnp {
			wantNNP = "NoNewPrivs:\t1"
		}
		for _, want := range []string{"rc=1", "\n512\n600\n", "0027", "\n321\n", wantNNP, "HOME=/oirt-root-home"} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("noNewPrivileges=%v: exec output lacks %q:\n%s", nnp, want, r)
			}
		}
		if !strings.Contains(r.stderr, "No space left on device") {
			t.Errorf("noNewPrivileges=%v: the seccomp profile did not apply to exec: %s", nnp, r)
		}
	}
}

// A hard limit above the host's (no CAP_SYS_RESOURCE here) fails the exec
// with an error that names the limit, and leaves the container running.
func TestExecRlimitAboveHardLimit(t *testing.T) {
	t.Parallel()
	e := startSleeper(t)
	p := specs.Process{Args: []string{"true"}, Cwd: "/", Env: []string{"PATH=/bin"},
		Rlimits: []specs.POSIXRlimit{{Type: "RLIMIT_NOFILE", Soft: 1 << 30, Hard: 1 << 30}}}
	b, _ := json.Marshal(p)
	path := filepath.Join(e.dir, "process.json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	expectError(t, e.rt("exec", "--process", path, e.id), "RLIMIT_NOFILE")
	if s := e.mustState(e.id); s.Status != specs.StateRunning {
		t.Errorf("status after a failed exec: %q", s.Status)
	}
}
