/*
 * fastpath.c: `oci-run start`, `state`, `kill` and `delete` without the Go
 * runtime.
 *
 * A Go runtime start costs ~6-8 ms on a small VM (threads, heap, page
 * faults); these commands do a few file operations each. This
 * constructor runs before the Go runtime and, when the command line and the
 * container are the common case, does the command and exits. Anything else
 * -- an unknown flag, a missing summary, a container in the wrong state,
 * hooks to run, a busy cgroup -- returns to Go, which does the whole
 * command as before, so errors keep their Go wording.
 *
 * What a container needs to be served here is in its summary file
 * (<state dir>/fast), written by the CLI's create (fastpath.go). Its
 * format is a sequence of netstrings ("<len>:<bytes>,"):
 *
 *   "ocirun-fast-1", pid, start time (ticks), flags ('S': start may go
 *   fast, no poststart hooks; 'D': delete may go fast, no poststop hooks
 *   and a cgroupfs v1 driver), freezer kind ("", "v1", "v2"), freezer
 *   file, the number N of cgroup directories, N directories, and the
 *   `state` output around its pid and status (prefix, suffix).
 *
 * `start` hands its outcome back to Go once it has opened the exec fifo
 * (ocirun_fast_outcome), because from then on it cannot be redone: Go
 * turns it into the same error the Go path reports.
 *
 * OCIRUN_NO_FAST=1 turns the fast path off (tests run both paths).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "fastpath.h"

#define ENV_OFF "OCIRUN_NO_FAST"
#define ENV_INIT "_OCIRUN_INIT"
#define ENV_PHASES "OCIRUN_PHASES"
#define DEFAULT_ROOT "/run/oci-run"
#define SUMMARY_MAGIC "ocirun-fast-1"
#define MAX_ID 1024
#define MAX_SUMMARY (256 * 1024)
#define MAX_CGROUPS 64

struct ocirun_fast_outcome ocirun_fast_outcome;

struct args {
	const char *root;
	const char *log;
	const char *cmd;
	const char *id;
	const char *signal; /* kill's second argument, or NULL */
	bool force;
	bool debug;
};

struct str {
	const char *p;
	size_t n;
};

struct summary {
	char *buf;
	long pid;
	unsigned long long start_time;
	bool fast_start, fast_delete;
	struct str freezer_kind, freezer_file;
	size_t ncgroups;
	struct str cgroups[MAX_CGROUPS];
	struct str prefix, suffix;
};

/* --- command line -------------------------------------------------------- */

/* flag_value takes a string flag's value the way Go's flag package does:
 * after '=', else the next argument whatever it looks like. */
static const char *flag_value(const char *eq, int argc, char **argv, int *i)
{
	if (eq != NULL)
		return eq + 1;
	if (*i + 1 >= argc)
		return NULL;
	return argv[++*i];
}

static bool valid_id(const char *id)
{
	size_t n = strlen(id);

	if (n == 0 || n > MAX_ID || id[0] == '.')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = id[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '+' || c == '-' || c == '.'))
			return false;
	}
	return true;
}

/* parse_globals reads the global flags a container manager passes, up to
 * the command, whose index it stores in *cmd (argc if there is none). It
 * returns false on any other flag (--version, --help, unknown). */
