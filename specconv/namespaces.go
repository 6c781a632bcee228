package specconv

import (
	"fmt"
	"slices"

	"github.com/opencontainers/runtime-spec/specs-go"

	"github.com/oci-run/oci-run/libcontainer/configs"
)

// convertNamespaces maps OCI namespace types to configs types, keeping join
// paths. An unknown or repeated type is an error.
func convertNamespaces(list []specs.LinuxNamespace) (configs.Namespaces, error) {
	var out configs.Namespaces
	for i, ns := range list {
		field := fmt.Sprintf("linux.namespaces[%d].type", i)
		t, err := configs.ParseNamespaceType(string(ns.Type))
		if err != nil {
			return nil, specErr(field, string(ns.Type), "unknown namespace type")
		}
		if out.Contains(t) {
			return nil, specErr(field, string(ns.Type), "namespace listed more than once")
		}
		out = append(out, configs.Namespace{Type: t, Path: ns.Path})
	}
	return out, nil
}

// KnownNamespaces lists, sorted, the OCI namespace types ToConfig accepts.
func KnownNamespaces() []string {
	out := make([]string, 0, len(configs.AllNamespaceTypes))
	for _, t := range configs.AllNamespaceTypes {
		out = append(out, string(t))
	}
	slices.Sort(out)
	return out
}

// convertIDMaps copies uid or gid mappings; nil stays nil.
func convertIDMaps(in []specs.LinuxIDMapping) []configs.IDMap {
	if in == nil {
		return nil
	}
	out := make([]configs.IDMap, len(in))
	for i, m := range in {
		out[i] = configs.IDMap{ContainerID: int64(m.ContainerID), HostID: int64(m.HostID), Size: int64(m.Size)}
	}
	return out
}

// convertTimeOffsets copies the time namespace clock offsets.
func convertTimeOffsets(in map[string]specs.LinuxTimeOffset) map[string]configs.TimeOffset {
	if in == nil {
		return nil
	}
	out := make(map[string]configs.TimeOffset, len(in))
	for clock, o := range in {
		out[clock] = configs.TimeOffset{Secs: o.Secs, Nanos: o.Nanosecs}
	}
	return out
}
