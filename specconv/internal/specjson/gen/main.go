// Command gen writes specconv/internal/specjson/decode_gen.go, the
// reflection-free decode functions of specs.Spec, from the runtime-spec
// types of the module's go.mod.
//
// Run it with go generate in package specjson, or from the repository root:
//
//	go run ./specconv/internal/specjson/gen
//
// -o names the output file; by default it is decode_gen.go in the
// specjson package directory (the current directory under go generate).
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/oci-run/oci-run/specconv/internal/specjson/internal/gen"
)

func main() {
	out := flag.String("o", "", "output file (default: the specjson package's decode_gen.go)")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(out string) error {
	if out == "" {
		dir, err := packageDir()
		if err != nil {
			return err
		}
		out = filepath.Join(dir, "decode_gen.go")
	}
	src, _, err := gen.Spec()
	if err != nil {
		return err
	}
	return os.WriteFile(out, src, 0o644)
}

// packageDir finds package specjson's directory: the current one under go
// generate (which sets GOPACKAGE), else specconv/internal/specjson below
// the current directory, the repository root.
func packageDir() (string, error) {
	if os.Getenv("GOPACKAGE") == "specjson" {
		return ".", nil
	}
	dir := filepath.Join("specconv", "internal", "specjson")
	if _, err := os.Stat(filepath.Join(dir, "decode.go")); err != nil {
		return "", fmt.Errorf("gen: run me from the repository root or in package specjson, or give -o: %v", err)
	}
	return dir, nil
}