static bool parse_globals(int argc, char **argv, struct args *a, int *cmd)
{
	int i;

	memset(a, 0, sizeof(*a));
	for (i = 1; i < argc; i++) {
		const char *s = argv[i], *name, *eq, *v;
		size_t n;

		if (s[0] != '-')
			break;
		name = s[1] == '-' ? s + 2 : s + 1;
		if (name[0] == '\0' || name[0] == '-' || name[0] == '=')
			return false;
		eq = strchr(name, '=');
		n = eq ? (size_t)(eq - name) : strlen(name);
#define IS(lit) (n == sizeof(lit) - 1 && strncmp(name, lit, n) == 0)
		if (IS("root")) {
			if ((v = flag_value(eq, argc, argv, &i)) == NULL || v[0] == '\0')
				return false;
			a->root = v;
		} else if (IS("log")) {
			if ((v = flag_value(eq, argc, argv, &i)) == NULL)
				return false;
			a->log = v;
		} else if (IS("log-format")) {
			if ((v = flag_value(eq, argc, argv, &i)) == NULL ||
			    (strcmp(v, "text") != 0 && strcmp(v, "json") != 0))
				return false;
		} else if (IS("rootless") || IS("criu")) {
			if (flag_value(eq, argc, argv, &i) == NULL)
				return false;
		} else if (IS("systemd-cgroup") || IS("debug")) {
			if (eq != NULL)
				return false;
			a->debug = a->debug || IS("debug");
		} else {
			return false; /* --version, --help, unknown */
		}
#undef IS
	}
	*cmd = i;
	return true;
}

bool ocirun_fast_command(int argc, char **argv, const char **cmd, int *next)
{
	struct args a;
	int i;

	if (!parse_globals(argc, argv, &a, &i) || i >= argc)
		return false;
	*cmd = argv[i];
	*next = i + 1;
	return true;
}

/* parse_args accepts the global flags a container manager passes and one
 * of the four commands with an id; anything else (--debug too) is left to
 * Go. */
static bool parse_args(int argc, char **argv, struct args *a)
{
	int i;

	if (!parse_globals(argc, argv, a, &i) || a->debug || i >= argc)
		return false;
	a->cmd = argv[i++];
	if (strcmp(a->cmd, "start") != 0 && strcmp(a->cmd, "state") != 0 &&
	    strcmp(a->cmd, "delete") != 0 && strcmp(a->cmd, "kill") != 0)
		return false;
	for (; i < argc; i++) {
		const char *s = argv[i];

		if (s[0] == '-') {
			if (strcmp(a->cmd, "delete") == 0 &&
			    (strcmp(s, "--force") == 0 || strcmp(s, "-force") == 0 ||
			     strcmp(s, "-f") == 0 || strcmp(s, "--f") == 0)) {
				a->force = true;
				continue;
			}
			return false;
		}
		if (a->id == NULL)
			a->id = s;
		else if (strcmp(a->cmd, "kill") == 0 && a->signal == NULL)
			a->signal = s;
		else
			return false;
	}
	if (a->id == NULL || !valid_id(a->id))
		return false;
	if (a->root == NULL) {
		if (geteuid() != 0)
			return false; /* $XDG_RUNTIME_DIR and friends: Go's job */
		a->root = DEFAULT_ROOT;
	}
	return true;
}

/* --- files --------------------------------------------------------------- */

/* read_at reads a whole small file below dirfd into a NUL-terminated
 * malloc'd buffer; -1 on error (errno set) or when it exceeds max. */
static ssize_t read_at(int dirfd, const char *name, char **out, size_t max)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	size_t len = 0, cap = 4096;
	char *buf;

	if (fd < 0)
		return -1;
	buf = malloc(cap + 1);
	if (buf == NULL)
		goto fail;
	for (;;) {
		ssize_t n;

		if (len == cap) {
			char *nb;

			if (cap >= max) {
				errno = EFBIG;
				goto fail;
			}
			cap *= 2;
			nb = realloc(buf, cap + 1);
			if (nb == NULL)
				goto fail;
			buf = nb;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		if (n == 0)
			break;
		len += n;
	}
	close(fd);
	buf[len] = '\0';
	*out = buf;
	return len;
fail:
	close(fd);
	free(buf);
	return -1;
}

static bool write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		p += w;
		n -= w;
	}
	return true;
}

/* --- summary ------------------------------------------------------------- */

static bool next_field(const char **p, const char *end, struct str *f)
{
	size_t n = 0;
	const char *q = *p;

	if (q >= end || *q < '0' || *q > '9')
		return false;
	while (q < end && *q >= '0' && *q <= '9') {
		if (n > MAX_SUMMARY)
			return false;
		n = n * 10 + (*q++ - '0');
	}
	if (q >= end || *q++ != ':' || (size_t)(end - q) < n + 1 || q[n] != ',')
		return false;
	f->p = q;
	f->n = n;
	*p = q + n + 1;
	return true;
}

