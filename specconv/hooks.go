package specconv

import (
	"slices"

	"github.com/opencontainers/runtime-spec/specs-go"

	"github.com/oci-run/oci-run/libcontainer/configs"
)

// convertHooks copies the six hook points; nil when there are no hooks.
func convertHooks(h *specs.Hooks) configs.Hooks {
	if h == nil {
		return nil
	}
	points := []struct {
		name  configs.HookName
		hooks []specs.Hook
	}{
		{configs.Prestart, h.Prestart}, //nolint:staticcheck // deprecated by the spec, still run
		{configs.CreateRuntime, h.CreateRuntime},
		{configs.CreateContainer, h.CreateContainer},
		{configs.StartContainer, h.StartContainer},
		{configs.Poststart, h.Poststart},
		{configs.Poststop, h.Poststop},
	}
	out := configs.Hooks{}
	for _, p := range points {
		for _, hk := range p.hooks {
			out[p.name] = append(out[p.name], configs.Hook{
				Path:    hk.Path,
				Args:    slices.Clone(hk.Args),
				Env:     slices.Clone(hk.Env),
				Timeout: copyPtr(hk.Timeout),
			})
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// KnownHooks lists the hook points ToConfig converts.
func KnownHooks() []string {
	return []string{
		string(configs.Prestart), string(configs.CreateRuntime), string(configs.CreateContainer),
		string(configs.StartContainer), string(configs.Poststart), string(configs.Poststop),
	}
}
