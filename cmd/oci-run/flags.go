package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
)

// newFlags makes a subcommand's flag set that reports errors to the caller.
func newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// parseArgs parses flags (which may also follow the positional arguments,
// as runc's CLI allows) and checks the number of positional arguments.
func parseArgs(fs *flag.FlagSet, args []string, min, max int, usage string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, fmt.Errorf("usage: oci-run %s %s", fs.Name(), usage)
			}
			return nil, fmt.Errorf("%s: %w", fs.Name(), err)
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		if rest[0] == "--" {
			pos = append(pos, rest[1:]...)
			break
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
	if len(pos) < min || (max >= 0 && len(pos) > max) {
		return nil, fmt.Errorf("%s: wrong number of arguments; usage: oci-run %s %s", fs.Name(), fs.Name(), usage)
	}
	return pos, nil
}
