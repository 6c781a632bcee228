package fscommon

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestHugePageSizes(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"hugetlb.2MB.current", "hugetlb.1GB.current", "hugetlb.2MB.rsvd.current",
		"hugetlb.2MB.max", "memory.current"} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte("0\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sizes, err := Dir{Mount: dir}.HugePageSizes("current")
	slices.Sort(sizes)
	if err != nil || !slices.Equal(sizes, []string{"1GB", "2MB"}) {
		t.Errorf("HugePageSizes = %v, %v; want [1GB 2MB]", sizes, err)
	}
}
