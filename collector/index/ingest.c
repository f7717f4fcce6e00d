/* SPDX-License-Identifier: MIT */
/* `index add`'s reading half: one bundle, judged by verify's checks and
 * described for the index, or refused with the reason (batch.c writes).
 *
 * Order: hash the file (its sha256 is the bundle's identity) and stop if
 * the index knows it; verify it (signature when allowed signers are
 * given, archive, members, schema), reading each level's cpuinfo in the
 * same pass through verify's tap; check the file did not change
 * meanwhile; describe the manifest (doc.h, which applies the caps and
 * evaluates the findings with the current rules). */
#include "index.h"
#include "index_internal.h"
#include "bundle/diff.h"
#include "findings/mlevel.h"
#include "trust/verify.h"
#include "util/utf8.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define HASH_CHUNK (256 * 1024)
/* The first processor's flags line is in the first few KiB of cpuinfo. */
#define CPUINFO_KEEP (256 * 1024)

const char *nr_index_outcome_name(enum nr_index_outcome o)
{
	static const char *const names[] = { "added", "known", "refused", "unreadable" };

	return o <= NR_INDEX_UNREADABLE ? names[o] : "?";
}

/* ---- the file ----------------------------------------------------------- */

static int hash_fd(int fd, char hex[NR_SHA256_HEX], struct nr_error *err)
{
	unsigned char digest[NR_SHA256_LEN];
	struct nr_sha256 sha;
	char *buf = malloc(HASH_CHUNK);
	ssize_t n;

	if (!buf)
		return nr_error_set(err, ENOMEM, "out of memory");
	nr_sha256_init(&sha);
	while ((n = read(fd, buf, HASH_CHUNK)) > 0 || (n < 0 && errno == EINTR))
		if (n > 0)
			nr_sha256_update(&sha, buf, (size_t)n);
	free(buf);
	if (n < 0)
		return nr_error_set(err, errno, "%s", strerror(errno));
	nr_sha256_final(&sha, digest);
	nr_sha256_hex(digest, hex);
	return 0;
}

static int same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/* ---- cpuinfo through verify's tap --------------------------------------- */

struct cpuinfo {
	const char *path;          /* the artifact the manifest lists */
	const char *level;
	char *buf;
	size_t len;
};

struct tap {
	const struct nr_verify_result *res;   /* its manifest is read before any member */
	struct cpuinfo cpu[NR_INDEX_LEVELS_MAX];
	size_t n;
	int ready, oom;
};

static void tap_plan(struct tap *t)
{
	json_object *levels = nr_mlevel_member(t->res->manifest, "levels", json_type_array);
	size_t i;

	t->ready = 1;
	for (i = 0; levels && i < json_object_array_length(levels) && t->n < NR_INDEX_LEVELS_MAX; i++) {
		json_object *lv = json_object_array_get_idx(levels, i);
		const char *path = nr_mlevel_artifact_path(lv, "cpu", "cpuinfo"), *id = nr_mlevel_id(lv);

		if (path && id)
			t->cpu[t->n++] = (struct cpuinfo){ path, id, NULL, 0 };
	}
}

static void tap_member(void *arg, const char *path, const void *buf, size_t len)
{
	struct tap *t = arg;
	struct cpuinfo *c = NULL;
	size_t i, take;
	char *grown;

	if (!t->ready)
		tap_plan(t);
	for (i = 0; i < t->n && !c; i++)
		if (strcmp(t->cpu[i].path, path) == 0)
			c = &t->cpu[i];
	if (!c || c->len >= CPUINFO_KEEP || t->oom)
		return;
	take = len < CPUINFO_KEEP - c->len ? len : CPUINFO_KEEP - c->len;
	grown = realloc(c->buf, c->len + take + 1);
	if (!grown) {
		t->oom = 1;
		return;
	}
	memcpy(grown + c->len, buf, take);
	c->buf = grown;
	c->len += take;
	c->buf[c->len] = '\0';
}

/* level id -> [flag], from what the tap kept. */
static json_object *tap_flags(const struct tap *t)
{
	json_object *o = json_object_new_object(), *flags;
	size_t i;

	for (i = 0; o && i < t->n; i++)
		if (t->cpu[i].buf && (flags = nr_diff_cpu_flags(t->cpu[i].buf, t->cpu[i].len)))
			json_object_object_add(o, t->cpu[i].level, flags);
	return o;
}

static void tap_release(struct tap *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->cpu[i].buf);
}

/* ---- judging ------------------------------------------------------------ */

