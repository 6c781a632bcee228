/*
 * initfinish.c: the C container init. When the parent can compile a
 * create into an init plan (libcontainer/rootfs.Plan: no terminal, no LSM
 * labels, no user namespace, no hooks inside the container, ...), the
 * container's init never starts a Go runtime: the C stage that created
 * the namespaces reads the MsgExecSpec frame, sets up the root filesystem
 * by the plan (this file), applies the process's settings and waits to be
 * started (execfinish.c), then execs the process.
 *
 * The plan's attributes (types 32 and up, nsenter/initplan.go) follow the
 * exec attributes in the frame. The steps mirror the Go init
 * (libcontainer/init_linux.go and libcontainer/rootfs) one for one, with
 * the same checks: destinations are resolved inside the rootfs with
 * openat2(RESOLVE_IN_ROOT), missing ones created one component at a time
 * with symlinks expanded inside the root; procfs and sysfs go only on real
 * directories; nothing but a few files may be mounted under /proc; masks
 * use a /dev/null that was checked on the very descriptor that is bound;
 * sysctls are written through a verified procfs.
 *
 * Errors are sent to the parent as MsgError in the Go init's wording
 * ("mount SRC on DEST (TYPE): CONTEXT: cause") and the init exits 1.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/keyctl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "nsexec.h"

/* Init plan attributes (nsenter/initplan.go). */
#define I_ROOTFS       32u
#define I_ROOTPROP     33u
#define I_MOUNTFS      34u
#define I_BIND         35u
#define I_SYMLINKS     36u
#define I_RDONLY       37u
#define I_AWAIT_CGROUP 38u
#define I_DEVICE       39u
#define I_DEVSETUP     40u
#define I_HOOKS        41u
#define I_CGROUPNS     42u
#define I_HOSTNAME     43u
#define I_DOMAINNAME   44u
#define I_SYSCTL       45u
#define I_ROPATH       46u
#define I_MASKPATH     47u
#define I_DEVRO        48u
#define I_ROOTRO       49u
#define I_KEYRING      50u
#define I_FIFO         51u
#define I_NOFIFO       52u

/* Go-side frame types (libcontainer/sync.go). */
#define MSG_HOOKS_REQ   17u
#define MSG_HOOKS_DONE  18u
#define MSG_READY       19u
#define MSG_START       20u
#define MSG_CGROUP_DONE 21u

#define MAX_SYMLINKS 40

#define RESTRICT_ATTRS (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC)

static int g_sync = -1;

/* Whatever the plan says beyond its ordered steps. */
struct plan {
	const uint8_t *buf;
	uint32_t len;
	char *cfg_rootfs;
	char rootfs[PATH_MAX];
	size_t rootfs_len;
	uint32_t root_prop;
	int rootfd;
	bool devsetup, hooks, cgroupns, dev_ro, root_ro, cgroup_done;
	bool have_fifo;
	uint32_t fifo;
	char *hostname, *domainname, *keyring;
	/* O_PATH /proc/self/fd, taken while the host's /proc is visible, to
	 * reopen the exec fifo after pivot_root. */
	int fd_dir;
};

/* ------------------------------------------------------------------ */
/* Errors, in the Go init's words. */

/* strerror with a lower-case first letter, as Go prints errno values. */
static const char *cause(int errnum)
{
	static char buf[256];

	snprintf(buf, sizeof(buf), "%s", strerror(errnum));
	buf[0] = (char)tolower((unsigned char)buf[0]);
	return buf;
}

static void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

static void die(const char *fmt, ...)
{
	char msg[1000];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ocirun_fail(g_sync, 0, "", "%s", msg);
}

/* "OP SRC on DEST (TYPE)" like rootfs.MountError, into buf. */
static const char *what(char *buf, size_t len, const char *op, const char *src,
			const char *dest, const char *type)
{
	size_t n = (size_t)snprintf(buf, len, "%s", op);

	if (src != NULL && *src != '\0' && n < len)
		n += (size_t)snprintf(buf + n, len - n, " %s", src);
	if (dest != NULL && *dest != '\0' && n < len)
		n += (size_t)snprintf(buf + n, len - n, "%s %s",
				      (src != NULL && *src != '\0') ? " on" : "", dest);
	if (type != NULL && *type != '\0' && n < len)
		snprintf(buf + n, len - n, " (%s)", type);
	return buf;
}

/* Fail a mount-related step: errnum 0 for a message-only cause. */
static void mount_fail(const char *op, const char *src, const char *dest, const char *type,
		       int errnum, const char *ctx, const char *msg) __attribute__((noreturn));

static void mount_fail(const char *op, const char *src, const char *dest, const char *type,
		       int errnum, const char *ctx, const char *msg)
{
	char w[600];

	what(w, sizeof(w), op, src, dest, type);
	die("%s: %s%s%s", w, ctx ? ctx : "", ctx ? ": " : "",
	    msg ? msg : cause(errnum ? errnum : EIO));
}

/* ------------------------------------------------------------------ */
/* Reading the plan. */

struct rd {
	const uint8_t *p;
	uint32_t n, type;
};

static void need(struct rd *r, uint32_t k)
{
	if (r->n < k)
		die("init spec: attribute %u is truncated", r->type);
}

static uint32_t u32(struct rd *r)
{
	uint32_t v;

	need(r, 4);
	v = ocirun_get_le32(r->p);
	r->p += 4;
	r->n -= 4;
	return v;
}

