/*
 * execfinish.c: the C exec stage. For `exec` into a running container the
 * C stage (nsexec.c) has joined the container's namespaces and the parent
 * has put the process in the container's cgroup; what is left is to apply
 * the process's settings and execve it. Doing that here, instead of in the
 * Go init, saves a whole Go runtime start per exec.
 *
 * The parent sends one MsgExecSpec frame: TLV attributes (uint32 type,
 * uint32 length, value; little endian) listed below and in
 * docs/sync-protocol.md. The steps, in the Go exec init's order
 * (libcontainer/init_exec.go): OOM score, HOME, program lookup in PATH,
 * cwd (refusing one outside the root), rlimits, close-on-exec for every
 * fd from the sync socket up, then the identity exactly as
 * finishIdentity does it (seccomp before dropping privileges without
 * no_new_privs, after setting it with), umask, execve. Any failure is
 * sent as MsgError and the process exits 1; a successful execve closes
 * the sync socket (close-on-exec), which is how the parent learns it.
 *
 * Terminals and AppArmor/SELinux labels are not handled here: the parent
 * uses the Go exec init for those.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "nsexec.h"

/* Exec spec attributes (nsenter/execspec.go). */
#define X_ARG     1u  /* string, one per argument, at least one */
#define X_ENV     2u  /* string "KEY=value", one per variable */
#define X_CWD     3u  /* string */
#define X_USER    4u  /* uint32 uid, uint32 gid, uint32 umask */
#define X_GROUPS  5u  /* n x uint32 additional gids */
#define X_CAPS    6u  /* 5 x uint64: bounding, effective, inheritable,
			 permitted, ambient; uint32 last cap */
#define X_RLIMIT  7u  /* uint32 resource, uint64 soft, uint64 hard */
#define X_NNP     8u  /* empty: set no_new_privs */
#define X_SECCOMP 9u  /* uint32 flags, then n x struct sock_filter */
#define X_OOM     10u /* int32 oom_score_adj */

#define MAX_ENTRIES 65536

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif
#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_RAISE 2
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif

struct rlim {
	uint32_t resource;
	uint64_t soft, hard;
};

struct exec_spec {
	char **argv, **envp;
	uint32_t argc, envc;
	char *cwd;
	bool have_user;
	uint32_t uid, gid, umask;
	gid_t *groups;
	uint32_t ngroups;
	bool have_caps;
	uint64_t bounding, effective, inheritable, permitted, ambient;
	uint32_t last_cap;
	struct rlim *rlimits;
	uint32_t nrlimits;
	bool nnp;
	bool have_seccomp;
	uint32_t seccomp_flags;
	struct sock_filter *filter;
	uint32_t filter_len;
	bool have_oom;
	int32_t oom;
	/* The frame carries an init plan (initfinish.c). */
	bool init;
};

static int g_syncfd = -1;

