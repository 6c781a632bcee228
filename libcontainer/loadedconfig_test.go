package libcontainer

import (
	"os"
	"testing"

	"github.com/oci-run/oci-run/libcontainer/configs"
)

// Load keeps the recorded config raw; Config decodes it on demand, and
// hasHooks answers from the raw bytes without decoding.
func TestLoadDecodesConfigLazily(t *testing.T) {
	root := t.TempDir()
	dir := root + "/lazy"
	if err := ValidateID("lazy"); err != nil {
		t.Fatal(err)
	}
	cfg := &configs.Config{
		Rootfs:      "/some/rootfs",
		Hostname:    "lazy-host",
		Annotations: map[string]string{"a": "b"},
		Hooks:       configs.Hooks{configs.Poststop: {{Path: "/bin/true"}}},
	}
	st := &State{ID: "lazy", InitPid: 1, Rootfs: cfg.Rootfs, Annotations: cfg.Annotations, Config: cfg}
	if err := os.Mkdir(dir, 0o711); err != nil {
		t.Fatal(err)
	}
	if err := writeState(dir, st); err != nil {
		t.Fatal(err)
	}
	c, err := Load(root, "lazy", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if c.config != nil || len(c.rawConfig) == 0 {
		t.Fatalf("Load decoded the config: config=%v raw=%d bytes", c.config, len(c.rawConfig))
	}
	if s := c.State(); s.Rootfs != "/some/rootfs" || s.Annotations["a"] != "b" || s.Config != nil {
		t.Errorf("State() = rootfs %q annotations %v config %v", s.Rootfs, s.Annotations, s.Config)
	}
	if !c.hasHooks(configs.Poststop) || c.hasHooks(configs.Poststart) {
		t.Errorf("hasHooks: poststop %v poststart %v, want true false",
			c.hasHooks(configs.Poststop), c.hasHooks(configs.Poststart))
	}
	if c.config != nil {
		t.Error("hasHooks decoded the config")
	}
	got := c.Config()
	if got == nil || got.Hostname != "lazy-host" || len(got.Hooks[configs.Poststop]) != 1 {
		t.Fatalf("Config() = %+v", got)
	}
	if s := c.State(); s.Config != got {
		t.Error("State().Config not filled once decoded")
	}
}

// A corrupt recorded config is reported by Config's callers, not by Load.
func TestLoadCorruptConfig(t *testing.T) {
	root := t.TempDir()
	dir := root + "/bad"
	if err := os.Mkdir(dir, 0o711); err != nil {
		t.Fatal(err)
	}
	opts := Options{}
	c := &Container{id: "bad", dir: dir, log: opts.logger()}
	c.setLoaded(&State{ID: "bad"}, []byte(`{"hooks": 7}`))
	if _, err := c.configLocked(); err == nil {
		t.Error("configLocked accepted a config whose hooks are a number")
	}
	if !c.hasHooks(configs.Poststop) {
		t.Error("hasHooks must answer true on an unreadable config so that its caller reports the error")
	}
}
