package devices

import (
	"errors"
	"os"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/oci-run/oci-run/cgroups/fscommon"
	"github.com/oci-run/oci-run/libcontainer/configs"
)

func rule(t configs.DeviceType, maj, min int64, perms string, allow bool) *configs.DeviceRule {
	return &configs.DeviceRule{Type: t, Major: maj, Minor: min, Permissions: perms, Allow: allow}
}

func TestV1Writes(t *testing.T) {
	w, err := V1Writes([]*configs.DeviceRule{
		rule(configs.AnyDevice, -1, -1, "rwm", false),
		rule(configs.CharDevice, 1, 3, "rwm", true),
		rule(configs.AnyDevice, 5, -1, "r", true),
		rule(configs.AnyDevice, -1, -1, "rwm", true),
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []V1Write{
		{"devices.deny", "a"}, {"devices.deny", "a"}, {"devices.allow", "c 1:3 rwm"},
		{"devices.allow", "c 5:* r"}, {"devices.allow", "b 5:* r"}, {"devices.allow", "a"},
	}
	if len(w) != len(want) {
		t.Fatalf("got %v", w)
	}
	for i := range w {
		if w[i] != want[i] {
			t.Errorf("write %d: %v, want %v", i, w[i], want[i])
		}
	}
}

func TestValidate(t *testing.T) {
	for _, r := range []*configs.DeviceRule{
		nil, rule('x', 1, 1, "r", true), rule(configs.CharDevice, -2, 1, "r", true),
		rule(configs.CharDevice, 1, 1, "", true), rule(configs.CharDevice, 1, 1, "rr", true),
		rule(configs.CharDevice, 1, 1, "x", true),
	} {
		if err := Validate(r); !errors.Is(err, fscommon.ErrInvalid) {
			t.Errorf("Validate(%v) = %v", r, err)
		}
	}
}

// TestProgramsLoad checks the verifier accepts the programs built from
// typical rule sets (needs root for BPF_PROG_LOAD).
func TestProgramsLoad(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Fatal("needs root to load BPF programs")
	}
	for name, rules := range map[string][]*configs.DeviceRule{
		"empty":     nil,
		"deny-all":  {rule(configs.AnyDevice, -1, -1, "rwm", false)},
		"allow-all": {rule(configs.AnyDevice, -1, -1, "rwm", true)},
		"default-like": {
			rule(configs.AnyDevice, -1, -1, "rwm", false),
			rule(configs.CharDevice, 1, 3, "rwm", true),
			rule(configs.CharDevice, 1, 5, "rwm", true),
			rule(configs.CharDevice, 136, -1, "rwm", true),
			rule(configs.BlockDevice, -1, -1, "m", true),
			rule(configs.CharDevice, 1, 3, "w", false),
		},
		"allow-all-then-rules": {
			rule(configs.CharDevice, 1, 3, "rwm", true),
			rule(configs.AnyDevice, -1, -1, "rwm", true),
		},
	} {
		p, err := LoadProgram(rules)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		p.Close()
	}
}

// A program the verifier refuses fails with the verifier's reason.
func TestLoadRejectedSaysWhy(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Fatal("needs root to load BPF programs")
	}
	// R0 is never set before exit.
	code, err := encode([]insn{exit()})
	if err != nil {
		t.Fatal(err)
	}
	fd, err := loadCgroupDevice("ocirun_bad", code)
	if err == nil {
		unix.Close(fd)
		t.Fatal("the verifier accepted a program that exits with R0 unset")
	}
	if !strings.Contains(err.Error(), "verifier: ") || !strings.Contains(err.Error(), "R0") {
		t.Errorf("error does not give the verifier's reason: %v", err)
	}
}
