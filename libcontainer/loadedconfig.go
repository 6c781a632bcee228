package libcontainer

import (
	"encoding/json"
	"fmt"

	"github.com/oci-run/oci-run/libcontainer/configs"
)

// setLoaded takes a state read from disk and its raw config.
func (c *Container) setLoaded(st *State, raw json.RawMessage) {
	c.state, c.config, c.rawConfig = st, nil, raw
}

// configLocked returns the container's config, decoding the recorded one
// on first use. nil (no error) before Create has finished. The generated
// decoder (decodeConfig) decodes it without reflection; when it declines,
// its partial result is dropped and encoding/json decodes the config from
// scratch, and reports the errors.
func (c *Container) configLocked() (*configs.Config, error) {
	if c.config != nil || len(c.rawConfig) == 0 {
		return c.config, nil
	}
	var cfg configs.Config
	if !decodeConfig(c.rawConfig, &cfg) {
		cfg = configs.Config{}
		if err := json.Unmarshal(c.rawConfig, &cfg); err != nil {
			return nil, fmt.Errorf("container %s: recorded config: %w", c.id, err)
		}
	}
	c.config, c.rawConfig = &cfg, nil
	if c.state != nil {
		c.state.Config = &cfg
	}
	return c.config, nil
}

// hasHooks reports whether the config has hooks at point, without
// decoding a recorded config whole (the common answer is no).
func (c *Container) hasHooks(point configs.HookName) bool {
	if c.config != nil {
		return len(c.config.Hooks[point]) > 0
	}
	if len(c.rawConfig) == 0 {
		return false
	}
	var peek struct {
		Hooks map[configs.HookName]json.RawMessage `json:"hooks"`
	}
	if err := json.Unmarshal(c.rawConfig, &peek); err != nil {
		return true // let configLocked report it
	}
	h := peek.Hooks[point]
	return len(h) > 0 && string(h) != "null" && string(h) != "[]"
}
