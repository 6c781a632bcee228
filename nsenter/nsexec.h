/*
 * nsexec.h: what nsexec.c (the constructor), nsparse.c (the parser) and
 * the cgo test hook in parsehook.go share. The frame and attribute numbers mirror
 * frame.go and bootstrap.go; docs/sync-protocol.md is the reference.
 */
#ifndef OCIRUN_NSEXEC_H
#define OCIRUN_NSEXEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Older C libraries may lack the newest flags (values are kernel ABI). */
#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* Frame types (frame.go). */
#define OCIRUN_MSG_BOOTSTRAP   1u
#define OCIRUN_MSG_USERMAP_REQ 2u
#define OCIRUN_MSG_USERMAP_ACK 3u
#define OCIRUN_MSG_CHILD_PID   4u
#define OCIRUN_MSG_ERROR       5u

/* Largest bootstrap payload the C stage accepts (frame.go MaxBootstrap). */
#define OCIRUN_MAX_BOOTSTRAP (1u << 20)

/* Bootstrap attribute types (bootstrap.go). */
#define OCIRUN_ATTR_CLONEFLAGS     1u
#define OCIRUN_ATTR_NSPATH         2u
#define OCIRUN_ATTR_TIMENS_OFFSETS 3u
#define OCIRUN_ATTR_EXEC           4u

/* Frame carrying the exec spec to the C exec stage (frame.go). */
#define OCIRUN_MSG_EXEC_SPEC 6u
/* Go-side frame types the C exec stage speaks too (libcontainer sync.go). */
#define OCIRUN_MSG_SECCOMP_FD   22u
#define OCIRUN_MSG_SECCOMP_DONE 23u
/* Largest exec spec the C exec stage accepts (frame.go MaxExecSpec). */
#define OCIRUN_MAX_EXEC_SPEC (8u << 20)

/* One join per namespace type, and there are eight types. */
#define OCIRUN_MAX_JOINS 8
/* Longest TIMENS_OFFSETS value (the kernel takes two short lines). */
#define OCIRUN_MAX_TIMENS_OFFSETS 1024

/* A namespace to join. path points into the parsed buffer and is not
 * NUL-terminated; path_len is in [1, PATH_MAX-1]. */
struct ocirun_join {
	uint32_t nstype;
	uint32_t path_len;
	const char *path;
};

/* A parsed bootstrap. Pointers point into the buffer that was parsed. */
struct ocirun_bootstrap {
	uint32_t cloneflags;
	uint32_t njoins;
	struct ocirun_join joins[OCIRUN_MAX_JOINS];
	const char *timens_offsets; /* NULL when absent; not NUL-terminated */
	uint32_t timens_offsets_len;
	/* exec: the process is set up and exec'd by the C exec stage
	 * (execfinish.c) from a MsgExecSpec frame; Go never starts. */
	bool exec;
};

/*
 * Parse and validate a bootstrap payload (the frame body, without the
 * 8-byte frame header). Returns 0 on success; on failure returns -1 and
 * writes a NUL-terminated reason into err (errlen bytes). Never reads
 * outside buf[0:len], never allocates.
 */
int ocirun_parse_bootstrap(const uint8_t *buf, size_t len,
			   struct ocirun_bootstrap *out, char *err,
			   size_t errlen);

/* The /proc/PID/ns name of one CLONE_NEW* flag ("net"), or NULL. */
const char *ocirun_ns_name(uint32_t flag);

/* Write "mnt|uts|net" naming the namespaces in flags into buf. */
void ocirun_ns_names(uint32_t flags, char *buf, size_t len);

/* Shared by nsexec.c and execfinish.c: whole-frame socket I/O, and the
 * error path (send MsgError "<prefix><message>[: strerror]" and _exit(1)). */
int ocirun_read_full(int fd, void *buf, size_t len);
int ocirun_send_frame(int fd, uint32_t type, const void *payload, uint32_t len);
void ocirun_fail(int syncfd, int errnum, const char *prefix, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 4, 5)));

/* The C exec stage: reads MsgExecSpec from syncfd, applies it and execs
 * the process. Never returns. */
void ocirun_exec_finish(int syncfd) __attribute__((noreturn));

/* The C container init (initfinish.c). ocirun_init_prepare carries out
 * the init plan in buf (the whole MsgExecSpec payload): root filesystem,
 * pivot_root, hostname, sysctls, masks, keyring. ocirun_init_await_start
 * reports ready and blocks until the container is started; it returns the
 * exec fifo's write end, or -1 when started by frame. Both fail by
 * reporting to the parent and exiting. */
void ocirun_init_prepare(int syncfd, const uint8_t *buf, uint32_t len);
int ocirun_init_await_start(void);

static inline uint32_t ocirun_get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline void ocirun_put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static inline uint64_t ocirun_get_le64(const uint8_t *p)
{
	return (uint64_t)ocirun_get_le32(p) | (uint64_t)ocirun_get_le32(p + 4) << 32;
}

#endif /* OCIRUN_NSEXEC_H */