static void refuse(struct nr_index_added *res, enum nr_index_outcome o, const char *check, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void refuse(struct nr_index_added *res, enum nr_index_outcome o, const char *check, const char *fmt, ...)
{
	va_list ap;

	res->outcome = o;
	res->check = check;
	va_start(ap, fmt);
	vsnprintf(res->reason, sizeof(res->reason), fmt, ap);
	va_end(ap);
}

/* The first check that failed, as the reason. */
static int verified(const struct nr_verify_result *v, struct nr_index_added *res)
{
	int i;

	for (i = 0; i < NR_CHECK_COUNT; i++)
		if (v->checks[i].status == NR_CHECK_FAIL) {
			refuse(res, NR_INDEX_REFUSED, nr_check_name((enum nr_check_id)i), "%s: %s",
			       nr_check_name((enum nr_check_id)i), v->checks[i].message);
			return 0;
		}
	if (v->checks[NR_CHECK_SIGNATURE].status == NR_CHECK_PASS)
		snprintf(res->signature, sizeof(res->signature), "good");
	else
		snprintf(res->signature, sizeof(res->signature), v->has_sig ? "unchecked" : "unsigned");
	return 1;
}

/* JSON text headed for a TEXT column: valid UTF-8 without NUL (json-c
 * writes it so; PostgreSQL would refuse anything else, SQLite would not). */
static int storable(const char *s)
{
	size_t len = strlen(s), i = 0, n;

	while (i < len) {
		if (!(n = nr_utf8_seq_len((const unsigned char *)s + i, len - i)))
			return 0;
		i += n;
	}
	return 1;
}

/* ---- the whole of it: read, check, describe ---------------------------- */

int nr_index_read_bundle(const char *path, const struct nr_index_add_opts *o, struct nr_index *ix,
                         struct nr_index_added *res, struct nr_verify_result *v, struct nr_index_doc *doc,
                         char **text, struct nr_error *err)
{
	struct nr_verify_opts vo = { .allowed_signers = o->allowed_signers, .identity = o->identity,
	                             .limits = o->limits, .schemas = o->schemas };
	struct tap t = { .res = v };
	struct nr_error e = { 0 };
	json_object *flags = NULL;
	struct stat before, after;
	int fd = -1, rc = 0;

	memset(res, 0, sizeof(*res));
	memset(v, 0, sizeof(*v));
	memset(doc, 0, sizeof(*doc));
	res->outcome = NR_INDEX_ADDED;
	if (!realpath(path, res->path)) {
		refuse(res, NR_INDEX_UNREADABLE, "file", "cannot read %s: %s", path, strerror(errno));
		snprintf(res->path, sizeof(res->path), "%s", path);
		goto out;
	}
	fd = open(res->path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);   /* a FIFO must not block */
	if (fd < 0 || fstat(fd, &before) < 0) {
		refuse(res, NR_INDEX_UNREADABLE, "file", "cannot read %s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(before.st_mode)) {
		refuse(res, NR_INDEX_UNREADABLE, "file", "%s is not a regular file", path);
		goto out;
	}
	res->size = (unsigned long long)before.st_size;
	if (hash_fd(fd, res->sha256, &e) < 0) {
		refuse(res, NR_INDEX_UNREADABLE, "file", "cannot read %s: %s", path, e.msg);
		goto out;
	}
	if (ix && (rc = nr_index_known(ix, res, err)) != 0)
		goto out;
	vo.tap = tap_member;
	vo.tap_arg = &t;
	if (nr_verify_run(res->path, &vo, v, &e) < 0) {
		refuse(res, NR_INDEX_UNREADABLE, "file", "%s", e.msg);
		goto out;
	}
	if (!verified(v, res))
		goto out;
	if (stat(res->path, &after) < 0 || !same_file(&before, &after)) {
		refuse(res, NR_INDEX_UNREADABLE, "file", "%s changed while it was read", path);
		goto out;
	}
	if (t.oom || !(flags = tap_flags(&t))) {
		rc = nr_error_set(err, ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = nr_index_doc_build(v->manifest, flags, doc, &e)) == -EBADMSG) {
		refuse(res, NR_INDEX_REFUSED, "content", "%s", e.msg);
		rc = 0;
		goto out;
	}
	if (rc < 0) {
		rc = nr_error_set(err, -rc, "%s", e.msg);
		goto out;
	}
	rc = 1;
	if (v->has_sig)
		snprintf(res->signer_key, sizeof(res->signer_key), "%s", v->sig.fingerprint);
	if (strcmp(res->signature, "good") == 0)
		snprintf(res->principal, sizeof(res->principal), "%s", v->principal);
	if (text && !(*text = strdup(json_object_to_json_string_ext(v->manifest, JSON_C_TO_STRING_PLAIN |
	                                                                         JSON_C_TO_STRING_NOSLASHESCAPE))))
		rc = nr_error_set(err, ENOMEM, "out of memory");
	else if (text && !storable(*text))
		refuse(res, NR_INDEX_REFUSED, "content", "the manifest holds text that is not UTF-8");
out:
	json_object_put(flags);
	tap_release(&t);
	if (fd >= 0)
		close(fd);
	return rc < 0 ? rc : rc == 1 && res->outcome == NR_INDEX_ADDED;
}
