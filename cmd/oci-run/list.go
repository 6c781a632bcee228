package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"text/tabwriter"
	"time"

	"github.com/oci-run/oci-run/libcontainer"
)

func cmdList(g *global, args []string) error {
	var format string
	var quiet bool
	fs := newFlags("list")
	fs.StringVar(&format, "format", "table", "table or json")
	fs.StringVar(&format, "f", "table", "table or json (short)")
	fs.BoolVar(&quiet, "quiet", false, "print only ids")
	fs.BoolVar(&quiet, "q", false, "print only ids (short)")
	if _, err := parseArgs(fs, args, 0, 0, "[--format table|json] [--quiet]"); err != nil {
		return err
	}
	if format != "table" && format != "json" {
		return fmt.Errorf("list: --format %q: must be table or json", format)
	}
	entries, err := os.ReadDir(g.root)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("list %s: %w", g.root, err)
	}
	var states []*stateJSON
	for _, e := range entries {
		if !e.IsDir() || libcontainer.ValidateID(e.Name()) != nil {
			continue
		}
		c, err := libcontainer.Load(g.root, e.Name(), g.options())
		if err != nil {
			continue // removed meanwhile
		}
		st, err := describe(c)
		if err != nil {
			continue
		}
		states = append(states, st)
	}
	sort.Slice(states, func(i, j int) bool { return states[i].ID < states[j].ID })
	switch {
	case quiet:
		for _, s := range states {
			fmt.Println(s.ID)
		}
	case format == "json":
		if states == nil {
			states = []*stateJSON{}
		}
		return json.NewEncoder(os.Stdout).Encode(states)
	default:
		w := tabwriter.NewWriter(os.Stdout, 12, 1, 3, ' ', 0)
		fmt.Fprint(w, "ID\tPID\tSTATUS\tBUNDLE\tCREATED\tOWNER\n")
		for _, s := range states {
			fmt.Fprintf(w, "%s\t%d\t%s\t%s\t%s\t%s\n", s.ID, s.Pid, s.Status, s.Bundle,
				s.Created.Format(time.RFC3339Nano), s.Owner)
		}
		return w.Flush()
	}
	return nil
}
