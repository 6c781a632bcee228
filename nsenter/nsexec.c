/*
 * nsexec.c: the C stage of a container's init.
 *
 * The runtime re-execs its own binary as a container init. This file's
 * constructor runs before the Go runtime starts, while the process still
 * has a single thread, which setns(2) into user, mount and time namespaces
 * and unshare(CLONE_NEWUSER) require. It:
 *
 *   1. returns at once unless _OCIRUN_INIT=1 (a normal program start);
 *   2. reads exactly one MsgBootstrap frame from the socket in
 *      _OCIRUN_SYNCFD and validates every byte of it;
 *   3. opens every namespace path, then joins them: the user namespace
 *      first, the mount namespace last, the others in the order given;
 *   4. unshares a new user namespace and has the parent write its
 *      uid/gid maps (MsgUsermapReq / MsgUsermapAck), then becomes root in it;
 *   5. unshares the other requested namespaces and writes time namespace
 *      offsets;
 *   6. forks once when a PID or time namespace was created or joined (they
 *      apply to children only) and reports the pid that continues into Go
 *      (MsgChildPid).
 *
 * Any failure is sent to the parent as MsgError ("nsenter: <step> <what>:
 * <reason>") and the process exits with status 1. The wire format is
 * described in docs/sync-protocol.md, section "C stage"; the bootstrap
 * parser is in nsparse.c.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#include "nsexec.h"

#define ENV_INIT    "_OCIRUN_INIT"
#define ENV_SYNC_FD "_OCIRUN_SYNCFD"

/* Namespaces that only apply to children of the process that enters them. */
#define FORK_NS_FLAGS ((uint32_t)(CLONE_NEWPID | CLONE_NEWTIME))

/* ------------------------------------------------------------------ */
/* Socket I/O: whole frames, EINTR and EAGAIN (a non-blocking fd) safe. */

static int wait_fd(int fd, short events)
{
	struct pollfd p = { .fd = fd, .events = events };

	for (;;) {
		int n = poll(&p, 1, -1);
		if (n >= 0)
			return 0;
		if (errno != EINTR)
			return -1;
	}
}

/* Read exactly len bytes. Returns 0, or -1 with errno set (0 on EOF). */
static int read_full(int fd, void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = read(fd, p, len);
		if (n > 0) {
			p += n;
			len -= (size_t)n;
			continue;
		}
		if (n == 0) {
			errno = 0;
			return -1;
		}
		if (errno == EINTR)
			continue;
		if ((errno == EAGAIN || errno == EWOULDBLOCK) &&
		    wait_fd(fd, POLLIN) == 0)
			continue;
		return -1;
	}
	return 0;
}

/* Write exactly len bytes, without SIGPIPE when the peer is gone. */
static int write_full(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	bool is_socket = true;

	while (len > 0) {
		ssize_t n = is_socket ? send(fd, p, len, MSG_NOSIGNAL)
				      : write(fd, p, len);
		if (n >= 0) {
			p += n;
			len -= (size_t)n;
			continue;
		}
		if (errno == ENOTSOCK && is_socket) {
			is_socket = false;
			continue;
		}
		if (errno == EINTR)
			continue;
		if ((errno == EAGAIN || errno == EWOULDBLOCK) &&
		    wait_fd(fd, POLLOUT) == 0)
			continue;
		return -1;
	}
	return 0;
}

/* Send one small frame (payload <= 1024 bytes) in a single write. */
static int send_frame(int fd, uint32_t type, const void *payload, uint32_t len)
{
	uint8_t buf[8 + 1024];

	if (len > sizeof(buf) - 8)
		len = sizeof(buf) - 8;
	ocirun_put_le32(buf, type);
	ocirun_put_le32(buf + 4, len);
	if (len > 0)
		memcpy(buf + 8, payload, len);
	return write_full(fd, buf, 8 + (size_t)len);
}