static void fail(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void fail_errno(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

static void vfail(int errnum, const char *fmt, va_list ap) __attribute__((noreturn, format(printf, 2, 0)));

static void vfail(int errnum, const char *fmt, va_list ap)
{
	char msg[900];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	ocirun_fail(g_syncfd, errnum, "", "%s", msg);
}

static void fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(0, fmt, ap);
}

static void fail_errno(const char *fmt, ...)
{
	int errnum = errno ? errno : EIO;
	va_list ap;

	va_start(ap, fmt);
	vfail(errnum, fmt, ap);
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (p == NULL)
		fail_errno("exec spec: allocate");
	return p;
}

/* A NUL-terminated copy of a string attribute, which may not hold a NUL. */
static char *str_attr(const uint8_t *val, uint32_t len, const char *what)
{
	char *s;

	if (memchr(val, '\0', len) != NULL)
		fail("exec spec: %s contains a NUL byte", what);
	s = xcalloc((size_t)len + 1, 1);
	memcpy(s, val, len);
	return s;
}

/* Two passes over the attributes: count, then fill. */
static void parse_spec(const uint8_t *buf, uint32_t len, struct exec_spec *x)
{
	uint32_t nargs = 0, nenv = 0, nrl = 0;

	for (int pass = 0; pass < 2; pass++) {
		size_t off = 0;

		if (pass == 1) {
			if (nargs == 0)
				fail("exec spec: no arguments");
			if (nargs > MAX_ENTRIES || nenv > MAX_ENTRIES || nrl > MAX_ENTRIES)
				fail("exec spec: too many entries");
			x->argv = xcalloc(nargs + 1, sizeof(char *));
			x->envp = xcalloc(nenv + 2, sizeof(char *)); /* + HOME */
			x->rlimits = xcalloc(nrl, sizeof(struct rlim));
		}
		while (off < len) {
			uint32_t type, alen;
			const uint8_t *val;

			if (len - off < 8)
				fail("exec spec: truncated attribute header at offset %zu", off);
			type = ocirun_get_le32(buf + off);
			alen = ocirun_get_le32(buf + off + 4);
			if (alen > len - off - 8)
				fail("exec spec: attribute %u at offset %zu overruns the frame", type, off);
			val = buf + off + 8;
			off += 8 + (size_t)alen;

			switch (type) {
			case X_ARG:
				if (pass == 0)
					nargs++;
				else
					x->argv[x->argc++] = str_attr(val, alen, "an argument");
				break;
			case X_ENV:
				if (pass == 0)
					nenv++;
				else
					x->envp[x->envc++] = str_attr(val, alen, "an environment variable");
				break;
			case X_RLIMIT:
				if (alen != 20)
					fail("exec spec: RLIMIT of %u bytes, want 20", alen);
				if (pass == 0) {
					nrl++;
				} else {
					struct rlim *r = &x->rlimits[x->nrlimits++];
					r->resource = ocirun_get_le32(val);
					r->soft = ocirun_get_le64(val + 4);
					r->hard = ocirun_get_le64(val + 12);
				}
				break;
			default:
				if (pass == 0)
					break;
				switch (type) {
				case X_CWD:
					x->cwd = str_attr(val, alen, "the cwd");
					break;
				case X_USER:
					if (alen != 12)
						fail("exec spec: USER of %u bytes, want 12", alen);
					x->have_user = true;
					x->uid = ocirun_get_le32(val);
					x->gid = ocirun_get_le32(val + 4);
					x->umask = ocirun_get_le32(val + 8);
					break;
				case X_GROUPS:
					if (alen % 4 != 0 || alen / 4 > MAX_ENTRIES)
						fail("exec spec: GROUPS of %u bytes", alen);
					x->ngroups = alen / 4;
					x->groups = xcalloc(x->ngroups, sizeof(gid_t));
					for (uint32_t i = 0; i < x->ngroups; i++)
						x->groups[i] = ocirun_get_le32(val + 4 * i);
					break;
				case X_CAPS:
					if (alen != 44)
						fail("exec spec: CAPS of %u bytes, want 44", alen);
					x->have_caps = true;
					x->bounding = ocirun_get_le64(val);
					x->effective = ocirun_get_le64(val + 8);
					x->inheritable = ocirun_get_le64(val + 16);
					x->permitted = ocirun_get_le64(val + 24);
					x->ambient = ocirun_get_le64(val + 32);
					x->last_cap = ocirun_get_le32(val + 40);
					if (x->last_cap > 63)
						fail("exec spec: last capability %u", x->last_cap);
					break;
				case X_NNP:
					x->nnp = true;
					break;
				case X_SECCOMP:
					if (alen < 12 || (alen - 4) % 8 != 0 || (alen - 4) / 8 > 65535)
						fail("exec spec: SECCOMP of %u bytes", alen);
					x->have_seccomp = true;
					x->seccomp_flags = ocirun_get_le32(val);
					x->filter_len = (alen - 4) / 8;
					x->filter = xcalloc(x->filter_len, sizeof(struct sock_filter));
					for (uint32_t i = 0; i < x->filter_len; i++) {
						const uint8_t *f = val + 4 + 8 * i;
						x->filter[i].code = (uint16_t)(f[0] | f[1] << 8);
						x->filter[i].jt = f[2];
						x->filter[i].jf = f[3];
						x->filter[i].k = ocirun_get_le32(f + 4);
					}
					break;
				case X_OOM:
					if (alen != 4)
						fail("exec spec: OOM of %u bytes, want 4", alen);
					x->have_oom = true;
					x->oom = (int32_t)ocirun_get_le32(val);
					break;
				default:
					if (type >= 32 && type < 64) {
						x->init = true; /* initfinish.c reads it */
						break;
					}
					fail("exec spec: unknown attribute %u", type);
				}
			}
		}
	}
	if (!x->have_user || !x->have_caps)
		fail("exec spec: USER and CAPS are required");
}

static uint8_t *read_spec(uint32_t *lenp)
{
	uint8_t hdr[8], *buf;
	uint32_t type, len;

	if (ocirun_read_full(g_syncfd, hdr, sizeof(hdr)) < 0)
		_exit(1); /* the parent is gone: nobody to tell */
	type = ocirun_get_le32(hdr);
	len = ocirun_get_le32(hdr + 4);
	if (type == OCIRUN_MSG_ERROR)
		_exit(1); /* the parent gave up and knows why */
	if (type != OCIRUN_MSG_EXEC_SPEC)
		fail("exec: got frame type %u, want the exec spec (%u)", type,
		     OCIRUN_MSG_EXEC_SPEC);
	if (len > OCIRUN_MAX_EXEC_SPEC)
		fail("exec: spec of %u bytes exceeds %u", len, OCIRUN_MAX_EXEC_SPEC);
	buf = xcalloc(len, 1);
	if (len > 0 && ocirun_read_full(g_syncfd, buf, len) < 0)
		fail_errno("exec: read spec");
	*lenp = len;
	return buf;
}

/* /proc/self/oom_score_adj, through a /proc verified to be procfs. */
static void set_oom(int32_t v)
{
	struct open_how how = { .flags = O_WRONLY | O_CLOEXEC,
				.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS };
	struct statfs sfs;
	char num[16];
	int dir, fd, n;

	dir = open("/proc/self", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		fail_errno("open /proc/self");
	if (fstatfs(dir, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC)
		fail("/proc/self is not on procfs");
	fd = (int)syscall(SYS_openat2, dir, "oom_score_adj", &how, sizeof(how));
	if (fd < 0)
		fail_errno("open /proc/self/oom_score_adj");
	n = snprintf(num, sizeof(num), "%d", v);
	if (write(fd, num, (size_t)n) != n)
		fail_errno("write oom_score_adj %d", v);
	close(fd);
	close(dir);
}

/* The container's /etc/passwd is read only when it is a regular file, and
 * at most this much of it: the container controls it, and a fifo or a link
 * to /dev/zero must not hang or exhaust the exec. */
#define MAX_PASSWD (1 << 20)

/* uid's home directory in the container's /etc/passwd, "/" if none. */
static void home_of(uint32_t uid, char *out, size_t outlen)
{
	char line[4096], want[16];
	struct stat st;
	size_t total = 0;
	FILE *f;
	int fd;

	snprintf(out, outlen, "/");
	snprintf(want, sizeof(want), "%u", uid);
	fd = open("/etc/passwd", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return;
	}
	f = fdopen(fd, "r");
	if (f == NULL) {
		close(fd);
		return;
	}
	while (total < MAX_PASSWD && fgets(line, sizeof(line), f) != NULL) {
		total += strlen(line);
		char *field[7], *p = line;
		int n = 0;

		line[strcspn(line, "\n")] = '\0';
		while (n < 7) {
			field[n++] = p;
			p = strchr(p, ':');
			if (p == NULL)
				break;
			*p++ = '\0';
		}
		if (n >= 6 && strcmp(field[2], want) == 0 && field[5][0] != '\0') {
			snprintf(out, outlen, "%s", field[5]);
			break;
		}
	}
	fclose(f);
}

static void add_home(struct exec_spec *x)
{
	char home[PATH_MAX], *e;

	for (uint32_t i = 0; i < x->envc; i++)
		if (strncmp(x->envp[i], "HOME=", 5) == 0)
			return;
	home_of(x->uid, home, sizeof(home));
	e = xcalloc(strlen(home) + 6, 1);
	sprintf(e, "HOME=%s", home);
	x->envp[x->envc++] = e;
}

/* 0 when p is an executable regular file (by its mode, as the Go init
 * checks), else an errno. */
static int check_executable(const char *p)
{
	struct stat st;

	if (stat(p, &st) < 0)
		return errno;
	if (S_ISDIR(st.st_mode))
		return EISDIR;
	if ((st.st_mode & 0111) == 0)
		return EACCES;
	return 0;
}

/* The program, resolved like execvp with the process's own PATH. */
static char *look_path(struct exec_spec *x)
{
	const char *name = x->argv[0], *path = "";
	int err;

	if (strchr(name, '/') != NULL) {
		err = check_executable(name);
		if (err != 0)
			fail("exec \"%s\": stat %s: %s", name, name, strerror(err));
		return x->argv[0];
	}
	for (uint32_t i = 0; i < x->envc; i++)
		if (strncmp(x->envp[i], "PATH=", 5) == 0)
			path = x->envp[i] + 5; /* the last one wins */
	for (const char *dir = path;;) {
		const char *end = strchr(dir, ':');
		size_t dlen = end ? (size_t)(end - dir) : strlen(dir);
		char *p = xcalloc(dlen + strlen(name) + 3, 1);

		if (dlen == 0)
			sprintf(p, "./%s", name);
		else
			sprintf(p, "%.*s/%s", (int)dlen, dir, name);
		if (check_executable(p) == 0)
			return p;
		free(p);
		if (end == NULL)
			break;
		dir = end + 1;
	}
	fail("exec \"%s\": executable file not found in $PATH", name);
}

static void enter_cwd(const char *cwd)
{
	char wd[PATH_MAX];

	if (cwd == NULL || cwd[0] == '\0')
		cwd = "/";
	if (chdir(cwd) < 0)
		fail_errno("chdir to cwd \"%s\"", cwd);
	/* A cwd reached through a leaked fd (/proc/self/fd/N) is outside the
	 * container's root: getcwd then fails or does not start with "/". */
	if (getcwd(wd, sizeof(wd)) == NULL || wd[0] != '/')
		fail("cwd \"%s\" is outside the container's root", cwd);
}

static const char *rlimit_name(uint32_t r)
{
	static const char *const names[] = {
		[RLIMIT_CPU] = "RLIMIT_CPU",         [RLIMIT_FSIZE] = "RLIMIT_FSIZE",
		[RLIMIT_DATA] = "RLIMIT_DATA",       [RLIMIT_STACK] = "RLIMIT_STACK",
		[RLIMIT_CORE] = "RLIMIT_CORE",       [RLIMIT_RSS] = "RLIMIT_RSS",
		[RLIMIT_NPROC] = "RLIMIT_NPROC",     [RLIMIT_NOFILE] = "RLIMIT_NOFILE",
		[RLIMIT_MEMLOCK] = "RLIMIT_MEMLOCK", [RLIMIT_AS] = "RLIMIT_AS",
		[RLIMIT_LOCKS] = "RLIMIT_LOCKS",     [RLIMIT_SIGPENDING] = "RLIMIT_SIGPENDING",
		[RLIMIT_MSGQUEUE] = "RLIMIT_MSGQUEUE", [RLIMIT_NICE] = "RLIMIT_NICE",
		[RLIMIT_RTPRIO] = "RLIMIT_RTPRIO",   [RLIMIT_RTTIME] = "RLIMIT_RTTIME",
	};

	if (r < sizeof(names) / sizeof(names[0]) && names[r] != NULL)
		return names[r];
	return "rlimit";
}

static void set_rlimits(const struct exec_spec *x)
{
	for (uint32_t i = 0; i < x->nrlimits; i++) {
		const struct rlim *r = &x->rlimits[i];
		struct rlimit l = { .rlim_cur = r->soft, .rlim_max = r->hard };

		if (setrlimit((int)r->resource, &l) < 0) {
			struct rlimit cur;
			int errnum = errno;

			if (errnum == EPERM && getrlimit((int)r->resource, &cur) == 0) {
				errno = errnum;
				fail_errno("set %s (%u) to soft %llu hard %llu "
					   "(the current hard limit is %llu; raising it needs CAP_SYS_RESOURCE)",
					   rlimit_name(r->resource), r->resource, (unsigned long long)r->soft,
					   (unsigned long long)r->hard,
					   (unsigned long long)cur.rlim_max);
			}
			errno = errnum;
			fail_errno("set %s (%u) to soft %llu hard %llu", rlimit_name(r->resource), r->resource,
				   (unsigned long long)r->soft, (unsigned long long)r->hard);
		}
	}
}

/* Install the filter; a notify listener fd goes to the parent (it takes
 * a copy with pidfd_getfd) before we go on. */
static void load_seccomp(const struct exec_spec *x)
{
	struct sock_fprog prog = { .len = (unsigned short)x->filter_len,
				   .filter = x->filter };
	uint8_t hdr[8], num[4];
	long r;

	if (!x->have_seccomp)
		return;
	r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, x->seccomp_flags, &prog);
	if (r < 0) {
		if (errno == EACCES)
			fail_errno("seccomp: loading filter (the thread needs no_new_privs or CAP_SYS_ADMIN)");
		fail_errno("seccomp: loading filter (flags 0x%x)", x->seccomp_flags);
	}
	if (!(x->seccomp_flags & SECCOMP_FILTER_FLAG_NEW_LISTENER))
		return;
	ocirun_put_le32(num, (uint32_t)r);
	if (ocirun_send_frame(g_syncfd, OCIRUN_MSG_SECCOMP_FD, num, sizeof(num)) < 0)
		fail_errno("seccomp: send listener fd");
	if (ocirun_read_full(g_syncfd, hdr, sizeof(hdr)) < 0)
		_exit(1);
	if (ocirun_get_le32(hdr) != OCIRUN_MSG_SECCOMP_DONE || ocirun_get_le32(hdr + 4) != 0)
		_exit(1); /* MsgError: the parent reports it */
	close((int)r);
}

/* Bounding set, user and groups (keeping capabilities across the switch),
 * then the effective, permitted, inheritable and ambient sets: the Go
 * init's setIdentity, step for step. */
static void set_identity(const struct exec_spec *x)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];

	for (uint32_t i = 0; i <= x->last_cap; i++)
		if (!(x->bounding & (1ULL << i)) &&
		    prctl(PR_CAPBSET_DROP, i, 0, 0, 0) < 0 && errno != EINVAL)
			fail_errno("drop capability %u from the bounding set", i);
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		fail_errno("set keepcaps");
	if (setgroups(x->ngroups, x->groups) < 0 && (x->ngroups > 0 || errno != EPERM))
		fail_errno("setgroups (%u groups)", x->ngroups);
	if (setresgid(x->gid, x->gid, x->gid) < 0)
		fail_errno("set gid %u", x->gid);
	if (setresuid(x->uid, x->uid, x->uid) < 0)
		fail_errno("set uid %u", x->uid);
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		fail_errno("clear keepcaps");
	memset(data, 0, sizeof(data));
	data[0].effective = (uint32_t)x->effective;
	data[1].effective = (uint32_t)(x->effective >> 32);
	data[0].permitted = (uint32_t)x->permitted;
	data[1].permitted = (uint32_t)(x->permitted >> 32);
	data[0].inheritable = (uint32_t)x->inheritable;
	data[1].inheritable = (uint32_t)(x->inheritable >> 32);
	if (syscall(SYS_capset, &hdr, data) < 0)
		fail_errno("set capabilities");
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		fail_errno("clear ambient capabilities");
	for (uint32_t i = 0; i <= x->last_cap; i++)
		if ((x->ambient & (1ULL << i)) &&
		    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, i, 0, 0) < 0)
			fail_errno("raise ambient capability %u (it must be permitted and inheritable)", i);
}

