package v2

import (
	"slices"
	"strings"

	"github.com/oci-run/oci-run/cgroups/fscommon"
	"github.com/oci-run/oci-run/libcontainer/configs"
)

// defaultControllers are enabled for every container when the parent
// offers them (for limits set later by update, and for stats). Others
// (hugetlb, rdma, misc) are enabled only when the resources use them, so a
// container without such limits leaves the parents' subtree_control alone.
var defaultControllers = []string{"cpu", "cpuset", "io", "memory", "pids"}

// wantedControllers lists the controllers the resources need.
func wantedControllers(r *configs.Resources) []string {
	want := slices.Clone(defaultControllers)
	if r == nil {
		return want
	}
	if len(r.HugetlbLimit) > 0 {
		want = append(want, "hugetlb")
	}
	if len(r.Rdma) > 0 {
		want = append(want, "rdma")
	}
	for k := range r.Unified {
		if c, _, ok := strings.Cut(k, "."); ok && c != "cgroup" && !slices.Contains(want, c) {
			want = append(want, c)
		}
	}
	return want
}

// enableControllers enables each wanted controller, where available, from
// the mount's root down to the cgroup's parent. Failures are logged, not
// returned: Set reports a missing controller file with the setting that
// needs it.
func (m *Manager) enableControllers(want []string) {
	var chain []fscommon.Dir // parent first, mount root last
	for cur := m.dir; ; {
		p, ok := cur.Parent()
		if !ok {
			break
		}
		chain = append(chain, p)
		cur = p
	}
	for i := len(chain) - 1; i >= 0; i-- {
		d := chain[i]
		avail, err := d.ReadTrim("cgroup.controllers")
		if err != nil {
			m.log.Debug("cannot read controllers", "dir", d.Path(), "err", err)
			return
		}
		enabled, _ := d.ReadTrim("cgroup.subtree_control")
		have := strings.Fields(strings.ReplaceAll(enabled, "+", ""))
		for _, c := range want {
			if !slices.Contains(strings.Fields(avail), c) || slices.Contains(have, c) {
				continue
			}
			if err := d.Write("cgroup.subtree_control", "+"+c); err != nil {
				m.log.Debug("cannot enable controller", "controller", c, "err", err)
			}
		}
	}
}
