// Command containerd-shim-ocirun-v2 is oci-run's containerd runtime v2
// shim (runtime name io.containerd.ocirun.v2). It wires package shim to
// the library; see docs/shim.md.
package main

import (
	"os"
	"runtime"

	"github.com/oci-run/oci-run/libcontainer"
	"github.com/oci-run/oci-run/shim"
)

// init keeps a container init on the main thread (see libcontainer's
// package documentation).
func init() {
	if libcontainer.IsInit() {
		runtime.LockOSThread()
	}
}

func main() {
	if libcontainer.IsInit() {
		libcontainer.Init() // never returns
	}
	os.Exit(shim.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