static bool field_number(struct str f, unsigned long long *v)
{
	unsigned long long x = 0;

	if (f.n == 0 || f.n > 20)
		return false;
	for (size_t i = 0; i < f.n; i++) {
		unsigned d = (unsigned)(f.p[i] - '0');

		if (f.p[i] < '0' || f.p[i] > '9' || x > (ULLONG_MAX - d) / 10)
			return false;
		x = x * 10 + d;
	}
	*v = x;
	return true;
}

static bool field_is(struct str f, const char *lit)
{
	return f.n == strlen(lit) && memcmp(f.p, lit, f.n) == 0;
}

/* parse_summary checks every field; false means "let Go do it". Strings
 * that are used as paths must not contain NUL (they are used in place,
 * each followed by the ',' that is replaced by a NUL). */
static bool parse_summary(char *buf, size_t len, struct summary *s)
{
	const char *p = buf, *end = buf + len;
	struct str f;
	unsigned long long v;

	memset(s, 0, sizeof(*s));
	s->buf = buf;
	if (!next_field(&p, end, &f) || !field_is(f, SUMMARY_MAGIC))
		return false;
	if (!next_field(&p, end, &f) || !field_number(f, &v) || v == 0 || v > 0x7fffffff)
		return false;
	s->pid = (long)v;
	if (!next_field(&p, end, &f) || !field_number(f, &s->start_time))
		return false;
	if (!next_field(&p, end, &f))
		return false;
	for (size_t i = 0; i < f.n; i++) {
		if (f.p[i] == 'S')
			s->fast_start = true;
		else if (f.p[i] == 'D')
			s->fast_delete = true;
		else
			return false;
	}
	if (!next_field(&p, end, &s->freezer_kind) || !next_field(&p, end, &s->freezer_file))
		return false;
	if (!field_is(s->freezer_kind, "") && !field_is(s->freezer_kind, "v1") &&
	    !field_is(s->freezer_kind, "v2"))
		return false;
	if (!field_is(s->freezer_kind, "") && (s->freezer_file.n == 0 || s->freezer_file.p[0] != '/'))
		return false;
	if (!next_field(&p, end, &f) || !field_number(f, &v) || v > MAX_CGROUPS)
		return false;
	s->ncgroups = v;
	for (size_t i = 0; i < s->ncgroups; i++) {
		if (!next_field(&p, end, &s->cgroups[i]) || s->cgroups[i].n == 0 || s->cgroups[i].p[0] != '/')
			return false;
	}
	if (!next_field(&p, end, &s->prefix) || !next_field(&p, end, &s->suffix) || p != end)
		return false;
	/* Paths are used as C strings: no NUL inside, and terminate each. */
	struct str *paths[MAX_CGROUPS + 1];
	size_t np = 0;
	paths[np++] = &s->freezer_file;
	for (size_t i = 0; i < s->ncgroups; i++)
		paths[np++] = &s->cgroups[i];
	for (size_t i = 0; i < np; i++) {
		if (memchr(paths[i]->p, '\0', paths[i]->n) != NULL)
			return false;
	}
	for (size_t i = 0; i < np; i++)
		((char *)paths[i]->p)[paths[i]->n] = '\0';
	return true;
}

/* --- process and status -------------------------------------------------- */

/* alive: pid is the live, non-zombie process that started at start_time
 * (the Go path's pidAlive). */
