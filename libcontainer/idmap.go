package libcontainer

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"

	"github.com/oci-run/oci-run/libcontainer/configs"
)

// writeIDMaps writes the container's uid and gid maps for pid (the C stage
// asked after unshare(CLONE_NEWUSER)). Root writes them directly; an
// unprivileged caller maps only its own ids itself (after denying
// setgroups, as the kernel requires) and uses the setuid helpers
// newuidmap/newgidmap (Debian's uidmap, with /etc/subuid and /etc/subgid)
// for anything more.
func writeIDMaps(pid int, cfg *configs.Config) error {
	if os.Geteuid() != 0 {
		if needsIDMapHelper(cfg) {
			if err := runIDMapHelper("newuidmap", pid, cfg.UIDMappings); err != nil {
				return err
			}
			return runIDMapHelper("newgidmap", pid, cfg.GIDMappings)
		}
		setgroups := fmt.Sprintf("/proc/%d/setgroups", pid)
		if err := os.WriteFile(setgroups, []byte("deny"), 0); err != nil {
			return fmt.Errorf("write %s: %w", setgroups, err)
		}
	}
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

// needsIDMapHelper reports whether an unprivileged caller needs
// newuidmap/newgidmap: anything beyond one mapping of its own uid and gid.
func needsIDMapHelper(cfg *configs.Config) bool {
	own := func(m []configs.IDMap, id int) bool {
		return len(m) == 1 && m[0].HostID == int64(id) && m[0].Size == 1
	}
	return !own(cfg.UIDMappings, os.Geteuid()) || !own(cfg.GIDMappings, os.Getegid())
}

// idMapHelperArgs is the helper's command line: pid, then triples.
func idMapHelperArgs(pid int, m []configs.IDMap) []string {
	args := []string{strconv.Itoa(pid)}
	for _, e := range m {
		args = append(args, strconv.FormatInt(e.ContainerID, 10), strconv.FormatInt(e.HostID, 10), strconv.FormatInt(e.Size, 10))
	}
	return args
}

func runIDMapHelper(name string, pid int, m []configs.IDMap) error {
	path, err := exec.LookPath(name)
	if err != nil {
		return fmt.Errorf("rootless id mapping needs %s (Debian package uidmap): %w", name, err)
	}
	var out bytes.Buffer
	cmd := exec.Command(path, idMapHelperArgs(pid, m)...)
	cmd.Stdout, cmd.Stderr = &out, &out
	err = startUnblocked(cmd.Start)
	if err == nil {
		err = cmd.Wait()
	}
	if err != nil {
		return fmt.Errorf("%s %s: %w: %s", name, strings.Join(cmd.Args[1:], " "), err, strings.TrimSpace(out.String()))
	}
	return nil
}
