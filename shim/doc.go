// Package shim is oci-run's containerd runtime v2 shim
// (containerd-shim-ocirun-v2): the "start" and "delete" actions containerd
// runs, and the long-running daemon that serves containerd's task API
// (containerd.task.v2.Task) over ttrpc on a unix socket and drives
// containers in-process through libcontainer.
//
// The daemon is a child subreaper. It keeps its containers, and keeps
// serving, when containerd exits or restarts; containerd finds it again
// through the "address" file in the bundle. Events (task create, start,
// exit, exec added/started, paused, resumed, delete, OOM) are published
// through containerd's publish binary. See docs/shim.md.
//
// The package holds no package-level mutable state: everything lives in a
// Daemon or a Service value created by Main.
package shim
