// Command cmd writes libcontainer/stateenc_gen.go, the reflection-free JSON
// encoder of libcontainer.State.
//
// Run it with go generate in package libcontainer, or from the repository
// root:
//
//	go run -tags stategen ./libcontainer/internal/stategen/cmd
//
// The stategen tag leaves the generated file out of libcontainer (which
// then encodes with encoding/json), so that a stale file that no longer
// compiles does not stop its regeneration. -o names the output file; by
// default it is stateenc_gen.go in the libcontainer directory (the current
// directory under go generate).
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"

	"github.com/oci-run/oci-run/libcontainer"
	"github.com/oci-run/oci-run/libcontainer/internal/stategen"
)

func main() {
	out := flag.String("o", "", "output file (default: libcontainer's stateenc_gen.go)")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// run writes the generated encoder to out, or to the default file.
func run(out string) error {
	if out == "" {
		out = filepath.Join("libcontainer", "stateenc_gen.go")
		if os.Getenv("GOPACKAGE") == "libcontainer" {
			out = "stateenc_gen.go"
		}
	}
	src, err := stategen.Generate(reflect.TypeFor[libcontainer.State](), "")
	if err != nil {
		return err
	}
	if err := os.WriteFile(out, src, 0o644); err != nil {
		return fmt.Errorf("stategen: %w", err)
	}
	return nil
}
