package libcontainer

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"

	"github.com/oci-run/oci-run/internal/jsonenc"
)

// cgroupRecordFile records a container's cgroup paths before the cgroup
// is created; state.json has them too once creation has finished.
const cgroupRecordFile = "cgroup.json"

// writeCgroupRecord writes paths to <dir>/cgroup.json, as json.Marshal
// would encode them (encodePaths: encoding/json would build its map
// encoder by reflection first, in every create).
func writeCgroupRecord(dir string, paths map[string]string) error {
	b := encodePaths(paths)
	tmp := filepath.Join(dir, "."+cgroupRecordFile)
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return fmt.Errorf("record cgroup paths: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, cgroupRecordFile)); err != nil {
		return fmt.Errorf("record cgroup paths: %w", err)
	}
	return nil
}

// encodePaths encodes paths as json.Marshal does: keys sorted, strings
// escaped by internal/jsonenc, null for a nil map.
func encodePaths(paths map[string]string) []byte {
	if paths == nil {
		return []byte("null")
	}
	b := append(make([]byte, 0, 64*len(paths)+2), '{')
	for i, k := range slices.Sorted(maps.Keys(paths)) {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsonenc.AppendString(b, k)
		b = append(b, ':')
		b = jsonenc.AppendString(b, paths[k])
	}
	return append(b, '}')
}

func readCgroupRecord(dir string) (map[string]string, error) {
	b, err := os.ReadFile(filepath.Join(dir, cgroupRecordFile))
	if err != nil {
		return nil, err
	}
	var paths map[string]string
	if err := json.Unmarshal(b, &paths); err != nil {
		return nil, err
	}
	return paths, nil
}