void ocirun_exec_finish(int syncfd)
{
	struct exec_spec x;
	uint8_t *buf;
	uint32_t len;
	char *path;

	g_syncfd = syncfd;
	memset(&x, 0, sizeof(x));
	buf = read_spec(&len);
	parse_spec(buf, len, &x);
	if (x.init)
		ocirun_init_prepare(syncfd, buf, len);
	free(buf);

	if (x.have_oom)
		set_oom(x.oom);
	add_home(&x);
	path = look_path(&x);
	enter_cwd(x.cwd);
	set_rlimits(&x);
	/* Nothing but stdio and the preserved fds may reach the process. */
	if (syscall(SYS_close_range, (unsigned)syncfd, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		fail_errno("mark fds close-on-exec");
	if (!x.nnp)
		load_seccomp(&x);
	set_identity(&x);
	if (x.nnp) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			fail_errno("set no_new_privs");
		load_seccomp(&x);
	}
	umask((mode_t)x.umask);
	if (x.init) {
		int fifo = ocirun_init_await_start();

		/* `start` reads "0" then EOF once execve has succeeded (the
		 * write end is close-on-exec); after a failed execve, a newline
		 * and the error. */
		if (fifo >= 0 && write(fifo, "0", 1) != 1)
			fail_errno("write exec fifo");
		execve(path, x.argv, x.envp);
		if (fifo >= 0) {
			char msg[PATH_MAX + 128];
			int errnum = errno;
			int n = snprintf(msg, sizeof(msg), "\nexec %s: %s", path, strerror(errnum));

			if (write(fifo, msg, (size_t)n) < 0) {
				/* start reports the missing exec anyway */
			}
			errno = errnum;
		}
		fail_errno("exec %s", path);
	}
	execve(path, x.argv, x.envp);
	fail_errno("exec %s", path);
}