static int send_u32(int fd, uint32_t type, uint32_t v)
{
	uint8_t b[4];

	ocirun_put_le32(b, v);
	return send_frame(fd, type, b, sizeof(b));
}

/* ------------------------------------------------------------------ */
/* Errors: report to the parent and exit. */

static void vbail(int syncfd, int errnum, const char *prefix, const char *fmt,
		  va_list ap) __attribute__((noreturn, format(printf, 4, 0)));

static void vbail(int syncfd, int errnum, const char *prefix, const char *fmt,
		  va_list ap)
{
	char msg[1024];
	int n = snprintf(msg, sizeof(msg), "%s", prefix);

	vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	if (errnum != 0) {
		size_t used = strlen(msg);
		snprintf(msg + used, sizeof(msg) - used, ": %s",
			 strerror(errnum));
	}
	if (syncfd < 0 ||
	    send_frame(syncfd, OCIRUN_MSG_ERROR, msg, (uint32_t)strlen(msg)) < 0) {
		/* No parent to tell: leave a trace on stderr instead. */
		size_t used = strlen(msg);
		if (used < sizeof(msg) - 1) {
			msg[used++] = '\n';
			msg[used] = '\0';
		}
		if (write(STDERR_FILENO, msg, used) < 0) {
			/* nothing more we can do */
		}
	}
	_exit(1);
}

/* Fail with a message; no errno. */
static void bail(int syncfd, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 2, 3)));

static void bail(int syncfd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vbail(syncfd, 0, "nsenter: ", fmt, ap);
}

/* Fail with a message followed by ": strerror(errno)". */
static void bail_errno(int syncfd, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 2, 3)));

static void bail_errno(int syncfd, const char *fmt, ...)
{
	int errnum = errno;
	va_list ap;

	va_start(ap, fmt);
	vbail(syncfd, errnum ? errnum : EIO, "nsenter: ", fmt, ap);
}

void ocirun_fail(int syncfd, int errnum, const char *prefix, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vbail(syncfd, errnum, prefix, fmt, ap);
}

/* Non-static entry points for execfinish.c. */
int ocirun_read_full(int fd, void *buf, size_t len)
{
	return read_full(fd, buf, len);
}

int ocirun_send_frame(int fd, uint32_t type, const void *payload, uint32_t len)
{
	return send_frame(fd, type, payload, len);
}

/* ------------------------------------------------------------------ */
/* The steps. */

/* The sync socket from the environment; without one we cannot report. */
static int sync_fd_from_env(void)
{
	const char *s = getenv(ENV_SYNC_FD);
	char *end = NULL;
	long v;

	if (s == NULL || *s == '\0')
		bail(-1, "%s is not set", ENV_SYNC_FD);
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 0 || v > INT_MAX)
		bail(-1, "invalid %s=%s", ENV_SYNC_FD, s);
	if (fcntl((int)v, F_GETFD) < 0)
		bail_errno(-1, "sync fd %ld", v);
	return (int)v;
}

/*
 * Read the bootstrap frame: exactly its header and payload, nothing more,
 * because the Go init reads later frames from the same socket. Returns the
 * payload (malloc'd) and its length.
 */
static uint8_t *read_bootstrap(int syncfd, uint32_t *lenp)
{
	uint8_t hdr[8], *buf;
	uint32_t type, len;

	if (read_full(syncfd, hdr, sizeof(hdr)) < 0) {
		if (errno == 0)
			bail(syncfd, "read bootstrap: unexpected end of stream");
		bail_errno(syncfd, "read bootstrap");
	}
	type = ocirun_get_le32(hdr);
	len = ocirun_get_le32(hdr + 4);
	if (type != OCIRUN_MSG_BOOTSTRAP)
		bail(syncfd, "read bootstrap: got frame type %u, want %u", type,
		     OCIRUN_MSG_BOOTSTRAP);
	if (len > OCIRUN_MAX_BOOTSTRAP)
		bail(syncfd,
		     "read bootstrap: frame of %u bytes exceeds the limit of %u",
		     len, OCIRUN_MAX_BOOTSTRAP);
	buf = malloc(len > 0 ? len : 1);
	if (buf == NULL)
		bail_errno(syncfd, "read bootstrap: allocate %u bytes", len);
	if (len > 0 && read_full(syncfd, buf, len) < 0) {
		if (errno == 0)
			bail(syncfd, "read bootstrap: stream ended inside a %u byte payload",
			     len);
		bail_errno(syncfd, "read bootstrap");
	}
	*lenp = len;
	return buf;
}

