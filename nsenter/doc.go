// Package nsenter is the part of a container's init that runs before the Go
// runtime starts. Its C constructor (nsexec.c) reads a bootstrap frame from
// the sync socket, joins namespaces by path (setns), creates new ones
// (unshare), asks the parent to write uid/gid maps, writes time namespace
// offsets and forks once when a new or joined PID or time namespace needs
// it, all while the process is still single-threaded. It then reports the
// pid of the process that continues into Go. Importing this package (as
// libcontainer does) installs the constructor; it does nothing unless
// EnvInit is set.
package nsenter
