package clients

import (
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// removeNewParentCgroups makes the client's own parent cgroups (containerd's
// namespace, docker, libpod_parent) go away after the test when the test
// created them: the containers in them are gone by then, only the empty
// parents would stay.
func removeNewParentCgroups(t *testing.T, names ...string) {
	existed := map[string]bool{}
	for _, n := range names {
		m, _ := filepath.Glob(filepath.Join("/sys/fs/cgroup", "*", n))
		for _, d := range m {
			existed[d] = true
		}
	}
	t.Cleanup(func() {
		for _, n := range names {
			m, _ := filepath.Glob(filepath.Join("/sys/fs/cgroup", "*", n))
			for _, d := range m {
				if existed[d] {
					continue
				}
				// Children first (libpod_parent/conmon), deepest first.
				var dirs []string
				filepath.Walk(d, func(p string, fi os.FileInfo, err error) error {
					if err == nil && fi.IsDir() {
						dirs = append(dirs, p)
					}
					return nil
				})
				sort.Slice(dirs, func(i, j int) bool { return len(dirs[i]) > len(dirs[j]) })
				for _, x := range dirs {
					os.Remove(x)
				}
			}
		}
	})
}
