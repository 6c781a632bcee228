package libcontainer

import (
	"fmt"
	"os"
	"sort"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/oci-run/oci-run/libcontainer/configs"
	"github.com/oci-run/oci-run/nsenter"
)

// bootstrapFor builds the C stage's instructions. fast reports that the C
// stage has nothing to do: no namespace is joined by path and no time
// namespace is made, so Go's own clone(2) creates the namespaces in one
// step (and writes the id maps) with no extra fork.
func bootstrapFor(cfg *configs.Config) (b *nsenter.Bootstrap, fast bool) {
	b = &nsenter.Bootstrap{}
	for _, t := range configs.AllNamespaceTypes {
		ns, ok := cfg.Namespaces.Get(t)
		if ok && ns.Path != "" {
			b.Joins = append(b.Joins, nsenter.Join{Type: t.CloneFlag(), Path: ns.Path})
		}
	}
	flags := cfg.Namespaces.CloneFlags() &^ unix.CLONE_NEWCGROUP
	// Go's clone writes id maps itself, which an unprivileged caller can
	// do only for its own ids; anything more goes through the C stage and
	// newuidmap/newgidmap.
	helperMaps := flags&unix.CLONE_NEWUSER != 0 && os.Geteuid() != 0 && needsIDMapHelper(cfg)
	if len(b.Joins) == 0 && flags&unix.CLONE_NEWTIME == 0 && !helperMaps {
		return b, true
	}
	b.CloneFlags = flags
	if flags&unix.CLONE_NEWTIME != 0 && len(cfg.TimeOffsets) > 0 {
		b.TimeOffsets = formatTimeOffsets(cfg.TimeOffsets)
	}
	return b, false
}

func formatTimeOffsets(m map[string]configs.TimeOffset) string {
	clocks := make([]string, 0, len(m))
	for k := range m {
		clocks = append(clocks, k)
	}
	sort.Strings(clocks)
	var sb strings.Builder
	for _, k := range clocks {
		fmt.Fprintf(&sb, "%s %d %d\n", k, m[k].Secs, m[k].Nanos)
	}
	return sb.String()
}
