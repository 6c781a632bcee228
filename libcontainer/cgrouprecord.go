package libcontainer

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// cgroupRecordFile records a container's cgroup paths before the cgroup
// is created; state.json has them too once creation has finished.
const cgroupRecordFile = "cgroup.json"

// writeCgroupRecord writes paths to <dir>/cgroup.json, as json.Marshal
// would encode them, with the state encoder's map function (encoding/json
// would build its map encoder by reflection first, in every create).
func writeCgroupRecord(dir string, paths map[string]string) error {
	b := appendMapStringString(nil, paths)
	tmp := filepath.Join(dir, "."+cgroupRecordFile)
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return fmt.Errorf("record cgroup paths: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, cgroupRecordFile)); err != nil {
		return fmt.Errorf("record cgroup paths: %w", err)
	}
	return nil
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
