/* `index add`: one bundle, judged by verify's checks and stored in one
 * transaction, or refused with the reason and not stored at all.
 *
 * Order: hash the file (its sha256 is the bundle's identity) and stop if
 * the index knows it; verify it (signature when allowed signers are
 * given, archive, members, schema), reading each level's cpuinfo in the
 * same pass through verify's tap; check the file did not change
 * meanwhile; describe the manifest (doc.h, which applies the caps and
 * evaluates the findings with the current rules); then write. */
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
#include <time.h>
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

static void now_utc(char out[24])
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 24, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ---- storing ------------------------------------------------------------ */

struct stored {
	const struct nr_index_added *res;
	const struct nr_verify_result *v;
	const struct nr_index_doc *doc;
	const char *manifest;
};

static int take_id(void *arg, int ncols, const char *const *vals)
{
	long long *id = arg;

	if (ncols > 0 && vals[0])
		*id = strtoll(vals[0], NULL, 10);
	return 0;
}

static int insert_bundle(struct nr_store *s, const struct stored *st, long long *id, struct nr_error *err)
{
	const struct nr_index_doc *d = st->doc;
	const struct nr_verify_result *v = st->v;
	char indexed[24];
	int good = strcmp(st->res->signature, "good") == 0;

	now_utc(indexed);
	struct nr_sql_arg a[] = {
		NR_SQL_T(st->res->sha256), NR_SQL_T(st->res->path), NR_SQL_I(st->res->size),
		NR_SQL_T(d->created[0] ? d->created : indexed), NR_SQL_T(d->created[0] ? d->created : NULL),
		NR_SQL_T(indexed), NR_SQL_T(d->host), NR_SQL_T(d->tool_version), NR_SQL_T(d->schema_id),
		NR_SQL_T(st->res->signature), NR_SQL_T(v->has_sig ? v->sig.fingerprint : NULL),
		NR_SQL_T(good ? v->principal : NULL), NR_SQL_T(d->signer_id), NR_SQL_T(d->levels),
		NR_SQL_T(d->shape), NR_SQL_T(nr_index_rules_id()), NR_SQL_I(d->counts[NR_SEV_FAIL]),
		NR_SQL_I(d->counts[NR_SEV_WARN]), NR_SQL_I(d->counts[NR_SEV_INFO]),
	};

	*id = -1;
	return nr_store_exec(s, "INSERT INTO nr_bundles (sha256, path, size, time, created, indexed, host, "
	                        "tool_version, schema_id, signature, signer_key, signer_principal, signer_id, "
	                        "levels, shape, rules, n_fail, n_warn, n_info) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
	                        "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING RETURNING id",
	                     a, sizeof(a) / sizeof(a[0]), take_id, id, err);
}

static int insert_facts(struct nr_store *s, long long id, const struct nr_index_doc *d, struct nr_error *err)
{
	struct nr_sql_arg *a = calloc(d->nrows * 5 + 1, sizeof(*a));
	size_t i;
	int rc;

	if (!a)
		return nr_error_set(err, ENOMEM, "out of memory");
	for (i = 0; i < d->nrows; i++) {
		const struct nr_index_row *r = &d->rows[i];

		a[i * 5] = NR_SQL_I(id);
		a[i * 5 + 1] = NR_SQL_T(r->level);
		a[i * 5 + 2] = NR_SQL_T(r->key);
		a[i * 5 + 3] = NR_SQL_T(r->value);
		a[i * 5 + 4] = NR_SQL_T(r->vkey[0] ? r->vkey : NULL);
	}
	rc = nr_store_insert_many(s, "INSERT INTO nr_facts (bundle, level, key, value, vkey) VALUES ", 5, a,
	                          d->nrows, err);
	free(a);
	return rc;
}

int nr_index_store_findings(struct nr_store *s, long long id, json_object *findings, struct nr_error *err)
{
	size_t n = json_object_array_length(findings), i;
	struct nr_sql_arg *a = calloc(n * 4 + 1, sizeof(*a));
	int rc;

	if (!a)
		return nr_error_set(err, ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		json_object *f = json_object_array_get_idx(findings, i);
		const char *level = nr_mlevel_string(f, "level");

		a[i * 4] = NR_SQL_I(id);
		a[i * 4 + 1] = NR_SQL_T(level ? level : "");
		a[i * 4 + 2] = NR_SQL_T(nr_mlevel_string(f, "id") ? nr_mlevel_string(f, "id") : "?");
		a[i * 4 + 3] = NR_SQL_T(nr_severity_name(nr_findings_severity(f)));
	}
	rc = nr_store_insert_many(s, "INSERT INTO nr_findings (bundle, level, rule, severity) VALUES ", 4, a, n, err);
	free(a);
	return rc;
}

