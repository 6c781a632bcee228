package specconv

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/oci-run/oci-run/libcontainer/configs"
)

func TestToProcess(t *testing.T) {
	in := &specs.Process{
		Terminal:    true,
		ConsoleSize: &specs.Box{Width: 120, Height: 40},
		User:        specs.User{UID: 1000, GID: 100, AdditionalGids: []uint32{5, 6}, Umask: ptr(uint32(0o22))},
		Args:        []string{"/bin/app", "-v"},
		Env:         []string{"A=1"},
		Cwd:         "/work",
		Capabilities: &specs.LinuxCapabilities{
			Bounding: []string{"CAP_KILL"}, Effective: []string{"CAP_CHOWN"}, Inheritable: []string{"CAP_SETUID", "CAP_NET_RAW"},
			Permitted: []string{"CAP_KILL", "CAP_CHOWN", "CAP_NET_RAW"}, Ambient: []string{"CAP_NET_RAW"},
		},
		Rlimits: []specs.POSIXRlimit{
			{Type: "RLIMIT_NOFILE", Hard: 2048, Soft: 1024},
			{Type: "RLIMIT_CORE", Hard: 0, Soft: 0},
		},
		NoNewPrivileges: true,
		ApparmorProfile: "profile",
		OOMScoreAdj:     ptr(-500),
		Scheduler: &specs.Scheduler{Policy: specs.SchedDeadline, Nice: 1, Priority: 2,
			Flags: []specs.LinuxSchedulerFlag{specs.SchedFlagReclaim}, Runtime: 3, Deadline: 4, Period: 5},
		SelinuxLabel:    "label",
		IOPriority:      &specs.LinuxIOPriority{Class: specs.IOPRIO_CLASS_RT, Priority: 3},
		ExecCPUAffinity: &specs.CPUAffinity{Final: "0-3"},
	}
	want := &configs.Process{
		Args: []string{"/bin/app", "-v"}, Env: []string{"A=1"}, Cwd: "/work",
		User:     configs.User{UID: 1000, GID: 100, AdditionalGids: []uint32{5, 6}, Umask: ptr(uint32(0o22))},
		Terminal: true, ConsoleWidth: 120, ConsoleHeight: 40,
		Capabilities: &configs.Capabilities{
			Bounding: []string{"CAP_KILL"}, Effective: []string{"CAP_CHOWN"}, Inheritable: []string{"CAP_SETUID", "CAP_NET_RAW"},
			Permitted: []string{"CAP_KILL", "CAP_CHOWN", "CAP_NET_RAW"}, Ambient: []string{"CAP_NET_RAW"},
		},
		Rlimits: []configs.Rlimit{
			{Type: unix.RLIMIT_NOFILE, Name: "RLIMIT_NOFILE", Hard: 2048, Soft: 1024},
			{Type: unix.RLIMIT_CORE, Name: "RLIMIT_CORE"},
		},
		NoNewPrivileges: true,
		OOMScoreAdj:     ptr(-500),
		AppArmorProfile: "profile",
		SelinuxLabel:    "label",
		IOPriority:      &configs.IOPriority{Class: "IOPRIO_CLASS_RT", Priority: 3},
		Scheduler: &configs.Scheduler{Policy: "SCHED_DEADLINE", Nice: 1, Priority: 2,
			Flags: []string{"SCHED_FLAG_RECLAIM"}, Runtime: 3, Deadline: 4, Period: 5},
		CPUAffinity: "0-3",
	}
	got, err := ToProcess(in, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

func TestToProcessInitialAffinityWarns(t *testing.T) {
	log, buf := newTestLogger()
	p, err := ToProcess(&specs.Process{Args: []string{"sh"}, Cwd: "/", ExecCPUAffinity: &specs.CPUAffinity{Initial: "0", Final: "1"}}, log)
	if err != nil {
		t.Fatal(err)
	}
	if p.CPUAffinity != "1" || !strings.Contains(buf.String(), "execCPUAffinity.initial") {
		t.Errorf("affinity %q, log %q", p.CPUAffinity, buf.String())
	}
}

func TestToProcessNil(t *testing.T) {
	var se *SpecError
	if _, err := ToProcess(nil, nil); !errors.As(err, &se) || se.Field != "process" {
		t.Errorf("nil process: %v", err)
	}
}

func TestToConfigCopiesOOMScoreAdj(t *testing.T) {
	spec := baseSpec(t)
	spec.Process.OOMScoreAdj = ptr(100)
	c, err := ToConfig(spec, testOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	if c.OOMScoreAdj == nil || *c.OOMScoreAdj != 100 || c.Process.OOMScoreAdj == nil || *c.Process.OOMScoreAdj != 100 {
		t.Errorf("OOMScoreAdj %v / %v", c.OOMScoreAdj, c.Process.OOMScoreAdj)
	}
}

// Unknown capability names are dropped with a warning, as runc does, so a
// config written for a newer kernel still runs; Validate stays strict for
// configs built directly (see configs' tests).
func TestUnknownCapabilitiesDroppedWithWarning(t *testing.T) {
	spec := baseSpec(t)
	spec.Process.Capabilities = &specs.LinuxCapabilities{Bounding: []string{"CAP_KILL", "CAP_TELEPORT"}}
	log, buf := newTestLogger()
	opts := testOptions(t)
	opts.Logger = log
	c, err := ToConfig(spec, opts)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Process.Capabilities.Bounding; !reflect.DeepEqual(got, []string{"CAP_KILL"}) {
		t.Errorf("bounding %v, want [CAP_KILL]", got)
	}
	if !strings.Contains(buf.String(), "CAP_TELEPORT") {
		t.Errorf("no warning naming CAP_TELEPORT in %q", buf.String())
	}
	if err := c.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
}

// runc's own `spec` lists ambient capabilities that are not inheritable;
// the kernel cannot raise those, so they are dropped with a warning.
func TestAmbientNotInheritableDropped(t *testing.T) {
	log, buf := newTestLogger()
	p, err := ToProcess(&specs.Process{Args: []string{"sh"}, Cwd: "/", Capabilities: &specs.LinuxCapabilities{
		Permitted: []string{"CAP_KILL", "CAP_CHOWN"}, Inheritable: []string{"CAP_CHOWN"},
		Ambient: []string{"CAP_KILL", "CAP_CHOWN"}}}, log)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(p.Capabilities.Ambient, []string{"CAP_CHOWN"}) {
		t.Errorf("ambient %v, want [CAP_CHOWN]", p.Capabilities.Ambient)
	}
	if !strings.Contains(buf.String(), "CAP_KILL") {
		t.Errorf("no warning naming CAP_KILL in %q", buf.String())
	}
}