static uint64_t u64(struct rd *r)
{
	uint64_t v;

	need(r, 8);
	v = ocirun_get_le64(r->p);
	r->p += 8;
	r->n -= 8;
	return v;
}

/* A NUL-terminated copy of a string field. */
static char *str(struct rd *r)
{
	uint32_t len = u32(r);
	char *s;

	need(r, len);
	if (memchr(r->p, '\0', len) != NULL)
		die("init spec: attribute %u holds a NUL byte", r->type);
	s = malloc((size_t)len + 1);
	if (s == NULL)
		die("init spec: out of memory");
	memcpy(s, r->p, len);
	s[len] = '\0';
	r->p += len;
	r->n -= len;
	return s;
}

/* The next attribute of the frame at *off; false at the end. The frame
 * was bounds-checked by the exec spec parser. */
static bool next(const struct plan *pl, size_t *off, struct rd *r)
{
	uint32_t alen;

	if (*off >= pl->len)
		return false;
	r->type = ocirun_get_le32(pl->buf + *off);
	alen = ocirun_get_le32(pl->buf + *off + 4);
	r->p = pl->buf + *off + 8;
	r->n = alen;
	*off += 8 + (size_t)alen;
	return true;
}

/* ------------------------------------------------------------------ */
/* Sync with the parent. */

/* Wait for an empty frame of type want; a MsgError means the parent gave
 * up and knows why, a closed socket that it is gone. */
static void expect(uint32_t want)
{
	uint8_t hdr[8];
	uint32_t type, len;

	if (ocirun_read_full(g_sync, hdr, sizeof(hdr)) < 0)
		_exit(1);
	type = ocirun_get_le32(hdr);
	len = ocirun_get_le32(hdr + 4);
	if (type == OCIRUN_MSG_ERROR)
		_exit(1);
	if (type != want || len != 0)
		die("expected sync frame %u, got %u", want, type);
}

static void await_cgroup(struct plan *pl)
{
	if (pl->cgroup_done)
		return;
	pl->cgroup_done = true;
	expect(MSG_CGROUP_DONE);
	if (pl->cgroupns && unshare(CLONE_NEWCGROUP) < 0)
		die("unshare cgroup namespace: %s", cause(errno));
}

/* ------------------------------------------------------------------ */
/* Paths inside the root. */