static bool alive(long pid, unsigned long long start_time)
{
	char path[64], buf[1024], *p;
	int fd, field;
	ssize_t n;
	char state;
	unsigned long long st = 0;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (p == NULL || p[1] != ' ' || p[2] == '\0')
		return false;
	p += 2;
	state = *p;
	/* field 3 is the state; field 22 the start time. */
	for (field = 3; field < 22; field++) {
		p = strchr(p, ' ');
		if (p == NULL)
			return false;
		p++;
	}
	if (*p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9')
		st = st * 10 + (*p++ - '0');
	if (*p != ' ' && *p != '\n' && *p != '\0')
		return false;
	return st == start_time && state != 'Z' && state != 'X';
}

enum status { ST_UNKNOWN, ST_CREATED, ST_RUNNING, ST_PAUSED, ST_STOPPED };

static const char *status_name(enum status s)
{
	switch (s) {
	case ST_CREATED:
		return "created";
	case ST_RUNNING:
		return "running";
	case ST_PAUSED:
		return "paused";
	case ST_STOPPED:
		return "stopped";
	default:
		return NULL;
	}
}

/* freezer_status is the Go path's reading of the freezer for a live
 * container past `created`; ST_UNKNOWN (freezing, or v2 frozen, which Go
 * confirms from cgroup.events) is left to Go. */
static enum status freezer_status(const struct summary *s)
{
	char *v = NULL;
	ssize_t n;
	enum status st = ST_UNKNOWN;

	if (field_is(s->freezer_kind, ""))
		return ST_RUNNING;
	n = read_at(AT_FDCWD, s->freezer_file.p, &v, 64);
	if (n < 0) {
		/* Go: an unreadable freezer counts as not frozen. */
		return ST_RUNNING;
	}
	while (n > 0 && (v[n - 1] == '\n' || v[n - 1] == ' ' || v[n - 1] == '\t'))
		v[--n] = '\0';
	if (field_is(s->freezer_kind, "v1")) {
		if (strcmp(v, "THAWED") == 0)
			st = ST_RUNNING;
		else if (strcmp(v, "FROZEN") == 0)
			st = ST_PAUSED;
	} else if (strcmp(v, "0") == 0) {
		st = ST_RUNNING;
	}
	free(v);
	return st;
}

static enum status status_of(int dirfd, const struct summary *s)
{
	struct stat sb;

	if (!alive(s->pid, s->start_time))
		return ST_STOPPED;
	if (fstatat(dirfd, "exec.fifo", &sb, 0) == 0)
		return ST_CREATED;
	return freezer_status(s);
}

/* --- phase marks (internal/phase's format) ------------------------------- */

static void mark(const char *name)
{
	const char *file = getenv(ENV_PHASES);
	struct timespec ts;
	char line[128];
	int fd, n;

	if (file == NULL || file[0] == '\0' || clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return;
	n = snprintf(line, sizeof(line), "%lld %d %s\n",
		     (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec, (int)getpid(), name);
	fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	write_all(fd, line, n);
	close(fd);
}

/* --- commands ------------------------------------------------------------ */

static int lock_dir(int dirfd)
{
	int fd = openat(dirfd, "lock", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

	if (fd < 0)
		return -1;
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			close(fd);
			return -1;
		}
	}
	return fd;
}

/* cmd_state prints what the Go `state` prints (fastpath.RenderState);
 * false: let Go do it. */
static bool cmd_state(int dirfd, const struct summary *s)
{
	static const char status_key[] = ",\n  \"status\": \"", status_end[] = "\",\n";
	enum status st = status_of(dirfd, s);
	const char *name = status_name(st);
	char pid[32], *out, *q;
	size_t total;

	if (name == NULL)
		return false;
	snprintf(pid, sizeof(pid), "%ld", st == ST_STOPPED ? 0L : s->pid);
	total = s->prefix.n + strlen(pid) + strlen(status_key) + strlen(name) + strlen(status_end) + s->suffix.n;
	out = q = malloc(total);
	if (out == NULL)
		return false;
#define PUT(p, n) (memcpy(q, (p), (n)), q += (n))
	PUT(s->prefix.p, s->prefix.n);
	PUT(pid, strlen(pid));
	PUT(status_key, strlen(status_key));
	PUT(name, strlen(name));
	PUT(status_end, strlen(status_end));
	PUT(s->suffix.p, s->suffix.n);
#undef PUT
	mark("fast state");
	if (!write_all(1, out, total)) {
		ocirun_fast_outcome.kind = OCIRUN_FAST_WRITE_STDOUT;
		ocirun_fast_outcome.err = errno;
		free(out);
		return true;
	}
	free(out);
	_exit(0);
}

/* start_outcome hands a result that only Go can word back to Go. */
static bool start_outcome(int kind, int err)
{
	mark("fast start");
	ocirun_fast_outcome.kind = kind;
	ocirun_fast_outcome.err = err;
	return true;
}

/* cmd_start opens the exec fifo and waits for the init's "0" and EOF (it
 * has exec'd the process) or its exit, as the Go path's openFifo. */
static bool cmd_start(int dirfd, const char *dir, const struct summary *s)
{
	int lockfd, pidfd, fifo;
	bool exited = false;
	struct ocirun_fast_outcome *o = &ocirun_fast_outcome;

	if (!s->fast_start)
		return false;
	lockfd = lock_dir(dirfd);
	if (lockfd < 0)
		return false;
	if (status_of(dirfd, s) != ST_CREATED)
		goto fallback;
	pidfd = (int)syscall(SYS_pidfd_open, (pid_t)s->pid, 0);
	if (pidfd < 0)
		goto fallback;
	if (!alive(s->pid, s->start_time)) {
		close(pidfd);
		goto fallback;
	}
	snprintf(o->path, sizeof(o->path), "%s/exec.fifo", dir);
	fifo = openat(dirfd, "exec.fifo", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fifo < 0) {
		close(pidfd);
		close(lockfd);
		return start_outcome(OCIRUN_FAST_OPEN_FIFO, errno);
	}
	/* From here on the start has happened: the outcome goes to Go. */
	for (;;) {
		struct pollfd pfd[2] = {{fifo, POLLIN, 0}, {pidfd, POLLIN, 0}};

		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			goto read_failed;
		}
		if (pfd[0].revents != 0) {
			ssize_t n;

			if (o->len == sizeof(o->msg))
				break;
			n = read(fifo, o->msg + o->len, sizeof(o->msg) - o->len);
			if (n > 0) {
				o->len += n;
				continue;
			}
			if (n == 0)
				break;
			if (errno == EAGAIN || errno == EINTR)
				continue;
			goto read_failed;
		}
		if (pfd[1].revents != 0) {
			/* The init is gone: take what it wrote, if anything. */
			exited = true;
			while (o->len < sizeof(o->msg)) {
				ssize_t n = read(fifo, o->msg + o->len, sizeof(o->msg) - o->len);
				if (n <= 0)
					break;
				o->len += n;
			}
			break;
		}
	}
	close(fifo);
	close(pidfd);
	if (exited && o->len == 0)
		unlinkat(dirfd, "exec.fifo", 0);
	if (o->len == 0) {
		close(lockfd);
		return start_outcome(OCIRUN_FAST_EXITED, 0);
	}
	if (o->len != 1 || o->msg[0] != '0') {
		unlinkat(dirfd, "exec.fifo", 0);
		close(lockfd);
		return start_outcome(OCIRUN_FAST_INIT_ERROR, 0);
	}
	if (unlinkat(dirfd, "exec.fifo", 0) < 0 && errno != ENOENT) {
		int e = errno;
		close(lockfd);
		return start_outcome(OCIRUN_FAST_REMOVE_FIFO, e);
	}
	close(lockfd);
	mark("fast start");
	_exit(0);
read_failed: {
	int e = errno;

	close(fifo);
	close(pidfd);
	close(lockfd);
	return start_outcome(OCIRUN_FAST_READ_FIFO, e);
}
fallback:
	close(lockfd);
	return false;
}

/* parse_signal reads kill's signal as the Go path does for the common
 * spellings: a number 1-64, or a name with or without SIG in any case.
 * 0: let Go parse (and word the error for) anything else. */
static int parse_signal(const char *s)
{
	static const struct {
		const char *name;
		int num;
	} names[] = {
		{"HUP", SIGHUP},   {"INT", SIGINT},   {"QUIT", SIGQUIT},   {"KILL", SIGKILL},
		{"USR1", SIGUSR1}, {"USR2", SIGUSR2}, {"TERM", SIGTERM},   {"CONT", SIGCONT},
		{"STOP", SIGSTOP}, {"WINCH", SIGWINCH}, {"ALRM", SIGALRM}, {"PWR", SIGPWR},
	};
	char up[16];
	size_t n = strlen(s), i;

	if (n == 0 || n >= sizeof(up))
		return 0;
	if (s[0] >= '0' && s[0] <= '9') {
		int v = 0;
		for (i = 0; i < n; i++) {
			if (s[i] < '0' || s[i] > '9' || v > 64)
				return 0;
			v = v * 10 + (s[i] - '0');
		}
		return v >= 1 && v <= 64 ? v : 0;
	}
	for (i = 0; i <= n; i++)
		up[i] = (s[i] >= 'a' && s[i] <= 'z') ? s[i] - 'a' + 'A' : s[i];
	const char *name = strncmp(up, "SIG", 3) == 0 ? up + 3 : up;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(name, names[i].name) == 0)
			return names[i].num;
	}
	return 0;
}

