package libcontainer

import (
	"fmt"
	"os"
	"strings"

	"github.com/oci-run/oci-run/libcontainer/configs"
)

// writeIDMaps writes the container's uid and gid maps for pid (the C stage
// asked after unshare(CLONE_NEWUSER)).
func writeIDMaps(pid int, cfg *configs.Config) error {
	if err := writeIDMap(fmt.Sprintf("/proc/%d/uid_map", pid), cfg.UIDMappings); err != nil {
		return err
	}
	return writeIDMap(fmt.Sprintf("/proc/%d/gid_map", pid), cfg.GIDMappings)
}

func writeIDMap(path string, m []configs.IDMap) error {
	var sb strings.Builder
	for _, e := range m {
		fmt.Fprintf(&sb, "%d %d %d\n", e.ContainerID, e.HostID, e.Size)
	}
	if err := os.WriteFile(path, []byte(sb.String()), 0); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
