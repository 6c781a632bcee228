// Package fastpath serves `oci-run start`, `state`, `kill` and `delete`
// without starting the Go runtime, in the common case.
//
// Its C half (fastpath.c) is a constructor that runs before the Go runtime,
// like the nsenter stage: when the command line holds only flags it knows
// and the container's summary says the command needs nothing that only Go
// does (hooks, the systemd driver, a busy cgroup, a container in the wrong
// state), it does the command and exits. Otherwise it returns and the Go
// CLI does the whole command, so every error keeps its Go wording. A
// `start` that has opened the exec fifo cannot be redone; its outcome is
// handed to Go (Taken), which reports it as the Go path would.
//
// The Go half writes the summary (Summary, Write) when a container is
// created: the init's pid and start time, the freezer file, the cgroup
// directories and the `state` output around its pid and status.
//
// A second constructor (sigblock.c) blocks the signals a foreground `run`
// or `exec` forwards, before the Go runtime starts; BlockedSignals tells
// the CLI to read them from a signalfd instead of registering them with
// os/signal, which costs ~60 thread handoffs.
//
// Importing the package installs the constructors; only the oci-run
// command imports it. OCIRUN_NO_FAST=1 turns it off.
package fastpath
