/* SPDX-License-Identifier: MIT */
#include "verify.h"
#include "schemas.h"
#include "util/safe_text.h"
#include "util/sha256.h"
#include "sign.h"
#include "util/file_open.h"
#include "verify_internal.h"
#include "util/strmap.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define HASH_CHUNK 65536
#define SCHEMA_ERRORS_MAX 20

struct listed {
	uint64_t size;
	char sha256[NR_SHA256_HEX];
	bool seen;
};

const char *nr_check_name(enum nr_check_id id)
{
	static const char *const names[] = { "signature", "archive", "members", "schema" };

	return id < NR_CHECK_COUNT ? names[id] : "?";
}

const char *nr_check_status_name(enum nr_check_status s)
{
	return s == NR_CHECK_PASS ? "pass" : s == NR_CHECK_FAIL ? "fail" : "skip";
}

/* Messages quote the bundle's own strings: nothing a terminal obeys. */
static void printable(char *s)
{
	nr_text_scrub(s);
}

void nr_check_set(struct nr_check *c, enum nr_check_status st, const char *fmt, ...)
{
	va_list ap;

	c->status = st;
	va_start(ap, fmt);
	vsnprintf(c->message, sizeof(c->message), fmt, ap);
	va_end(ap);
	printable(c->message);
}

