// Package libcontainer creates and manages Linux containers from a
// configs.Config: namespaces, cgroups, root filesystem, and the container's
// processes. It is the library behind the oci-run CLI and the containerd
// shim, usable in-process by any long-lived Go program.
//
// A binary that uses this package must let the library run the container's
// init by calling Init early in main when it is re-executed for that:
//
//	func init() {
//		if libcontainer.IsInit() {
//			runtime.LockOSThread() // stay on the main thread
//		}
//	}
//
//	func main() {
//		if libcontainer.IsInit() {
//			libcontainer.Init() // never returns
//		}
//		...
//	}
//
// The usual flow is New (reserve an id), Create (the init is set up and
// waits), Start (the user's process runs), then Signal, State and Destroy.
// Load rebuilds a Container from its state directory in a later process.
//
// The library never logs globally and never calls os.Exit outside Init; it
// logs through the *slog.Logger in Options (discarded by default).
package libcontainer
