package rootfs

import (
	"github.com/oci-run/oci-run/libcontainer/configs"
)

// idmapTree makes the detached mount tree idmapped with m's mappings.
func idmapTree(tree int, m *configs.Mount) error {
	return ErrIDMapUnsupported
}
