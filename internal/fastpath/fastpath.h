/* fastpath.h: what the fast path (fastpath.c) leaves for Go. */
#ifndef OCIRUN_FASTPATH_H
#define OCIRUN_FASTPATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Outcome kinds of a fast `start` that Go has to report. */
enum {
	OCIRUN_FAST_NONE = 0,      /* the fast path did not run the command */
	OCIRUN_FAST_OPEN_FIFO,     /* opening the exec fifo failed (err) */
	OCIRUN_FAST_READ_FIFO,     /* reading it failed (err) */
	OCIRUN_FAST_EXITED,        /* the init exited before starting the process */
	OCIRUN_FAST_INIT_ERROR,    /* the init reported an error (msg) */
	OCIRUN_FAST_REMOVE_FIFO,   /* removing the fifo after the start failed (err) */
	OCIRUN_FAST_WRITE_STDOUT,  /* `state` could not write its output (err) */
};

struct ocirun_fast_outcome {
	int kind;
	int err;           /* errno */
	char path[4200];   /* the exec fifo */
	size_t len;
	char msg[65536];   /* what the init wrote on the fifo */
};

extern struct ocirun_fast_outcome ocirun_fast_outcome;

/* ocirun_fast_command finds the command after the global flags: its name
 * in *cmd and the index of its first argument in *next. False when a global
 * flag is one only Go knows. */
bool ocirun_fast_command(int argc, char **argv, const char **cmd, int *next);

/* The signals sigblock.c blocked before the Go runtime started, bit n-1 for
 * signal n; 0 when it blocked none. */
extern uint64_t ocirun_blocked_signals;

/* For tests: what parse_summary understood. */
struct ocirun_fast_summary_view {
	long pid;
	unsigned long long start_time;
	int fast_start, fast_delete, freezer_v, ncgroups;
	size_t prefix_len, suffix_len;
};

int ocirun_fast_summary_hook(char *buf, size_t len, struct ocirun_fast_summary_view *r);

#endif