/*
 * Our pid as the parent sees it. Normally getpid(). But the parent may have
 * started us in a new pid namespace itself (clone flags of its own, as
 * libcontainer does when the C stage has nothing to do): then getppid() is
 * 0 and getpid() is 1. The parent's namespace is the one just above ours,
 * whose pid is the next-to-last field of "NSpid:" in /proc/self/status.
 */
static pid_t pid_for_parent(int syncfd)
{
	char buf[4096], *p, *end;
	pid_t pids[2] = { 0, 0 };
	ssize_t n;
	size_t used = 0;
	int fd, count = 0;

	if (getppid() != 0)
		return getpid();

	fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		bail_errno(syncfd, "open /proc/self/status");
	while (used < sizeof(buf) - 1) {
		n = read(fd, buf + used, sizeof(buf) - 1 - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			bail_errno(syncfd, "read /proc/self/status");
		if (n == 0)
			break;
		used += (size_t)n;
	}
	close(fd);
	buf[used] = '\0';

	p = strstr(buf, "\nNSpid:");
	if (p == NULL)
		bail(syncfd, "pid as seen by the parent: no NSpid in /proc/self/status");
	p += strlen("\nNSpid:");
	for (;;) {
		long v;

		while (*p == ' ' || *p == '\t')
			p++;
		if (*p < '0' || *p > '9')
			break;
		errno = 0;
		v = strtol(p, &end, 10);
		if (errno != 0 || v <= 0 || v > INT_MAX)
			break;
		pids[0] = pids[1];
		pids[1] = (pid_t)v;
		count++;
		p = end;
	}
	if (count < 2)
		bail(syncfd,
		     "pid as seen by the parent: /proc/self/status shows %d pid namespace level(s)",
		     count);
	return pids[0];
}

/* Copy a join's path into a NUL-terminated buffer of PATH_MAX bytes. */
static void join_path(const struct ocirun_join *j, char *out)
{
	memcpy(out, j->path, j->path_len);
	out[j->path_len] = '\0';
}

/*
 * Join the namespaces in bs. All paths are opened first (a mount namespace
 * joined early would change what the later paths name). The user namespace
 * is joined first, since it grants the capabilities needed for the others
 * when they belong to it; the mount namespace last, since setns into it
 * also changes root and working directory.
 */
static void join_namespaces(int syncfd, const struct ocirun_bootstrap *bs)
{
	int fds[OCIRUN_MAX_JOINS];
	uint32_t order[OCIRUN_MAX_JOINS], n = 0;
	char path[PATH_MAX];

	for (uint32_t i = 0; i < bs->njoins; i++) {
		join_path(&bs->joins[i], path);
		fds[i] = open(path, O_RDONLY | O_CLOEXEC);
		if (fds[i] < 0)
			bail_errno(syncfd, "open %s namespace %s",
				   ocirun_ns_name(bs->joins[i].nstype), path);
	}

	for (uint32_t i = 0; i < bs->njoins; i++)
		if (bs->joins[i].nstype == CLONE_NEWUSER)
			order[n++] = i;
	for (uint32_t i = 0; i < bs->njoins; i++)
		if (bs->joins[i].nstype != CLONE_NEWUSER &&
		    bs->joins[i].nstype != CLONE_NEWNS)
			order[n++] = i;
	for (uint32_t i = 0; i < bs->njoins; i++)
		if (bs->joins[i].nstype == CLONE_NEWNS)
			order[n++] = i;

	for (uint32_t k = 0; k < n; k++) {
		const struct ocirun_join *j = &bs->joins[order[k]];

		if (setns(fds[order[k]], (int)j->nstype) < 0) {
			join_path(j, path);
			bail_errno(syncfd, "setns %s", path);
		}
		close(fds[order[k]]);
	}
}

/* Wait for the parent's answer to MsgUsermapReq. */
static void wait_usermap_ack(int syncfd)
{
	uint8_t hdr[8];
	uint32_t type, len;

	if (read_full(syncfd, hdr, sizeof(hdr)) < 0)
		_exit(1); /* parent gone or broken: nobody to tell */
	type = ocirun_get_le32(hdr);
	len = ocirun_get_le32(hdr + 4);
	if (type == OCIRUN_MSG_ERROR)
		_exit(1); /* the parent gave up and knows why */
	if (type != OCIRUN_MSG_USERMAP_ACK || len != 0)
		bail(syncfd,
		     "usermap: got frame type %u of %u bytes, want an empty type %u",
		     type, len, OCIRUN_MSG_USERMAP_ACK);
}

/*
 * Create a user namespace and become root in it. We cannot write our own
 * maps with the right privileges, so the parent writes
 * /proc/PID/{uid,gid}_map and acknowledges.
 */
static void create_user_ns(int syncfd, bool joined_any)
{
	if (unshare(CLONE_NEWUSER) < 0)
		bail_errno(syncfd, "unshare user namespace");
	/* The parent must be able to open our /proc files meanwhile. */
	if (joined_any && prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
		bail_errno(syncfd, "prctl PR_SET_DUMPABLE 1");
	if (send_u32(syncfd, OCIRUN_MSG_USERMAP_REQ,
		     (uint32_t)pid_for_parent(syncfd)) < 0)
		bail_errno(syncfd, "usermap: send request");
	wait_usermap_ack(syncfd);
	if (joined_any && prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		bail_errno(syncfd, "prctl PR_SET_DUMPABLE 0");
	if (setresgid(0, 0, 0) < 0)
		bail_errno(syncfd, "setresgid 0 in the new user namespace");
	if (setresuid(0, 0, 0) < 0)
		bail_errno(syncfd, "setresuid 0 in the new user namespace");
}

/*
 * fork(2) with CLONE_PARENT: the child becomes a sibling of this process,
 * so the runtime that started us is its parent and can wait for it. A raw
 * clone with no new stack behaves like fork in the child.
 */
static pid_t clone_parent(void)
{
	unsigned long flags = CLONE_PARENT | SIGCHLD;

#if defined(__s390__) || defined(__CRIS__)
	return (pid_t)syscall(SYS_clone, 0UL, flags, 0UL, 0UL, 0UL);
#else
	return (pid_t)syscall(SYS_clone, flags, 0UL, 0UL, 0UL, 0UL);
#endif
}

/*
 * Fork the process that continues into Go. The intermediate (this process)
 * reports the child's pid and exits; the child waits until that report is
 * on the socket, so nothing it sends can overtake MsgChildPid.
 */
static void fork_init(int syncfd)
{
	int go[2];
	pid_t pid;
	char c = 0;

	if (pipe2(go, O_CLOEXEC) < 0)
		bail_errno(syncfd, "pipe");
	pid = clone_parent();
	if (pid < 0)
		bail_errno(syncfd, "clone");

	if (pid == 0) {
		ssize_t n;

		close(go[1]);
		do
			n = read(go[0], &c, 1);
		while (n < 0 && errno == EINTR);
		if (n != 1)
			_exit(1); /* the intermediate failed and reported it */
		close(go[0]);
		return;
	}

	close(go[0]);
	if (send_u32(syncfd, OCIRUN_MSG_CHILD_PID, (uint32_t)pid) < 0) {
		int errnum = errno;
		kill(pid, SIGKILL);
		errno = errnum;
		bail_errno(syncfd, "send child pid %d", (int)pid);
	}
	if (write(go[1], &c, 1) != 1) {
		int errnum = errno;
		kill(pid, SIGKILL);
		errno = errnum;
		bail_errno(syncfd, "release child %d", (int)pid);
	}
	_exit(0);
}

static void nsexec(void)
{
	struct ocirun_bootstrap bs;
	char err[512], names[64];
	uint8_t *buf;
	uint32_t len, joined = 0, rest;
	int syncfd, timens_fd = -1;
	bool exec_in_c;

	syncfd = sync_fd_from_env();
	buf = read_bootstrap(syncfd, &len);
	if (ocirun_parse_bootstrap(buf, len, &bs, err, sizeof(err)) < 0)
		bail(syncfd, "bootstrap: %s", err);

	for (uint32_t i = 0; i < bs.njoins; i++)
		joined |= bs.joins[i].nstype;

	/*
	 * Open the offsets file before joining anything: a joined mount
	 * namespace may have no /proc/self for us. The kernel applies a write
	 * to the time namespace our children get at the time of the write.
	 */
	if (bs.timens_offsets != NULL) {
		timens_fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
		if (timens_fd < 0)
			bail_errno(syncfd, "open /proc/self/timens_offsets");
	}

	/*
	 * Joining another process's namespaces: stay non-dumpable so that
	 * processes already in them cannot ptrace us or open our /proc files
	 * while we still hold host resources (CVE-2016-9962). execve of the
	 * container process resets this.
	 */
	if (bs.njoins > 0 && prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		bail_errno(syncfd, "prctl PR_SET_DUMPABLE 0");
	join_namespaces(syncfd, &bs);

	/* The user namespace first, alone: the others must belong to it. */
	if (bs.cloneflags & CLONE_NEWUSER)
		create_user_ns(syncfd, bs.njoins > 0);

	rest = bs.cloneflags & ~(uint32_t)CLONE_NEWUSER;
	if (rest != 0 && unshare((int)rest) < 0) {
		int errnum = errno;
		ocirun_ns_names(rest, names, sizeof(names));
		errno = errnum;
		bail_errno(syncfd, "unshare %s", names);
	}

	if (timens_fd >= 0) {
		ssize_t n = write(timens_fd, bs.timens_offsets,
				  bs.timens_offsets_len);
		if (n != (ssize_t)bs.timens_offsets_len) {
			if (n >= 0)
				errno = EIO;
			bail_errno(syncfd, "write /proc/self/timens_offsets");
		}
		close(timens_fd);
	}

	free(buf); /* bs points into buf: not used past here */

	exec_in_c = bs.exec;
	if ((bs.cloneflags | joined) & FORK_NS_FLAGS) {
		fork_init(syncfd); /* returns in the child only */
	} else if (send_u32(syncfd, OCIRUN_MSG_CHILD_PID,
			    (uint32_t)pid_for_parent(syncfd)) < 0) {
		bail_errno(syncfd, "send child pid");
	}
	if (exec_in_c)
		ocirun_exec_finish(syncfd); /* never returns */
}

/*
 * Runs before main and before the Go runtime starts. A normal start of the
 * binary pays one getenv.
 */
__attribute__((constructor)) static void ocirun_nsenter(void)
{
	const char *init = getenv(ENV_INIT);

	sigset_t none;

	if (init == NULL || strcmp(init, "1") != 0)
		return;
	/* A container's processes start with no signal blocked, whatever
	 * their runtime blocked (the CLI blocks the signals it forwards:
	 * internal/fastpath/sigblock.c). */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	nsexec();
}
