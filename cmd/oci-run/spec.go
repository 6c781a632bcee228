package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/oci-run/oci-run/specconv"
)

func cmdSpec(g *global, args []string) error {
	var bundle string
	var rootless bool
	fs := newFlags("spec")
	fs.StringVar(&bundle, "bundle", "", "directory to write config.json in (default: current)")
	fs.StringVar(&bundle, "b", "", "directory to write config.json in (short)")
	fs.BoolVar(&rootless, "rootless", false, "a spec for a rootless container")
	if _, err := parseArgs(fs, args, 0, 0, "[--bundle DIR] [--rootless]"); err != nil {
		return err
	}
	spec := specconv.Example()
	if rootless {
		specconv.ToRootless(spec)
	}
	path := filepath.Join(bundle, "config.json")
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("spec: %s exists; remove it first", path)
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("spec: %w", err)
	}
	b, err := json.MarshalIndent(spec, "", "\t")
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o666); err != nil {
		return fmt.Errorf("spec: %w", err)
	}
	return nil
}

func cmdFeatures(g *global, args []string) error {
	if _, err := parseArgs(newFlags("features"), args, 0, 0, ""); err != nil {
		return err
	}
	b, err := json.MarshalIndent(specconv.Features(), "", "    ")
	if err != nil {
		return err
	}
	fmt.Println(string(b))
	return nil
}