static void detail(struct nr_check *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void detail(struct nr_check *c, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	if (!c->details)
		c->details = json_object_new_array();
	if (!c->details || json_object_array_length(c->details) >= NR_CHECK_DETAILS_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printable(buf);
	json_object_array_add(c->details, json_object_new_string(buf));
}

/* ---- members ---------------------------------------------------------- */

static void list_one(struct nr_strmap *map, json_object *entry, struct nr_check *c)
{
	json_object *p, *s, *h;
	struct nr_error e = { 0 };
	struct listed *l;
	const char *path;

	if (!json_object_object_get_ex(entry, "path", &p) || !json_object_is_type(p, json_type_string) ||
	    !json_object_object_get_ex(entry, "size", &s) || !json_object_object_get_ex(entry, "sha256", &h))
		return;   /* the schema check says what is wrong with it */
	path = json_object_get_string(p);
	/* As a C string "summary.txt\u0000../../x" is "summary.txt": it
	 * would vouch for that member while naming another path to tar. */
	if (strlen(path) != (size_t)json_object_get_string_len(p)) {
		detail(c, "the manifest lists '%.200s\\u0000...': a path with a NUL character", path);
		return;
	}
	if (nr_bundle_path_check(path, &e) < 0) {
		detail(c, "the manifest lists a path no member may have: %s", e.msg);
		return;
	}
	l = calloc(1, sizeof(*l));
	if (!l)
		return;
	l->size = (uint64_t)json_object_get_int64(s);
	snprintf(l->sha256, sizeof(l->sha256), "%s", json_object_get_string(h) ? json_object_get_string(h) : "");
	if (nr_strmap_put(map, path, l) != 1) {
		detail(c, "'%.200s' is listed twice in the manifest", path);
		free(l);
	}
}

/* Every artifact of every probe of every level, and files[]. */
static void list_members(json_object *m, struct nr_strmap *map, struct nr_check *c)
{
	json_object *levels = json_object_object_get(m, "levels"), *files = json_object_object_get(m, "files");
	size_t i, j, k;

	for (i = 0; json_object_is_type(levels, json_type_array) && i < json_object_array_length(levels); i++) {
		json_object *probes = json_object_object_get(json_object_array_get_idx(levels, i), "probes");

		for (j = 0; json_object_is_type(probes, json_type_array) && j < json_object_array_length(probes); j++) {
			json_object *arts = json_object_object_get(json_object_array_get_idx(probes, j), "artifacts");

			for (k = 0; json_object_is_type(arts, json_type_array) && k < json_object_array_length(arts); k++)
				list_one(map, json_object_array_get_idx(arts, k), c);
		}
	}
	for (i = 0; json_object_is_type(files, json_type_array) && i < json_object_array_length(files); i++)
		list_one(map, json_object_array_get_idx(files, i), c);
}

/* Hash one member and compare.  Negative: the archive failed under us. */
static int check_member(struct nr_bundle_reader *r, const struct nr_bundle_member *m,
                        struct listed *l, char *buf, struct nr_check *c, const struct nr_verify_opts *o,
                        struct nr_error *err)
{
	unsigned char digest[NR_SHA256_LEN];
	char hex[NR_SHA256_HEX];
	struct nr_sha256 sha;
	uint64_t got = 0;
	ssize_t n;

	if (nr_sha256_init(&sha) < 0)
		return nr_error_set(err, ENOMEM, "cannot start a sha256 hash");
	while ((n = nr_bundle_read(r, buf, HASH_CHUNK, err)) > 0) {
		nr_sha256_update(&sha, buf, (size_t)n);
		got += (uint64_t)n;
		if (o->tap)
			o->tap(o->tap_arg, m->path, buf, (size_t)n);
	}
	if (n < 0) {
		nr_sha256_release(&sha);
		return (int)n;
	}
	if (nr_sha256_final(&sha, digest) < 0)
		return nr_error_set(err, EIO, "cannot hash member '%s': libcrypto failed", m->path);
	nr_sha256_hex(digest, hex);
	if (got != l->size)
		detail(c, "member '%s': %llu bytes, the manifest says %llu", m->path,
		       (unsigned long long)got, (unsigned long long)l->size);
	else if (strcmp(hex, l->sha256) != 0)
		detail(c, "member '%s': sha256 differs from the manifest", m->path);
	return 0;
}

/* Stream every member after the manifest; fills the archive and members
 * checks. */
static void check_stream(struct nr_bundle_reader *r, const struct nr_verify_opts *o,
                         struct nr_verify_result *res)
{
	struct nr_check *arch = &res->checks[NR_CHECK_ARCHIVE], *mem = &res->checks[NR_CHECK_MEMBERS];
	struct nr_strmap map = { 0 };
	struct nr_bundle_member m;
	struct nr_error e = { 0 };
	struct nr_strmap_slot *s;
	char *buf = malloc(HASH_CHUNK);
	size_t i, listed;
	int rc = buf ? 0 : nr_error_set(&e, ENOMEM, "out of memory");

	list_members(res->manifest, &map, mem);
	listed = map.n;
	while (rc == 0 && (rc = nr_bundle_next(r, &m, &e)) > 0) {
		s = nr_strmap_find(&map, m.path);
		if (!s)
			detail(mem, "member '%s' is not listed in the manifest", m.path);
		else
			((struct listed *)s->val)->seen = true;
		rc = s ? check_member(r, &m, s->val, buf, mem, o, &e) : 0;
	}
	res->members = nr_bundle_count(r);
	if (rc < 0) {
		nr_check_set(arch, NR_CHECK_FAIL, "%s", e.msg);
	} else {
		nr_check_set(arch, NR_CHECK_PASS, "%zu members, well-formed", res->members);
		for (i = 0; i < map.cap; i++)
			if (map.slots[i].key && !((struct listed *)map.slots[i].val)->seen)
				detail(mem, "'%s' is listed in the manifest but not in the bundle", map.slots[i].key);
	}
	if (mem->details)
		nr_check_set(mem, NR_CHECK_FAIL, "%s%s", json_object_get_string(json_object_array_get_idx(mem->details, 0)),
		    json_object_array_length(mem->details) > 1 ? " (and more)" : "");
	else if (rc < 0)
		nr_check_set(mem, NR_CHECK_SKIP, "not checked: the archive could not be read to its end");
	else
		nr_check_set(mem, NR_CHECK_PASS, "%zu listed members present with matching size and sha256", listed);
	nr_strmap_release(&map, free);
	free(buf);
}

/* ---- schema ----------------------------------------------------------- */

static int check_schema(struct nr_verify_result *res, struct nr_schema_cache *cache, struct nr_error *err)
{
	struct nr_check *c = &res->checks[NR_CHECK_SCHEMA];
	json_object *decl = json_object_object_get(res->manifest, "schema");
	struct nr_error e = { 0 };
	struct nr_jschema *s;
	const char *id;
	size_t n;

	if (!json_object_is_type(decl, json_type_string)) {
		nr_check_set(c, NR_CHECK_FAIL, "the manifest declares no schema");
		return 0;
	}
	id = json_object_get_string(decl);
	s = cache ? nr_schema_cache_get(cache, id, &e) : nr_schemas_load_id(id, &e);
	if (!s && e.code == ENOENT && strstr(e.msg, "declares")) {
		nr_check_set(c, NR_CHECK_FAIL, "the manifest declares schema '%.100s', which this nest-report "
		    "does not know (a newer version may)", id);
		return 0;
	}
	/* Out of memory stops verification; no schemas (a broken install) is
	 * a check not made, said as such: never a pass, and never a reason
	 * for sign to refuse. */
	if (!s && e.code == ENOMEM)
		return nr_error_set(err, e.code, "%s", e.msg);
	if (!s) {
		nr_check_set(c, NR_CHECK_SKIP, "not checked: %s", e.msg);
		return 0;
	}
	c->details = json_object_new_array();
	n = nr_jschema_validate(s, res->manifest, c->details, SCHEMA_ERRORS_MAX);
	if (n == 0)
		nr_check_set(c, NR_CHECK_PASS, "valid against %s", id);
	else
		nr_check_set(c, NR_CHECK_FAIL, "%zu error%s against %s; first: %s", n, n == 1 ? "" : "s", id,
		    json_object_get_string(json_object_array_get_idx(c->details, 0)));
	if (!nr_schema_cache_owns(cache, s))
		nr_jschema_free(s);
	return 0;
}

/* The file's bytes go to the signature check and the caller's tee. */
struct fanout {
	struct nr_sign_stream *check;
	void (*tee)(void *ud, const void *buf, size_t len);
	void *ud;
};

static void fan(void *ud, const void *buf, size_t len)
{
	struct fanout *f = ud;

	if (f->check)
		nr_sign_stream_write(f->check, buf, len);
	if (f->tee)
		f->tee(f->ud, buf, len);
}

/* The archive and members checks over a reader of fd: 1 when the
 * manifest was read (the schema can be checked), 0 when not (the checks
 * say why), negative when reading could not go on. */
static int check_bundle(int fd, const struct nr_verify_opts *o, struct fanout *f,
                        struct nr_verify_result *res, struct nr_error *err)
{
	struct nr_bundle_reader *r;
	struct nr_error e = { 0 };

	r = nr_bundle_open_fd(fd, &o->limits, fan, f, &e);
	if (!r && e.code != EBADMSG)
		return nr_error_set(err, e.code, "%s", e.msg);
	if (!r) {
		nr_check_set(&res->checks[NR_CHECK_ARCHIVE], NR_CHECK_FAIL, "%s", e.msg);
		nr_check_set(&res->checks[NR_CHECK_MEMBERS], NR_CHECK_SKIP,
		             "not checked: no readable manifest");
		nr_check_set(&res->checks[NR_CHECK_SCHEMA], NR_CHECK_SKIP,
		             "not checked: no readable manifest");
		return 0;
	}
	res->manifest = json_object_get(nr_bundle_manifest(r));
	check_stream(r, o, res);
	nr_bundle_close(r);
	return 1;
}

/* One pass over the file: the reader's bytes, then whatever it did not
 * need, go to the signature check (ssh-keygen -Y verify, started first)
 * and the caller's tee as they are read. */
int nr_verify_run(const char *bundle, const struct nr_verify_opts *o, struct nr_verify_result *res,
                  struct nr_error *err)
{
	struct fanout f = { NULL, o->tee, o->tee_ud };
	int fd, rc, read_ok = 0;

	memset(res, 0, sizeof(*res));
	fd = rc = nr_file_open_regular(bundle, NULL, err);
	if (rc < 0)
		return rc;
	if (o->no_signature)
		nr_check_set(&res->checks[NR_CHECK_SIGNATURE], NR_CHECK_SKIP, "not checked");
	else
		rc = nr_verify_sig_begin(bundle, o->allowed_signers, o->identity, res, &f.check, err);
	if (rc >= 0)
		rc = read_ok = check_bundle(fd, o, &f, res, err);
	if (rc >= 0 && (f.check || f.tee))
		rc = nr_verify_drain(fd, fan, &f, err);
	if (rc >= 0 && f.check) {
		rc = nr_verify_sig_end(f.check, res, err);
		f.check = NULL;
	}
	if (rc >= 0 && read_ok > 0)
		rc = check_schema(res, o->schemas, err);
	nr_sign_stream_abort(f.check, NULL);
	close(fd);
	return rc < 0 ? rc : 0;
}

bool nr_verify_ok(const struct nr_verify_result *res)
{
	int i;

	for (i = 0; i < NR_CHECK_COUNT; i++)
		if (res->checks[i].status == NR_CHECK_FAIL)
			return false;
	return true;
}

void nr_verify_release(struct nr_verify_result *res)
{
	int i;

	for (i = 0; i < NR_CHECK_COUNT; i++) {
		json_object_put(res->checks[i].details);
		res->checks[i].details = NULL;
	}
	json_object_put(res->manifest);
	res->manifest = NULL;
}
