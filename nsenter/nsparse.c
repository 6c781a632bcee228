/*
 * nsparse.c: the C stage's bootstrap parser and namespace names. Pure
 * functions: no I/O, no allocation. The constructor (nsexec.c) and the Go
 * test hook (parsehook.go) share them, so fuzzing the hook fuzzes the code
 * that runs in a real init.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "nsexec.h"

/* The namespace types this stage knows, with the names /proc/PID/ns uses. */
static const struct {
	uint32_t flag;
	const char *name;
} ns_types[] = {
	{ CLONE_NEWUSER, "user" },     { CLONE_NEWNS, "mnt" },
	{ CLONE_NEWPID, "pid" },       { CLONE_NEWNET, "net" },
	{ CLONE_NEWUTS, "uts" },       { CLONE_NEWIPC, "ipc" },
	{ CLONE_NEWCGROUP, "cgroup" }, { CLONE_NEWTIME, "time" },
};

#define NS_TYPES_COUNT (sizeof(ns_types) / sizeof(ns_types[0]))

#define ALL_NS_FLAGS                                                    \
	((uint32_t)(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID |        \
		    CLONE_NEWNET | CLONE_NEWUTS | CLONE_NEWIPC |        \
		    CLONE_NEWCGROUP | CLONE_NEWTIME))

const char *ocirun_ns_name(uint32_t flag)
{
	for (size_t i = 0; i < NS_TYPES_COUNT; i++)
		if (ns_types[i].flag == flag)
			return ns_types[i].name;
	return NULL;
}

void ocirun_ns_names(uint32_t flags, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < NS_TYPES_COUNT && off < len; i++) {
		if (!(flags & ns_types[i].flag))
			continue;
		int n = snprintf(buf + off, len - off, "%s%s", off ? "|" : "",
				 ns_types[i].name);
		if (n < 0)
			return;
		off += (size_t)n;
	}
}

static int parse_fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int parse_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

int ocirun_parse_bootstrap(const uint8_t *buf, size_t len,
			   struct ocirun_bootstrap *bs, char *err, size_t errlen)
{
	bool have_flags = false;
	size_t off = 0;

	memset(bs, 0, sizeof(*bs));
	if (errlen > 0)
		err[0] = '\0';
	if (len > OCIRUN_MAX_BOOTSTRAP)
		return parse_fail(err, errlen,
				  "payload of %zu bytes exceeds the limit of %u",
				  len, OCIRUN_MAX_BOOTSTRAP);
	if (len > 0 && buf == NULL)
		return parse_fail(err, errlen, "no buffer");

	while (off < len) {
		size_t left = len - off;
		uint32_t type, alen;
		const uint8_t *val;

		if (left < 8)
			return parse_fail(err, errlen,
					  "truncated attribute header at offset %zu",
					  off);
		type = ocirun_get_le32(buf + off);
		alen = ocirun_get_le32(buf + off + 4);
		if ((size_t)alen > left - 8)
			return parse_fail(err, errlen,
					  "attribute %u at offset %zu claims %u bytes but only %zu remain",
					  type, off, alen, left - 8);
		val = buf + off + 8;
		off += 8 + (size_t)alen;

		switch (type) {
		case OCIRUN_ATTR_CLONEFLAGS:
			if (have_flags)
				return parse_fail(err, errlen,
						  "duplicate CLONEFLAGS attribute");
			if (alen != 4)
				return parse_fail(err, errlen,
						  "CLONEFLAGS attribute of %u bytes, want 4",
						  alen);
			bs->cloneflags = ocirun_get_le32(val);
			if (bs->cloneflags & ~ALL_NS_FLAGS)
				return parse_fail(err, errlen,
						  "unsupported clone flags 0x%x",
						  bs->cloneflags & ~ALL_NS_FLAGS);
			have_flags = true;
			break;

		case OCIRUN_ATTR_NSPATH: {
			uint32_t nstype, plen;

			if (alen < 5)
				return parse_fail(err, errlen,
						  "NSPATH attribute of %u bytes is too short",
						  alen);
			nstype = ocirun_get_le32(val);
			plen = alen - 4;
			if (ocirun_ns_name(nstype) == NULL)
				return parse_fail(err, errlen,
						  "NSPATH with invalid namespace type 0x%x",
						  nstype);
			if (plen >= PATH_MAX)
				return parse_fail(err, errlen,
						  "NSPATH for %s: path of %u bytes is too long",
						  ocirun_ns_name(nstype), plen);
			if (memchr(val + 4, '\0', plen) != NULL)
				return parse_fail(err, errlen,
						  "NSPATH for %s: path contains a NUL byte",
						  ocirun_ns_name(nstype));
			for (uint32_t i = 0; i < bs->njoins; i++)
				if (bs->joins[i].nstype == nstype)
					return parse_fail(err, errlen,
							  "NSPATH: %s namespace joined twice",
							  ocirun_ns_name(nstype));
			if (bs->njoins >= OCIRUN_MAX_JOINS) /* unreachable */
				return parse_fail(err, errlen, "too many NSPATH attributes");
			bs->joins[bs->njoins].nstype = nstype;
			bs->joins[bs->njoins].path_len = plen;
			bs->joins[bs->njoins].path = (const char *)(val + 4);
			bs->njoins++;
			break;
		}

		case OCIRUN_ATTR_TIMENS_OFFSETS:
			if (bs->timens_offsets != NULL)
				return parse_fail(err, errlen,
						  "duplicate TIMENS_OFFSETS attribute");
			if (alen == 0 || alen > OCIRUN_MAX_TIMENS_OFFSETS)
				return parse_fail(err, errlen,
						  "TIMENS_OFFSETS of %u bytes (want 1 to %u)",
						  alen, OCIRUN_MAX_TIMENS_OFFSETS);
			if (memchr(val, '\0', alen) != NULL)
				return parse_fail(err, errlen,
						  "TIMENS_OFFSETS contains a NUL byte");
			bs->timens_offsets = (const char *)val;
			bs->timens_offsets_len = alen;
			break;

		case OCIRUN_ATTR_EXEC:
			if (bs->exec)
				return parse_fail(err, errlen,
						  "duplicate EXEC attribute");
			if (alen != 0)
				return parse_fail(err, errlen,
						  "EXEC attribute of %u bytes, want 0",
						  alen);
			bs->exec = true;
			break;

		default:
			return parse_fail(err, errlen,
					  "unknown attribute type %u at offset %zu",
					  type, off - 8 - (size_t)alen);
		}
	}

	/* Cross-checks that only make sense on the whole message. */
	if (bs->timens_offsets != NULL && !(bs->cloneflags & CLONE_NEWTIME))
		return parse_fail(err, errlen,
				  "TIMENS_OFFSETS given without creating a time namespace");
	for (uint32_t i = 0; i < bs->njoins; i++)
		if (bs->joins[i].nstype & bs->cloneflags)
			return parse_fail(err, errlen,
					  "%s namespace both joined and created",
					  ocirun_ns_name(bs->joins[i].nstype));
	return 0;
}