static int xopenat2(int dirfd, const char *path, int flags, uint64_t resolve)
{
	struct open_how how = { .flags = (uint64_t)(flags | O_CLOEXEC), .resolve = resolve };
	int fd = -1;

	for (int i = 0; i < 32; i++) {
		fd = (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
		if (fd >= 0 || (errno != EINTR && errno != EAGAIN))
			break;
	}
	return fd;
}

/* A clean container path relative to the root ("." for the root). */
static const char *rel(const char *p)
{
	while (*p == '/')
		p++;
	return *p ? p : ".";
}

static int root_open(int root, const char *p, int flags)
{
	return xopenat2(root, rel(p), flags, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
}

static int open_nosym(int root, const char *p, int flags)
{
	return xopenat2(root, rel(p), flags, RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS);
}

enum kind { KIND_DIR, KIND_FILE };

/*
 * Resolve p inside the root one component at a time, creating what is
 * missing (directories 0755, a last file 0644 for KIND_FILE), expanding
 * symlinks by hand inside the root. Returns an O_PATH fd or -1 with errno.
 */
static int walk_create(int root, const char *p, enum kind k)
{
	int *stack = NULL, depth = 0, cap = 16, links = 0, ret = -1;
	char *todo = strdup(p), *pos;

	stack = malloc(sizeof(int) * (size_t)cap);
	if (todo == NULL || stack == NULL) {
		errno = ENOMEM;
		goto out;
	}
	stack[0] = fcntl(root, F_DUPFD_CLOEXEC, 0);
	if (stack[0] < 0)
		goto out;
	pos = todo;
	for (;;) {
		char name[NAME_MAX + 1], target[PATH_MAX];
		const char *rest;
		struct stat st;
		size_t nlen;
		bool last;
		int cur = stack[depth], nfd, sr;

		while (*pos == '/')
			pos++;
		if (*pos == '\0') {
			ret = fcntl(cur, F_DUPFD_CLOEXEC, 0);
			goto out;
		}
		nlen = strcspn(pos, "/");
		if (nlen > NAME_MAX) {
			errno = ENAMETOOLONG;
			goto out;
		}
		memcpy(name, pos, nlen);
		name[nlen] = '\0';
		pos += nlen;
		rest = pos;
		while (*rest == '/')
			rest++;
		last = *rest == '\0';
		if (strcmp(name, ".") == 0)
			continue;
		if (strcmp(name, "..") == 0) {
			if (depth > 0)
				close(stack[depth--]);
			continue;
		}
		sr = fstatat(cur, name, &st, AT_SYMLINK_NOFOLLOW);
		if (sr == 0 && S_ISLNK(st.st_mode)) {
			ssize_t tl;
			char *nt;

			if (++links > MAX_SYMLINKS) {
				errno = ELOOP;
				goto out;
			}
			tl = readlinkat(cur, name, target, sizeof(target) - 1);
			if (tl < 0)
				goto out;
			target[tl] = '\0';
			if (target[0] == '/')
				while (depth > 0)
					close(stack[depth--]);
			nt = malloc((size_t)tl + strlen(rest) + 2);
			if (nt == NULL) {
				errno = ENOMEM;
				goto out;
			}
			sprintf(nt, "%s/%s", target, rest);
			free(todo);
			todo = pos = nt;
			continue;
		} else if (sr < 0 && errno == ENOENT) {
			if (last && k == KIND_FILE) {
				int f = openat(cur, name, O_CREAT | O_EXCL | O_RDONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
				if (f >= 0)
					close(f);
				else if (errno != EEXIST)
					goto out;
			} else if (mkdirat(cur, name, 0755) < 0 && errno != EEXIST) {
				goto out;
			}
		} else if (sr < 0) {
			goto out;
		}
		/* Open what is there now; a symlink swapped in is refused. */
		nfd = xopenat2(cur, name, O_PATH, RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS);
		if (nfd < 0)
			goto out;
		if (last) {
			ret = nfd;
			goto out;
		}
		if (fstat(nfd, &st) < 0 || !S_ISDIR(st.st_mode)) {
			close(nfd);
			errno = ENOTDIR;
			goto out;
		}
		if (depth + 1 >= cap) {
			int *ns = realloc(stack, sizeof(int) * (size_t)(cap * 2));
			if (ns == NULL) {
				close(nfd);
				errno = ENOMEM;
				goto out;
			}
			stack = ns;
			cap *= 2;
		}
		stack[++depth] = nfd;
	}
out:
	if (stack != NULL) {
		int saved = errno;
		for (int i = 0; i <= depth; i++)
			if (stack[i] >= 0)
				close(stack[i]);
		errno = saved;
	}
	free(stack);
	free(todo);
	return ret;
}

static int resolve_create(int root, const char *p, enum kind k)
{
	int fd = root_open(root, p, O_PATH);

	if (fd >= 0 || errno != ENOENT)
		return fd;
	return walk_create(root, p, k);
}

/* The error text of a refused symlink destination (rootfs.ErrSymlinkDest). */
static const char *const SYMLINK_DEST = "destination must be a real directory, not a symlink";

/* A directory reached without symlinks, created if missing; -1 with errno,
 * ELOOP meaning a symlink on the way. */
static int open_real_dir(int root, const char *p)
{
	int fd = open_nosym(root, p, O_PATH | O_DIRECTORY);

	if (fd < 0 && errno == ENOENT) {
		int c = walk_create(root, p, KIND_DIR);
		if (c >= 0) {
			close(c);
			fd = open_nosym(root, p, O_PATH | O_DIRECTORY);
		}
	}
	return fd;
}

/* The container path of fd, from /proc/thread-self/fd (before pivot_root). */
static void container_path(const struct plan *pl, int fd, char *out, size_t len)
{
	char link[64], buf[PATH_MAX];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/thread-self/fd/%d", fd);
	n = readlink(link, buf, sizeof(buf) - 1);
	if (n < 0)
		die("readlink %s: %s", link, cause(errno));
	buf[n] = '\0';
	if (strcmp(buf, pl->rootfs) == 0) {
		snprintf(out, len, "/");
		return;
	}
	if (strncmp(buf, pl->rootfs, pl->rootfs_len) != 0 || buf[pl->rootfs_len] != '/')
		die("resolved path \"%s\" is outside the rootfs \"%s\"", buf, pl->rootfs);
	snprintf(out, len, "%s", buf + pl->rootfs_len);
}

/* ------------------------------------------------------------------ */
/* /proc destinations (rootfs/checks.go). */

static const char *const proc_allow[] = {
	"/proc/cpuinfo", "/proc/diskstats", "/proc/meminfo", "/proc/stat",
	"/proc/swaps", "/proc/uptime", "/proc/loadavg", "/proc/slabinfo",
	"/proc/sys/kernel/ns_last_pid", "/proc/sys/crypto/fips_enabled",
};

static const char *const PROC_DEST = "mounting under /proc is not allowed";

static bool under(const char *p, const char *dir)
{
	size_t n = strlen(dir);

	return strncmp(p, dir, n) == 0 && (p[n] == '\0' || p[n] == '/');
}

static bool proc_allowed(const char *p)
{
	for (size_t i = 0; i < sizeof(proc_allow) / sizeof(proc_allow[0]); i++)
		if (strcmp(p, proc_allow[i]) == 0)
			return true;
	return false;
}

/* NULL when dest may be mounted on, else why not. */
static const char *proc_dest_problem(const char *real, bool bind, int src)
{
	struct statfs sfs;

	if (!under(real, "/proc"))
		return NULL;
	if (strcmp(real, "/proc") == 0) {
		if (!bind)
			return NULL;
		if (fstatfs(src, &sfs) < 0)
			return cause(errno);
		return sfs.f_type == PROC_SUPER_MAGIC ? NULL : "source is not a procfs";
	}
	return proc_allowed(real) ? NULL : PROC_DEST;
}

/* Resolve (and create) a mount destination and apply the destination
 * checks; fails the step with op/src/type on error. */
static int mount_target(const struct plan *pl, const char *dest, enum kind k, bool real_dir,
			bool bind, int src, const char *op, const char *srcname, const char *type,
			char *real, size_t rlen)
{
	const char *why;
	int fd;

	if (strcmp(dest, "/proc") != 0 && under(dest, "/proc") && !proc_allowed(dest))
		mount_fail(op, srcname, dest, type, 0, NULL, PROC_DEST);
	if (real_dir || strcmp(dest, "/proc") == 0 || strcmp(dest, "/sys") == 0) {
		fd = open_real_dir(pl->rootfd, dest);
		if (fd < 0 && errno == ELOOP)
			mount_fail(op, srcname, dest, type, 0, NULL, SYMLINK_DEST);
	} else {
		fd = resolve_create(pl->rootfd, dest, k);
	}
	if (fd < 0)
		mount_fail(op, srcname, dest, type, errno, NULL, NULL);
	container_path(pl, fd, real, rlen);
	why = proc_dest_problem(real, bind, src);
	if (why != NULL) {
		char ctx[PATH_MAX + 16];

		if (strcmp(real, dest) != 0) {
			snprintf(ctx, sizeof(ctx), "resolves to %s", real);
			mount_fail(op, srcname, dest, type, 0, ctx, why);
		}
		mount_fail(op, srcname, dest, type, 0, NULL, why);
	}
	return fd;
}

/* ------------------------------------------------------------------ */
/* Mount attributes (rootfs/attrs.go). */

/* MOUNT_ATTR_* bits set on the mount of fd, from statfs. */
static uint64_t locked_attrs(int fd, bool *ok)
{
	struct statfs st;
	uint64_t a = 0;

	*ok = fstatfs(fd, &st) == 0;
	if (!*ok)
		return 0;
	if (st.f_flags & ST_RDONLY)
		a |= MOUNT_ATTR_RDONLY;
	if (st.f_flags & ST_NOSUID)
		a |= MOUNT_ATTR_NOSUID;
	if (st.f_flags & ST_NODEV)
		a |= MOUNT_ATTR_NODEV;
	if (st.f_flags & ST_NOEXEC)
		a |= MOUNT_ATTR_NOEXEC;
	if (st.f_flags & ST_NODIRATIME)
		a |= MOUNT_ATTR_NODIRATIME;
	if (st.f_flags & (ST_NOATIME | ST_RELATIME))
		a |= MOUNT_ATTR__ATIME;
	return a;
}

/* mount_setattr on fd; a refusal to clear a locked flag is retried keeping
 * the flags the mount has (as runc does on remount). 0 or -1 with errno. */
static int set_attr(int fd, unsigned int flags, uint64_t set, uint64_t clr)
{
	struct mount_attr a = { .attr_set = set, .attr_clr = clr };
	uint64_t locked;
	bool ok;

	if (set == 0 && clr == 0)
		return 0;
	if (mount_setattr(fd, "", flags | AT_EMPTY_PATH, &a, sizeof(a)) == 0)
		return 0;
	if (errno != EPERM || clr == 0)
		return -1;
	locked = locked_attrs(fd, &ok);
	if (!ok) {
		errno = EPERM;
		return -1;
	}
	a.attr_clr = clr & ~locked;
	if ((a.attr_clr & MOUNT_ATTR__ATIME) && (locked & MOUNT_ATTR__ATIME)) {
		a.attr_clr &= ~(uint64_t)MOUNT_ATTR__ATIME;
		a.attr_set &= ~(uint64_t)MOUNT_ATTR__ATIME;
	}
	if (a.attr_set == set && a.attr_clr == clr) {
		errno = EPERM;
		return -1;
	}
	return mount_setattr(fd, "", flags | AT_EMPTY_PATH, &a, sizeof(a));
}

#define PROPAGATION_MASK (MS_SHARED | MS_SLAVE | MS_PRIVATE | MS_UNBINDABLE)

/* The propagation changes of a step: a count and the flags. */
static int set_propagation(int fd, struct rd *r)
{
	uint32_t n = u32(r);
	int ret = 0;

	for (uint32_t i = 0; i < n; i++) {
		uint32_t p = u32(r);
		struct mount_attr a = { .propagation = p & PROPAGATION_MASK };

		if (ret == 0 && (p & PROPAGATION_MASK) &&
		    mount_setattr(fd, "", AT_EMPTY_PATH | ((p & MS_REC) ? AT_RECURSIVE : 0), &a,
				  sizeof(a)) < 0)
			ret = -1;
	}
	return ret;
}

/* ------------------------------------------------------------------ */
/* The mount steps. */

static void step_mountfs(const struct plan *pl, struct rd *r)
{
	char *src = str(r), *dest = str(r), *type = str(r), *data = str(r);
	uint32_t flags = u32(r), real_dir = u32(r), has_rec = u32(r);
	uint64_t rec_set = u64(r), rec_clr = u64(r);
	char real[PATH_MAX];
	struct rd props = *r;
	uint32_t nprop = u32(&props);
	int fd;

	fd = mount_target(pl, dest, KIND_DIR, real_dir != 0, false, -1, "mount", src, type,
			  real, sizeof(real));
	if (fchdir(fd) < 0)
		mount_fail("mount", src, dest, type, errno, "chdir to mount point", NULL);
	if (mount(src, ".", type, flags, data) < 0)
		mount_fail("mount", src, dest, type, errno, NULL, NULL);
	close(fd);
	if (has_rec || nprop > 0) {
		int mnt = root_open(pl->rootfd, real, O_PATH | O_DIRECTORY);

		if (mnt < 0)
			mount_fail("mount", src, dest, type, errno, "reopen mount", NULL);
		if (has_rec && set_attr(mnt, AT_RECURSIVE, rec_set, rec_clr) < 0)
			mount_fail("mount", src, dest, type, errno, "set recursive mount attributes", NULL);
		if (set_propagation(mnt, r) < 0)
			mount_fail("mount", src, dest, type, errno, "set propagation", NULL);
		close(mnt);
	}
}

static void step_bind(const struct plan *pl, struct rd *r)
{
	char *src = str(r), *dest = str(r);
	uint64_t set = u64(r), clr = u64(r);
	uint32_t rec = u32(r), has_rec = u32(r);
	uint64_t rec_set = u64(r), rec_clr = u64(r);
	char real[PATH_MAX];
	struct stat st;
	int sfd, target, tree;
	unsigned int otflags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH;

	sfd = open(src, O_PATH | O_CLOEXEC);
	if (sfd < 0)
		mount_fail("mount", src, dest, "bind", errno, "open source", NULL);
	if (fstat(sfd, &st) < 0)
		mount_fail("mount", src, dest, "bind", errno, "stat source", NULL);
	target = mount_target(pl, dest, S_ISDIR(st.st_mode) ? KIND_DIR : KIND_FILE, false, true,
			      sfd, "mount", src, "bind", real, sizeof(real));
	if (rec)
		otflags |= AT_RECURSIVE;
	tree = (int)syscall(SYS_open_tree, sfd, "", otflags);
	if (tree < 0)
		mount_fail("mount", src, dest, "bind", errno, "open_tree", NULL);
	/* An rbind's restrictions hold for the whole tree (CVE-2023-25809). */
	if (rec && (set & RESTRICT_ATTRS) &&
	    set_attr(tree, AT_RECURSIVE, set & RESTRICT_ATTRS, 0) < 0)
		mount_fail("mount", src, dest, "bind", errno, "set mount flags on the tree", NULL);
	if (set_attr(tree, 0, set, clr) < 0)
		mount_fail("mount", src, dest, "bind", errno, "set mount flags", NULL);
	if (has_rec && set_attr(tree, AT_RECURSIVE, rec_set, rec_clr) < 0)
		mount_fail("mount", src, dest, "bind", errno, "set recursive mount attributes", NULL);
	if (move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		mount_fail("mount", src, dest, "bind", errno, "move_mount", NULL);
	if (set_propagation(tree, r) < 0)
		mount_fail("mount", src, dest, "bind", errno, "set propagation", NULL);
	close(tree);
	close(target);
	close(sfd);
}

static void step_symlinks(const struct plan *pl, struct rd *r)
{
	char *dir = str(r), *target = str(r), sub[PATH_MAX];
	uint32_t n = u32(r);
	int fd;

	snprintf(sub, sizeof(sub), "%s/%s", dir, target);
	fd = root_open(pl->rootfd, dir, O_PATH | O_DIRECTORY);
	if (fd < 0)
		mount_fail("symlink", "", sub, "cgroup", errno, NULL, NULL);
	for (uint32_t i = 0; i < n; i++) {
		char *name = str(r);

		if (symlinkat(target, fd, name) < 0 && errno != EEXIST)
			mount_fail("symlink", "", sub, "cgroup", errno, NULL, NULL);
		free(name);
	}
	close(fd);
}

static void step_rdonly(const struct plan *pl, struct rd *r)
{
	char *dest = str(r);
	int fd = root_open(pl->rootfd, dest, O_PATH | O_DIRECTORY);

	if (fd < 0)
		mount_fail("remount", "tmpfs", dest, "tmpfs", errno, NULL, NULL);
	if (set_attr(fd, 0, MOUNT_ATTR_RDONLY, 0) < 0)
		mount_fail("remount", "tmpfs", dest, "tmpfs", errno, "read-only", NULL);
	close(fd);
}

/* ------------------------------------------------------------------ */
/* /dev (rootfs/devices.go). */

static char dev_type(uint32_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFCHR:
		return 'c';
	case S_IFBLK:
		return 'b';
	case S_IFIFO:
		return 'p';
	}
	return '?';
}

static void make_device(const struct plan *pl, int dev, struct rd *r)
{
	char *path = str(r), *slash, type[2] = { 0, 0 };
	uint32_t mode = u32(r), major = u32(r), minor = u32(r), uid = u32(r), gid = u32(r);
	const char *name;
	dev_t rdev = makedev(major, minor);
	int parent = dev, pfd = -1;

	type[0] = dev_type(mode);
	slash = strrchr(path, '/');
	name = slash + 1;
	if (slash != path + 4 || strncmp(path, "/dev", 4) != 0) {
		char dir[PATH_MAX];

		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
		pfd = resolve_create(pl->rootfd, dir[0] ? dir : "/", KIND_DIR);
		if (pfd < 0)
			mount_fail("device", "", path, type, errno, NULL, NULL);
		parent = pfd;
	}
	if (mknodat(parent, name, mode, rdev) < 0) {
		if (errno != EEXIST || unlinkat(parent, name, 0) < 0 ||
		    mknodat(parent, name, mode, rdev) < 0)
			mount_fail("device", "", path, type, errno, "mknod", NULL);
	}
	if (fchownat(parent, name, uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
		mount_fail("device", "", path, type, errno, "chown", NULL);
	if (pfd >= 0)
		close(pfd);
	free(path);
}

static void setup_dev(struct plan *pl)
{
	static const char *const links[][2] = {
		{ "fd", "/proc/self/fd" },
		{ "stdin", "/proc/self/fd/0" },
		{ "stdout", "/proc/self/fd/1" },
		{ "stderr", "/proc/self/fd/2" },
		{ "core", "/proc/kcore" },
	};
	size_t nlinks = sizeof(links) / sizeof(links[0]), off = 0;
	struct stat st;
	struct rd r;
	mode_t old;
	int dev;

	dev = open_nosym(pl->rootfd, "/dev", O_PATH | O_DIRECTORY);
	if (dev < 0 && errno == ENOENT &&
	    (mkdirat(pl->rootfd, "dev", 0755) == 0 || errno == EEXIST))
		dev = open_nosym(pl->rootfd, "/dev", O_PATH | O_DIRECTORY);
	if (dev < 0 && (errno == ELOOP || errno == ENOTDIR))
		mount_fail("device", "", "/dev", "", 0, NULL,
			   "/dev must be a real directory, not a symlink");
	if (dev < 0)
		mount_fail("device", "", "/dev", "", errno, NULL, NULL);
	old = umask(0);
	while (next(pl, &off, &r))
		if (r.type == I_DEVICE)
			make_device(pl, dev, &r);
	if (stat("/proc/kcore", &st) < 0)
		nlinks--; /* "core" is last */
	for (size_t i = 0; i < nlinks; i++) {
		char name[32];

		if (symlinkat(links[i][1], dev, links[i][0]) < 0 && errno != EEXIST) {
			snprintf(name, sizeof(name), "/dev/%s", links[i][0]);
			mount_fail("symlink", links[i][1], name, "", errno, NULL, NULL);
		}
	}
	if (unlinkat(dev, "ptmx", 0) < 0 && errno != ENOENT)
		mount_fail("symlink", "pts/ptmx", "/dev/ptmx", "", errno, "remove old ptmx", NULL);
	if (symlinkat("pts/ptmx", dev, "ptmx") < 0)
		mount_fail("symlink", "pts/ptmx", "/dev/ptmx", "", errno, NULL, NULL);
	umask(old);
	close(dev);
}

/* ------------------------------------------------------------------ */
/* The root (rootfs/prepare.go, pivot.go). */

static void check_proc(int fd, const char *path, bool root)
{
	struct statfs sfs;
	struct stat st;

	if (fstatfs(fd, &sfs) < 0)
		die("%s: %s", path, cause(errno));
	if (sfs.f_type != PROC_SUPER_MAGIC)
		die("%s: not a procfs", path);
	if (root && (fstat(fd, &st) < 0 || st.st_ino != 1))
		die("%s: not a procfs (not the root of a procfs)", path);
}

static int open_proc(const char *ctx)
{
	int fd = open("/proc", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		die("%s: /proc: %s", ctx, cause(errno));
	check_proc(fd, ctx[0] == 'r' ? "rootfs: host /proc: /proc" : "sysctl: /proc", true);
	return fd;
}

static void prepare_root(struct plan *pl)
{
	unsigned long flag = pl->root_prop ? pl->root_prop : (MS_SLAVE | MS_REC);

	if (realpath(pl->cfg_rootfs, pl->rootfs) == NULL)
		die("rootfs: resolve %s: %s", pl->cfg_rootfs, cause(errno));
	if (strcmp(pl->rootfs, "/") == 0)
		die("rootfs: the rootfs cannot be the host's /");
	pl->rootfs_len = strlen(pl->rootfs);
	close(open_proc("rootfs"));
	if (mount("", "/", NULL, flag, NULL) < 0)
		mount_fail("mount", "", "/", "", errno, "set root propagation", NULL);
	if (mount(pl->rootfs, pl->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
		mount_fail("mount", pl->rootfs, pl->rootfs, "bind", errno, "bind rootfs onto itself", NULL);
	pl->rootfd = open(pl->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (pl->rootfd < 0)
		mount_fail("open root", "", pl->rootfs, "", errno, NULL, NULL);
}

static void pivot(const struct plan *pl)
{
	int oldroot, newroot;

	oldroot = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (oldroot < 0)
		mount_fail("pivot_root", "", pl->rootfs, "", errno, "open old root", NULL);
	newroot = open(pl->rootfs, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (newroot < 0)
		mount_fail("pivot_root", "", pl->rootfs, "", errno, "open new root", NULL);
	if (fchdir(newroot) < 0)
		mount_fail("pivot_root", "", pl->rootfs, "", errno, "chdir to new root", NULL);
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		mount_fail("pivot_root", "", pl->rootfs, "", errno, NULL, NULL);
	if (fchdir(oldroot) < 0)
		mount_fail("pivot_root", "", pl->rootfs, "", errno, "chdir to old root", NULL);
	if (mount("", ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		mount_fail("pivot_root", "", pl->rootfs, "", errno, "make old root rslave", NULL);
	if (umount2(".", MNT_DETACH) < 0)
		mount_fail("pivot_root", "", pl->rootfs, "", errno, "unmount old root", NULL);
	if (chdir("/") < 0)
		mount_fail("pivot_root", "", pl->rootfs, "", errno, "chdir /", NULL);
	close(oldroot);
	close(newroot);
}

/* ------------------------------------------------------------------ */
/* After pivot_root (init_linux.go, rootfs/sysctl.go, rootfs/finalize.go). */

static void write_sysctl(int proc, struct rd *r)
{
	char *key = str(r), *path = str(r), *value = str(r);
	size_t len = strlen(value);
	struct statfs sfs;
	ssize_t n;
	int fd;

	fd = xopenat2(proc, path, O_WRONLY,
		      RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV);
	if (fd < 0)
		die("sysctl %s=%s: %s", key, value, cause(errno));
	if (fstatfs(fd, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC)
		die("sysctl %s=%s: not a procfs", key, value);
	n = write(fd, value, len);
	if (n < 0)
		die("sysctl %s=%s: %s", key, value, cause(errno));
	if ((size_t)n != len)
		die("sysctl %s=%s: short write (%zd of %zu bytes)", key, value, n, len);
	close(fd);
}

static void readonly_path(int root, const char *path)
{
	int target, tree;

	target = root_open(root, path, O_PATH);
	if (target < 0 && (errno == ENOENT || errno == ENOTDIR))
		return;
	if (target < 0)
		mount_fail("readonly", path, path, "bind", errno, NULL, NULL);
	tree = (int)syscall(SYS_open_tree, target, "",
			    OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
	if (tree < 0)
		mount_fail("readonly", path, path, "bind", errno, "open_tree", NULL);
	if (set_attr(tree, AT_RECURSIVE, MOUNT_ATTR_RDONLY, 0) < 0)
		mount_fail("readonly", path, path, "bind", errno, "mount_setattr", NULL);
	if (move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		mount_fail("readonly", path, path, "bind", errno, "move_mount", NULL);
	close(tree);
	close(target);
}

/* The root's /dev/null, checked on the descriptor that gets bound
 * (CVE-2025-31133). */
static int open_dev_null(int root, const char *path)
{
	struct stat st;
	int fd = xopenat2(root, "dev/null", O_PATH, RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS);

	if (fd < 0) {
		char ctx[64];
		snprintf(ctx, sizeof(ctx), "open /dev/null");
		mount_fail("mask", "/dev/null", path, "bind", errno, ctx, NULL);
	}
	if (fstat(fd, &st) < 0)
		mount_fail("mask", "/dev/null", path, "bind", errno, NULL, NULL);
	if (!S_ISCHR(st.st_mode) || major(st.st_rdev) != 1 || minor(st.st_rdev) != 3)
		mount_fail("mask", "/dev/null", path, "bind", 0, NULL,
			   "/dev/null: not the null device (char 1:3)");
	return fd;
}

static void mask_path(int root, const char *path)
{
	struct stat st;
	int target, tree, null;

	target = root_open(root, path, O_PATH);
	if (target < 0 && (errno == ENOENT || errno == ENOTDIR))
		return;
	if (target < 0 || fstat(target, &st) < 0)
		mount_fail("mask", "", path, "", errno, NULL, NULL);
	if (S_ISDIR(st.st_mode)) {
		int fsfd, mfd;

		fsfd = (int)syscall(SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC);
		if (fsfd < 0)
			mount_fail("mask", "tmpfs", path, "tmpfs", errno, "fsopen", NULL);
		if (syscall(SYS_fsconfig, fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
			mount_fail("mask", "tmpfs", path, "tmpfs", errno, "fsconfig create", NULL);
		mfd = (int)syscall(SYS_fsmount, fsfd, FSMOUNT_CLOEXEC,
				   MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
		if (mfd < 0)
			mount_fail("mask", "tmpfs", path, "tmpfs", errno, "fsmount", NULL);
		if (move_mount(mfd, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
			mount_fail("mask", "tmpfs", path, "tmpfs", errno, "move_mount", NULL);
		close(mfd);
		close(fsfd);
		close(target);
		return;
	}
	null = open_dev_null(root, path);
	tree = (int)syscall(SYS_open_tree, null, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
	if (tree < 0)
		mount_fail("mask", "/dev/null", path, "bind", errno, "open_tree", NULL);
	if (move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		mount_fail("mask", "/dev/null", path, "bind", errno, "move_mount", NULL);
	close(tree);
	close(null);
	close(target);
}

static void finalize(const struct plan *pl)
{
	struct rd r;
	size_t off = 0;
	int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (root < 0)
		mount_fail("open root", "", "/", "", errno, NULL, NULL);
	while (next(pl, &off, &r))
		if (r.type == I_ROPATH)
			readonly_path(root, str(&r));
	off = 0;
	while (next(pl, &off, &r))
		if (r.type == I_MASKPATH)
			mask_path(root, str(&r));
	if (pl->dev_ro) {
		int fd = open_nosym(root, "/dev", O_PATH | O_DIRECTORY);

		if (fd < 0)
			mount_fail("remount", "", "/dev", "", errno, NULL, NULL);
		if (set_attr(fd, 0, MOUNT_ATTR_RDONLY, 0) < 0)
			mount_fail("remount", "", "/dev", "", errno, "read-only", NULL);
		close(fd);
	}
	if (pl->root_ro && set_attr(root, 0, MOUNT_ATTR_RDONLY, 0) < 0)
		mount_fail("remount", "", "/", "", errno, "read-only", NULL);
	close(root);
}

/* ------------------------------------------------------------------ */

/* Read the plan's settings (everything but the ordered steps). */
static void read_settings(struct plan *pl)
{
	struct rd r;
	size_t off = 0;

	while (next(pl, &off, &r)) {
		switch (r.type) {
		case I_ROOTFS:
			pl->cfg_rootfs = str(&r);
			break;
		case I_ROOTPROP:
			pl->root_prop = u32(&r);
			break;
		case I_DEVSETUP:
			pl->devsetup = true;
			break;
		case I_HOOKS:
			pl->hooks = true;
			break;
		case I_CGROUPNS:
			pl->cgroupns = true;
			break;
		case I_HOSTNAME:
			pl->hostname = str(&r);
			break;
		case I_DOMAINNAME:
			pl->domainname = str(&r);
			break;
		case I_DEVRO:
			pl->dev_ro = true;
			break;
		case I_ROOTRO:
			pl->root_ro = true;
			break;
		case I_KEYRING:
			pl->keyring = str(&r);
			break;
		case I_FIFO:
			pl->have_fifo = true;
			pl->fifo = u32(&r);
			break;
		case I_NOFIFO:
		case I_MOUNTFS:
		case I_BIND:
		case I_SYMLINKS:
		case I_RDONLY:
		case I_AWAIT_CGROUP:
		case I_DEVICE:
		case I_SYSCTL:
		case I_ROPATH:
		case I_MASKPATH:
			break;
		default:
			if (r.type >= I_ROOTFS)
				die("init spec: unknown attribute %u", r.type);
		}
	}
	if (pl->cfg_rootfs == NULL || pl->cfg_rootfs[0] != '/')
		die("init spec: no absolute rootfs");
}

static struct plan g_plan;

void ocirun_init_prepare(int syncfd, const uint8_t *buf, uint32_t len)
{
	struct plan *pl = &g_plan;
	struct rd r;
	size_t off = 0;

	g_sync = syncfd;
	memset(pl, 0, sizeof(*pl));
	pl->buf = buf;
	pl->len = len;
	pl->rootfd = -1;
	/* Nobody in the container may ptrace us or open our /proc files
	 * while we hold host resources. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		die("set non-dumpable: %s", cause(errno));
	read_settings(pl);
	pl->fd_dir = open("/proc/self/fd", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (pl->fd_dir < 0)
		die("open /proc/self/fd: %s", cause(errno));
	if (setsid() < 0)
		die("setsid: %s", cause(errno));

	prepare_root(pl);
	while (next(pl, &off, &r)) {
		switch (r.type) {
		case I_MOUNTFS:
			step_mountfs(pl, &r);
			break;
		case I_BIND:
			step_bind(pl, &r);
			break;
		case I_SYMLINKS:
			step_symlinks(pl, &r);
			break;
		case I_RDONLY:
			step_rdonly(pl, &r);
			break;
		case I_AWAIT_CGROUP:
			await_cgroup(pl);
			break;
		}
	}
	if (pl->devsetup) {
		/* The parent may still be writing the device cgroup's rules
		 * (v1 denies all before it allows the listed devices): mknod
		 * only once it is done. */
		await_cgroup(pl);
		setup_dev(pl);
	}
	if (fchdir(pl->rootfd) < 0)
		die("rootfs: chdir to rootfs: %s", cause(errno));
	if (pl->hooks) {
		await_cgroup(pl);
		if (ocirun_send_frame(syncfd, MSG_HOOKS_REQ, NULL, 0) < 0)
			die("ask for hooks: %s", cause(errno));
		expect(MSG_HOOKS_DONE);
	}
	pivot(pl);
	close(pl->rootfd);
	if (pl->root_prop != 0 && mount("", "/", NULL, pl->root_prop, NULL) < 0)
		mount_fail("mount", "", "/", "", errno, "set root propagation", NULL);
	await_cgroup(pl);

	if (pl->hostname != NULL && sethostname(pl->hostname, strlen(pl->hostname)) < 0)
		die("set hostname \"%s\": %s", pl->hostname, cause(errno));
	if (pl->domainname != NULL && setdomainname(pl->domainname, strlen(pl->domainname)) < 0)
		die("set domainname \"%s\": %s", pl->domainname, cause(errno));
	off = 0;
	{
		int proc = -1;

		while (next(pl, &off, &r)) {
			if (r.type != I_SYSCTL)
				continue;
			if (proc < 0)
				proc = open_proc("sysctl");
			write_sysctl(proc, &r);
		}
		if (proc >= 0)
			close(proc);
	}
	finalize(pl);
	if (pl->keyring != NULL &&
	    syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, pl->keyring) < 0 &&
	    errno != ENOSYS && errno != EACCES && errno != EPERM)
		die("join session keyring: %s", cause(errno));
}

int ocirun_init_await_start(void)
{
	const struct plan *pl = &g_plan;
	char num[16];
	int fd;

	if (ocirun_send_frame(g_sync, MSG_READY, NULL, 0) < 0)
		die("report ready: %s", cause(errno));
	if (!pl->have_fifo) {
		expect(MSG_START);
		return -1;
	}
	/* Opening for writing blocks until `start` opens it for reading. */
	snprintf(num, sizeof(num), "%u", pl->fifo);
	fd = openat(pl->fd_dir, num, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		die("open exec fifo: %s", cause(errno));
	close((int)pl->fifo);
	close(pl->fd_dir);
	return fd;
}
