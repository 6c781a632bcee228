package systemd

import "log/slog"

// minVersion is the first systemd release that knows a property. Older
// ones fail the whole StartTransientUnit call on an unknown property, so
// such properties are dropped (the fs driver still writes the files).
// 0 means any version.
func minVersion(property string) int {
	switch property {
	case "CPUQuotaPeriodUSec":
		return 242
	case "AllowedCPUs", "AllowedMemoryNodes":
		return 244
	}
	return 0
}

// forVersion drops the properties systemd version ver does not know,
// logging each. ver 0 (unknown) keeps everything.
func forVersion(props []Property, ver int, unit string, log *slog.Logger) []Property {
	if ver == 0 {
		return props
	}
	out := props[:0:0]
	for _, p := range props {
		if need := minVersion(p.Name); ver < need {
			log.Debug("systemd too old for property; the cgroup file is written directly",
				"unit", unit, "property", p.Name, "systemd", ver, "needs", need)
			continue
		}
		out = append(out, p)
	}
	return out
}
