package libcontainer

import (
	"testing"

	"github.com/oci-run/oci-run/libcontainer/configs"
	"github.com/oci-run/oci-run/libcontainer/lsm"
)

// probeLSM probes only for a configuration that names a profile or a
// label, and then answers as lsm.Probe does.
func TestProbeLSMOnlyWhenAsked(t *testing.T) {
	if h := probeLSM(&configs.Config{}, &configs.Process{}); h != (lsm.Host{}) {
		t.Errorf("no profile or label: got %+v, want no LSM", h)
	}
	want := lsm.Probe()
	for _, c := range []struct {
		cfg  configs.Config
		proc configs.Process
	}{
		{proc: configs.Process{AppArmorProfile: "p"}},
		{proc: configs.Process{SelinuxLabel: "system_u:system_r:container_t:s0"}},
		{cfg: configs.Config{MountLabel: "system_u:object_r:container_file_t:s0"}},
	} {
		if h := probeLSM(&c.cfg, &c.proc); h != want {
			t.Errorf("%+v %+v: got %+v, want the probe's %+v", c.cfg.MountLabel, c.proc, h, want)
		}
	}
}