/* cmd_kill signals the init of a created, running or paused container
 * (kill without --all); a stopped one, or a failed send, goes to Go. */
static bool cmd_kill(const struct summary *s, const char *signal)
{
	int sig = signal == NULL ? SIGTERM : parse_signal(signal);
	int pidfd;

	if (sig == 0 || !alive(s->pid, s->start_time))
		return false;
	pidfd = (int)syscall(SYS_pidfd_open, (pid_t)s->pid, 0);
	if (pidfd < 0)
		return false;
	if (!alive(s->pid, s->start_time) ||
	    syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0) {
		close(pidfd);
		return false;
	}
	close(pidfd);
	mark("fast kill");
	_exit(0);
}

/* remove_dir_contents empties the state directory (regular files, and
 * empty directories); false if something else is in it. */
static bool remove_dir_contents(int dirfd)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d;
	struct dirent *e;
	bool ok = true;

	if (fd < 0)
		return false;
	d = fdopendir(fd);
	if (d == NULL) {
		close(fd);
		return false;
	}
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (unlinkat(dirfd, e->d_name, 0) == 0 || errno == ENOENT)
			continue;
		if (errno == EISDIR && unlinkat(dirfd, e->d_name, AT_REMOVEDIR) == 0)
			continue;
		ok = false;
		break;
	}
	closedir(d);
	return ok;
}