/* One transaction: 1 stored, 0 someone else stored it first, negative. */
static int store(struct nr_store *s, const struct stored *st, struct nr_error *err)
{
	char *codes = nr_features_encode(&st->doc->features);
	long long id = -1;
	int rc = codes ? nr_store_begin(s, false, err) : nr_error_set(err, ENOMEM, "out of memory");

	if (rc == 0)
		rc = insert_bundle(s, st, &id, err);
	if (rc == 0 && id < 0) {
		nr_store_rollback(s);
		free(codes);
		return 0;
	}
	if (rc == 0)
		rc = insert_facts(s, id, st->doc, err);
	if (rc == 0)
		rc = nr_index_store_findings(s, id, st->doc->findings, err);
	if (rc == 0)
		rc = nr_store_exec(s, "INSERT INTO nr_features (bundle, codes) VALUES (?, ?)",
		                   (struct nr_sql_arg[]){ NR_SQL_I(id), NR_SQL_T(codes) }, 2, NULL, NULL, err);
	if (rc == 0)
		rc = nr_store_exec(s, "INSERT INTO nr_manifests (bundle, manifest) VALUES (?, ?)",
		                   (struct nr_sql_arg[]){ NR_SQL_I(id), NR_SQL_T(st->manifest) }, 2, NULL, NULL, err);
	free(codes);
	if (rc < 0) {
		nr_store_rollback(s);
		return rc;
	}
	rc = nr_store_commit(s, err);
	return rc < 0 ? rc : 1;
}

static int known(struct nr_index *ix, struct nr_index_added *res, struct nr_error *err)
{
	int rc = nr_store_get_text(ix->store, "SELECT path FROM nr_bundles WHERE sha256 = ?",
	                           (struct nr_sql_arg[]){ NR_SQL_T(res->sha256) }, 1, res->known_path,
	                           sizeof(res->known_path), err);

	if (rc > 0)
		res->outcome = NR_INDEX_KNOWN;
	return rc;
}

/* ---- the whole of it ---------------------------------------------------- */

int nr_index_add(struct nr_index *ix, const char *path, const struct nr_index_add_opts *o,
                 struct nr_index_added *res, struct nr_error *err)
{
	struct nr_verify_result v;
	struct nr_index_doc doc;
	struct stored st;
	char *text = NULL;
	int rc;

	rc = nr_index_read_bundle(path, o, o->dry_run ? NULL : ix, res, &v, &doc, err);
	if (rc <= 0 || o->dry_run)
		goto out;
	text = strdup(json_object_to_json_string_ext(v.manifest, JSON_C_TO_STRING_PLAIN |
	                                                          JSON_C_TO_STRING_NOSLASHESCAPE));
	if (!text) {
		rc = nr_error_set(err, ENOMEM, "out of memory");
		goto out;
	}
	if (!storable(text)) {
		refuse(res, NR_INDEX_REFUSED, "content", "the manifest holds text that is not UTF-8");
		rc = 0;
		goto out;
	}
	st = (struct stored){ res, &v, &doc, text };
	rc = store(ix->store, &st, err);
	if (rc == 0)   /* another process stored it meanwhile */
		rc = known(ix, res, err);
out:
	free(text);
	if (res->outcome == NR_INDEX_ADDED && rc >= 0)
		memcpy(res->counts, doc.counts, sizeof(res->counts));
	nr_index_doc_release(&doc);
	nr_verify_release(&v);
	return rc < 0 ? rc : 0;
}

int nr_index_read_bundle(const char *path, const struct nr_index_add_opts *o, struct nr_index *ix,
                         struct nr_index_added *res, struct nr_verify_result *v, struct nr_index_doc *doc,
                         struct nr_error *err)
{
	struct nr_verify_opts vo = { .allowed_signers = o->allowed_signers, .identity = o->identity,
	                             .limits = o->limits };
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
	fd = open(res->path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
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
	if (ix && (rc = known(ix, res, err)) != 0)
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
	} else if (rc < 0)
		rc = nr_error_set(err, -rc, "%s", e.msg);
	else
		rc = 1;
out:
	json_object_put(flags);
	tap_release(&t);
	if (fd >= 0)
		close(fd);
	return rc < 0 ? rc : rc == 1 && res->outcome == NR_INDEX_ADDED;
}
