// Command cmd writes libcontainer/configdec_gen.go, the reflection-free
// decode functions of configs.Config, the config recorded in state.json.
//
// Run it with go generate in package libcontainer, or from the repository
// root:
//
//	go run ./libcontainer/internal/configgen/cmd
//
// It imports libcontainer/configs only, not libcontainer, so a stale
// generated file that no longer compiles does not stop its regeneration.
// -o names the output file; by default it is configdec_gen.go in the
// libcontainer directory (the current directory under go generate).
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/oci-run/oci-run/libcontainer/internal/configgen"
)

func main() {
	out := flag.String("o", "", "output file (default: libcontainer's configdec_gen.go)")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// run writes the generated decoder to out, or to the default file.
func run(out string) error {
	if out == "" {
		out = filepath.Join("libcontainer", "configdec_gen.go")
		if os.Getenv("GOPACKAGE") == "libcontainer" {
			out = "configdec_gen.go"
		}
	}
	src, _, err := configgen.Config()
	if err != nil {
		return err
	}
	if err := os.WriteFile(out, src, 0o644); err != nil {
		return fmt.Errorf("configgen: %w", err)
	}
	return nil
}