/* kill_init SIGKILLs the init of a created container, or of a running one
 * with --force, and waits until it is gone, as the Go path's killInit; a
 * paused container (it would have to be thawed) and anything unexpected
 * go to Go. *killed tells whether it sent the signal. */
static bool kill_init(int dirfd, const struct summary *s, bool force, bool *killed)
{
	enum status st = status_of(dirfd, s);
	struct pollfd pfd;
	int pidfd, n;

	*killed = false;
	if (st == ST_STOPPED)
		return true;
	if (st != ST_CREATED && (st != ST_RUNNING || !force))
		return false;
	pidfd = (int)syscall(SYS_pidfd_open, (pid_t)s->pid, 0);
	if (pidfd < 0)
		return !alive(s->pid, s->start_time);
	if (!alive(s->pid, s->start_time)) {
		close(pidfd);
		return true;
	}
	if (syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0) < 0) {
		close(pidfd);
		return false;
	}
	*killed = true;
	pfd = (struct pollfd){pidfd, POLLIN, 0};
	do
		n = poll(&pfd, 1, 10000);
	while (n < 0 && errno == EINTR);
	close(pidfd);
	return n == 1;
}

/* remove_cgroup removes one cgroup directory; right after a kill it waits
 * a little for the dying processes to leave it. */
