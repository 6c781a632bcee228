/*
 * sigblock.c: the signals a foreground `oci-run run` or `oci-run exec`
 * forwards to its container, blocked before the Go runtime starts.
 *
 * Go's os/signal registers a signal by a round trip with a goroutine locked
 * to its own thread, so signal.Notify for every signal costs ~60 thread
 * handoffs: ~3 ms of CPU and 1-2 ms of a `run` on a 2-CPU machine. Blocked
 * here instead, most signals stay blocked in every thread the Go runtime
 * makes (its threads start with the mask the process started with), they
 * wait as pending signals of the process, and the CLI reads them from a
 * signalfd (cmd/oci-run/signals.go) once the container runs. A signal that
 * arrives while the container is being created is forwarded when it
 * starts, instead of killing the CLI half way.
 *
 * Children inherit a blocked mask, so the init empties its mask first
 * thing (nsenter/nsexec.c) and libcontainer starts hooks and helpers with
 * an empty mask (libcontainer/sigmask.go).
 *
 * Blocked: what Go would deliver to signal.Notify, except
 *  - SIGHUP, SIGINT, SIGQUIT, SIGABRT and SIGTERM: the Go runtime unblocks
 *    them in each of its threads (they kill or crash a Go program that
 *    does not catch them), so the CLI registers these five with os/signal;
 *  - SIGCHLD, SIGURG (Go's preemption) and SIGPROF, which the forwarder
 *    ignores anyway.
 * Never blocked: SIGKILL and SIGSTOP (they cannot be), the synchronous
 * fault signals, and 32-34 (glibc's and Go's own).
 *
 * Only when the command line is plainly a foreground run or exec: any
 * global flag only Go knows, or anything that may be a detach flag, and
 * nothing is blocked; Go then registers with os/signal as before.
 * OCIRUN_NO_FAST=1 turns this off too.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fastpath.h"

uint64_t ocirun_blocked_signals;

/* forwarded reports whether sig is one to block for the forwarder. */
static bool forwarded(int sig)
{
	switch (sig) {
	case SIGUSR1: case SIGUSR2: case SIGPIPE: case SIGALRM: case SIGCONT:
	case SIGTSTP: case SIGTTIN: case SIGTTOU: case SIGXCPU: case SIGXFSZ:
	case SIGVTALRM: case SIGWINCH: case SIGIO: case SIGPWR:
		return true;
	}
	return sig >= 35 && sig <= 64;
}

/* maybe_detach reports whether arg could be a -d/--detach flag (with or
 * without a value) as Go's flag package reads one. */
static bool maybe_detach(const char *arg)
{
	const char *name;
	size_t n;

	if (arg[0] != '-')
		return false;
	name = arg[1] == '-' ? arg + 2 : arg + 1;
	n = strcspn(name, "=");
	return (n == 1 && name[0] == 'd') || (n == 6 && strncmp(name, "detach", 6) == 0);
}

static void ocirun_sigblock(int argc, char **argv)
{
	const char *off = getenv("OCIRUN_NO_FAST"), *cmd;
	uint64_t bits = 0;
	sigset_t set;
	int next, sig;

	if ((off != NULL && off[0] != '\0' && strcmp(off, "0") != 0) || getenv("_OCIRUN_INIT") != NULL)
		return;
	if (!ocirun_fast_command(argc, argv, &cmd, &next))
		return;
	if (strcmp(cmd, "run") != 0 && strcmp(cmd, "exec") != 0)
		return;
	for (int i = next; i < argc; i++) {
		if (maybe_detach(argv[i]))
			return;
	}
	sigemptyset(&set);
	for (sig = 1; sig <= 64; sig++) {
		if (forwarded(sig)) {
			sigaddset(&set, sig);
			bits |= (uint64_t)1 << (sig - 1);
		}
	}
	if (sigprocmask(SIG_BLOCK, &set, NULL) == 0)
		ocirun_blocked_signals = bits;
}

__attribute__((constructor)) static void ocirun_sigblock_ctor(int argc, char **argv)
{
	ocirun_sigblock(argc, argv);
}
