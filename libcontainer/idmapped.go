package libcontainer

import (
	"os"

	"github.com/oci-run/oci-run/libcontainer/configs"
	"github.com/oci-run/oci-run/libcontainer/rootfs"
)

// idmappedTree is an idmapped mount source made on the host side for the
// mount at index in Config.Mounts. Inside a user namespace the init could
// not make it: the mappings name host ids it cannot see.
type idmappedTree struct {
	index int
	file  *os.File
}

func makeIDMappedTrees(cfg *configs.Config) ([]idmappedTree, error) {
	var trees []idmappedTree
	for i, m := range cfg.Mounts {
		if !m.IsBind() || (len(m.UIDMappings) == 0 && len(m.GIDMappings) == 0) {
			continue
		}
		f, err := rootfs.IDMappedTree(m)
		if err != nil {
			closeTrees(trees)
			return nil, err
		}
		trees = append(trees, idmappedTree{index: i, file: f})
	}
	return trees, nil
}

func closeTrees(trees []idmappedTree) {
	for _, t := range trees {
		t.file.Close()
	}
}