static bool remove_cgroup(const char *dir, bool wait)
{
	for (int i = 0;; i++) {
		if (rmdir(dir) == 0 || errno == ENOENT)
			return true;
		if (errno != EBUSY || !wait || i >= 30)
			return false;
		usleep(i < 10 ? 1000 : 5000);
	}
}

/* cmd_delete removes a container whose init is gone (or that it killed):
 * its cgroup directories, then its state directory, as the Go path's
 * Destroy does when nothing is busy. */
static bool cmd_delete(int dirfd, const char *dir, const struct summary *s, bool force)
{
	int lockfd;
	bool killed;

	if (!s->fast_delete)
		return false;
	lockfd = lock_dir(dirfd);
	if (lockfd < 0)
		return false;
	if (!kill_init(dirfd, s, force, &killed))
		goto fallback; /* paused, running without --force: Go decides */
	for (size_t i = 0; i < s->ncgroups; i++) {
		if (!remove_cgroup(s->cgroups[i].p, killed))
			goto fallback; /* busy: Go kills what is left and retries */
	}
	if (!remove_dir_contents(dirfd) || (rmdir(dir) < 0 && errno != ENOENT))
		goto fallback;
	close(lockfd);
	mark("fast delete");
	_exit(0);
fallback:
	close(lockfd);
	return false;
}

/* ocirun_fast_summary_hook parses a summary for Go's tests: it returns
 * whether parse_summary accepts it and, if so, fills r. buf is modified. */
int ocirun_fast_summary_hook(char *buf, size_t len, struct ocirun_fast_summary_view *r)
{
	struct summary s;

	if (!parse_summary(buf, len, &s))
		return 0;
	r->pid = s.pid;
	r->start_time = s.start_time;
	r->fast_start = s.fast_start;
	r->fast_delete = s.fast_delete;
	r->freezer_v = field_is(s.freezer_kind, "v1") ? 1 : field_is(s.freezer_kind, "v2") ? 2 : 0;
	r->ncgroups = (int)s.ncgroups;
	r->prefix_len = s.prefix.n;
	r->suffix_len = s.suffix.n;
	return 1;
}

/* ocirun_fast runs a command if it can; it returns when Go must. */
static void ocirun_fast(int argc, char **argv)
{
	struct args a;
	struct summary s;
	char dir[PATH_MAX], *buf = NULL;
	int dirfd;
	ssize_t n;
	const char *off = getenv(ENV_OFF), *init = getenv(ENV_INIT);

	if ((off != NULL && off[0] != '\0' && strcmp(off, "0") != 0) || init != NULL)
		return;
	if (argc < 3 || !parse_args(argc, argv, &a))
		return;
	if ((size_t)snprintf(dir, sizeof(dir), "%s/%s", a.root, a.id) >= sizeof(dir))
		return;
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return;
	n = read_at(dirfd, "fast", &buf, MAX_SUMMARY);
	if (n < 0 || !parse_summary(buf, n, &s)) {
		free(buf);
		close(dirfd);
		return;
	}
	if (a.log != NULL) {
		/* The Go path opens (creates) the log file in any case. */
		int fd = open(a.log, O_CREAT | O_WRONLY | O_APPEND | O_CLOEXEC, 0644);
		if (fd < 0) {
			free(buf);
			close(dirfd);
			return;
		}
		close(fd);
	}
	if (strcmp(a.cmd, "state") == 0)
		cmd_state(dirfd, &s);
	else if (strcmp(a.cmd, "start") == 0)
		cmd_start(dirfd, dir, &s);
	else if (strcmp(a.cmd, "kill") == 0)
		cmd_kill(&s, a.signal);
	else
		cmd_delete(dirfd, dir, &s, a.force);
	free(buf);
	close(dirfd);
}

__attribute__((constructor)) static void ocirun_fast_ctor(int argc, char **argv)
{
	ocirun_fast(argc, argv);
}
