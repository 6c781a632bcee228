package fscommon

import "strings"

// HugePageSizes lists the page sizes ("2MB", "1GB") for which the cgroup
// has a file hugetlb.<size>.<suffix> (v1: "usage_in_bytes", v2: "current").
func (d Dir) HugePageSizes(suffix string) ([]string, error) {
	f, err := d.OpenDir()
	if err != nil {
		return nil, err
	}
	names, err := f.Readdirnames(-1)
	f.Close()
	if err != nil {
		return nil, err
	}
	var sizes []string
	for _, n := range names {
		size, ok := strings.CutPrefix(n, "hugetlb.")
		if !ok {
			continue
		}
		if size, ok = strings.CutSuffix(size, "."+suffix); ok && !strings.Contains(size, ".") {
			sizes = append(sizes, size)
		}
	}
	return sizes, nil
}
