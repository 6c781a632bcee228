package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"

	"github.com/oci-run/oci-run/libcontainer"
)

const psUsage = "[--format table|json] ID [-- PS-ARGS...]"

// cmdPs lists a container's processes: as a JSON array of host pids, or
// as the host ps(1)'s output (default args -ef) cut down to the
// container's processes.
//
// As with runc, arguments after the id belong to ps ("oci-run ps ID -ef"
// or "oci-run ps ID -- -ef"); only --format (long form) is still read as
// this command's flag there.
func cmdPs(g *global, args []string) error {
	format := "table"
	fs := newFlags("ps")
	fs.StringVar(&format, "format", "table", "table or json")
	fs.StringVar(&format, "f", "table", "table or json (short)")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("ps: %w; usage: oci-run ps %s", err, psUsage)
	}
	rest := fs.Args()
	if len(rest) > 0 && rest[0] == "--" {
		rest = rest[1:]
	}
	if len(rest) == 0 {
		return fmt.Errorf("ps: wrong number of arguments; usage: oci-run ps %s", psUsage)
	}
	id, psArgs := rest[0], rest[1:]
	for len(psArgs) > 0 {
		a := psArgs[0]
		if v, ok := strings.CutPrefix(a, "--format="); ok {
			format, psArgs = v, psArgs[1:]
			continue
		}
		if a == "--format" && len(psArgs) > 1 {
			format, psArgs = psArgs[1], psArgs[2:]
			continue
		}
		if a == "--" {
			psArgs = psArgs[1:]
		}
		break
	}
	if format != "table" && format != "json" {
		return fmt.Errorf("ps: --format %q: must be table or json", format)
	}
	c, err := libcontainer.Load(g.root, id, g.options())
	if err != nil {
		return err
	}
	pids, err := c.Processes()
	if err != nil {
		return err
	}
	if format == "json" {
		if pids == nil {
			pids = []int{}
		}
		return json.NewEncoder(os.Stdout).Encode(pids)
	}
	if len(psArgs) == 0 {
		psArgs = []string{"-ef"}
	}
	out, err := exec.Command("ps", psArgs...).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) && len(ee.Stderr) > 0 {
			return fmt.Errorf("ps %s: %w: %s", strings.Join(psArgs, " "), err, strings.TrimSpace(string(ee.Stderr)))
		}
		return fmt.Errorf("ps %s: %w", strings.Join(psArgs, " "), err)
	}
	return filterPs(string(out), pids, psArgs)
}

// filterPs prints ps output's header and the rows whose PID column is one
// of pids.
func filterPs(out string, pids []int, psArgs []string) error {
	lines := strings.Split(out, "\n")
	col := slices.Index(strings.Fields(lines[0]), "PID")
	if col < 0 {
		return fmt.Errorf("ps %s: no PID column in its output", strings.Join(psArgs, " "))
	}
	w := bufio.NewWriter(os.Stdout)
	fmt.Fprintln(w, lines[0])
	for _, line := range lines[1:] {
		f := strings.Fields(line)
		if len(f) <= col {
			continue
		}
		pid, err := strconv.Atoi(f[col])
		if err != nil {
			return fmt.Errorf("ps %s: PID column holds %q", strings.Join(psArgs, " "), f[col])
		}
		if slices.Contains(pids, pid) {
			fmt.Fprintln(w, line)
		}
	}
	return w.Flush()
}
