package integration

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// runc: fails against runc 1.1.5, which runs poststart (from `runc start`,
// once the exec fifo is opened) before the init has run startContainer and
// exec'd the process. The spec wants startContainer before the user process
// is executed and poststart after it, so startContainer comes first.
func TestHooksOrderAndState(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "true")
	out := e.outDir() // host dir, also /out in the container

	// Each hook saves its stdin (the state JSON) and appends its name to
	// "order". Runtime-namespace hooks run the host's /bin/sh and write the
	// host path; startContainer runs in the container after pivot_root, so
	// it uses the container's /bin/sh and writes through /out.
	hook := func(name, dir string) specs.Hook {
		return specs.Hook{
			Path: "/bin/sh",
			Args: []string{"sh", "-c", "/bin/cat > " + dir + "/" + name + ".json && echo " + name + " >> " + dir + "/order"},
		}
	}
	// startContainer takes a while, so a runtime that runs poststart without
	// waiting for the exec of the user process fails every time, not by luck.
	slowStart := hook("startContainer", "/out")
	slowStart.Args[2] = "/bin/cat > /out/startContainer.json && /bin/sleep 0.3 && echo startContainer >> /out/order"
	e.spec.Hooks = &specs.Hooks{
		Prestart:        []specs.Hook{hook("prestart", out)},
		CreateRuntime:   []specs.Hook{hook("createRuntime", out)},
		CreateContainer: []specs.Hook{hook("createContainer", out)},
		StartContainer:  []specs.Hook{slowStart},
		Poststart:       []specs.Hook{hook("poststart", out)},
		Poststop:        []specs.Hook{hook("poststop", out)},
	}
	e.writeConfig()

	mustOK(t, e.rt("create", "--bundle", e.bundle, e.id))
	mustOK(t, e.rt("start", e.id))
	e.waitStatus(e.id, specs.StateStopped, 10*time.Second)
	mustOK(t, e.rt("delete", e.id))

	want := []string{"prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"}
	b, err := os.ReadFile(filepath.Join(out, "order"))
	if err != nil {
		t.Fatalf("no hook ran: %v", err)
	}
	got := strings.Fields(string(b))
	if !slices.Equal(got, want) {
		t.Errorf("hooks ran in order %v, want %v", got, want)
	}
	for _, name := range want {
		data, err := os.ReadFile(filepath.Join(out, name+".json"))
		if err != nil {
			t.Errorf("%s: no state saved: %v", name, err)
			continue
		}
		var st specs.State
		if err := json.Unmarshal(data, &st); err != nil {
			t.Errorf("%s got invalid state JSON on stdin: %v: %q", name, err, data)
			continue
		}
		if st.ID != e.id {
			t.Errorf("%s: state id %q, want %q", name, st.ID, e.id)
		}
		if st.Bundle != e.bundle {
			t.Errorf("%s: state bundle %q, want %q", name, st.Bundle, e.bundle)
		}
		if st.Version == "" {
			t.Errorf("%s: state has no ociVersion: %s", name, data)
		}
	}
}

func TestFailingHookAbortsCreate(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "true")
	e.spec.Hooks = &specs.Hooks{
		CreateRuntime: []specs.Hook{{Path: "/bin/sh", Args: []string{"sh", "-c", "echo oirt-hook-says-no >&2; exit 3"}}},
	}
	e.writeConfig()
	r := e.rt("create", "--bundle", e.bundle, e.id)
	if r.code == 0 {
		t.Fatalf("create succeeded though a createRuntime hook failed: %s", r)
	}
	if _, r := e.state(e.id); r.code == 0 {
		t.Errorf("container exists after a failed create: %s", r)
	}
}
