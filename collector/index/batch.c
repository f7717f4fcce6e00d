/* SPDX-License-Identifier: MIT */
/* `index add`'s writing half: bundles judged by ingest.c wait in a queue,
 * in the order they were given; the staged ones are written together
 * (index.h says why, and when), then every outcome is reported in order. */
#include "index.h"
#include "index_internal.h"
#include "findings/mlevel.h"
#include "util/clock.h"
#include "util/grow.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct nr_index_staged {
	struct nr_index_added res;
	struct nr_index_doc doc;   /* res.outcome ADDED: what to write */
	char *manifest;
};

static void now_utc(char out[24])
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 24, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ---- writing one bundle ------------------------------------------------- */

static int take_id(void *arg, int ncols, const char *const *vals)
{
	long long *id = arg;

	if (ncols > 0 && vals[0])
		*id = strtoll(vals[0], NULL, 10);
	return 0;
}

static int insert_bundle(struct nr_store *s, const struct nr_index_staged *st, const char *indexed, long long *id,
                         struct nr_error *err)
{
	const struct nr_index_doc *d = &st->doc;
	const struct nr_index_added *r = &st->res;
	struct nr_sql_arg a[] = {
		NR_SQL_T(r->sha256), NR_SQL_T(r->path), NR_SQL_I(r->size),
		NR_SQL_T(d->created[0] ? d->created : indexed), NR_SQL_T(d->created[0] ? d->created : NULL),
		NR_SQL_T(indexed), NR_SQL_T(d->host), NR_SQL_T(d->tool_version), NR_SQL_T(d->schema_id),
		NR_SQL_T(r->signature), NR_SQL_T(r->signer_key[0] ? r->signer_key : NULL),
		NR_SQL_T(r->principal[0] ? r->principal : NULL), NR_SQL_T(d->signer_id), NR_SQL_T(d->levels),
		NR_SQL_T(d->shape), NR_SQL_T(nr_index_rules_id()), NR_SQL_I(d->counts[NR_SEV_FAIL]),
		NR_SQL_I(d->counts[NR_SEV_WARN]), NR_SQL_I(d->counts[NR_SEV_INFO]), NR_SQL_T(d->hits),
		NR_SQL_T(d->series),
	};

	*id = -1;
	return nr_store_exec(s, "INSERT INTO nr_bundles (sha256, path, size, time, created, indexed, host, "
	                        "tool_version, schema_id, signature, signer_key, signer_principal, signer_id, "
	                        "levels, shape, rules, n_fail, n_warn, n_info, hits, series) VALUES (?, ?, ?, ?, ?, "
	                        "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING "
	                        "RETURNING id",
	                     a, sizeof(a) / sizeof(a[0]), take_id, id, err);
}

/* The facts rows, and the word sets into nr_words. */
static int insert_facts(struct nr_store *s, long long id, const struct nr_index_doc *d, struct nr_error *err)
{
	struct nr_sql_arg *a = calloc(d->nrows * 6 + 1, sizeof(*a)), *w = calloc(d->nrows * 4 + 1, sizeof(*w)), *r6;
	size_t i, nf = 0, nw = 0;
	int rc;

	if (!a || !w) {
		rc = nr_error_set(err, ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < d->nrows; i++) {
		const struct nr_index_row *r = &d->rows[i];

		if (r->words) {
			w[nw * 4] = NR_SQL_I(id);
			w[nw * 4 + 1] = NR_SQL_T(r->level);
			w[nw * 4 + 2] = NR_SQL_T(r->key);
			w[nw * 4 + 3] = NR_SQL_T(r->words);
			nw++;
			continue;
		}
		r6 = a + nf * 6;
		r6[0] = NR_SQL_I(id);
		r6[1] = NR_SQL_I(nf);
		r6[2] = NR_SQL_T(r->level);
		r6[3] = NR_SQL_T(r->key);
		r6[4] = NR_SQL_T(r->value);
		r6[5] = NR_SQL_T(r->vkey[0] ? r->vkey : NULL);
		nf++;
	}
	rc = nr_store_insert_many(s, "INSERT INTO nr_facts (bundle, seq, level, key, value, vkey) VALUES ", 6, a, nf, err);
	if (rc == 0)
		rc = nr_store_insert_many(s, "INSERT INTO nr_words (bundle, level, key, words) VALUES ", 4, w, nw, err);
out:
	free(a);
	free(w);
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

static int take_path(void *arg, int ncols, const char *const *v)
{
	struct nr_index_added *r = arg;

	if (ncols > 0 && v[0])
		snprintf(r->known_path, sizeof(r->known_path), "%s", v[0]);
	return 0;
}

/* 1 written; 0 already there (another process wrote it since it was
 * judged: res turns KNOWN); negative. */
static int write_one(struct nr_store *s, struct nr_index_staged *st, const char *indexed, struct nr_error *err)
{
	char *codes = nr_features_encode(&st->doc.features);
	long long id = -1;
	int rc = codes ? insert_bundle(s, st, indexed, &id, err) : nr_error_set(err, ENOMEM, "out of memory");

	if (rc == 0 && id < 0) {
		st->res.outcome = NR_INDEX_KNOWN;
		rc = nr_store_exec(s, "SELECT path FROM nr_bundles WHERE sha256 = ?",
		                   (struct nr_sql_arg[]){ NR_SQL_T(st->res.sha256) }, 1, take_path, &st->res, err);
		free(codes);
		return rc;
	}
	if (rc == 0)
		rc = insert_facts(s, id, &st->doc, err);
	if (rc == 0)
		rc = nr_index_store_findings(s, id, st->doc.findings, err);
	if (rc == 0)
		rc = nr_store_exec(s, "INSERT INTO nr_features (bundle, codes) VALUES (?, ?)",
		                   (struct nr_sql_arg[]){ NR_SQL_I(id), NR_SQL_T(codes) }, 2, NULL, NULL, err);
	if (rc == 0)
		rc = nr_store_exec(s, "INSERT INTO nr_manifests (bundle, manifest) VALUES (?, ?)",
		                   (struct nr_sql_arg[]){ NR_SQL_I(id), NR_SQL_T(st->manifest) }, 2, NULL, NULL, err);
	free(codes);
	return rc < 0 ? rc : 1;
}

/* ---- the queue ---------------------------------------------------------- */

static void staged_release(struct nr_index_staged *st)
{
	nr_index_doc_release(&st->doc);
	free(st->manifest);
	st->manifest = NULL;
}

static void queue_clear(struct nr_index *ix)
{
	size_t i;

	for (i = 0; i < ix->nq; i++)
		staged_release(&ix->q[i]);
	ix->nq = ix->staged = ix->staged_bytes = 0;
}

static struct nr_index_staged *queue_next(struct nr_index *ix)
{
	struct nr_index_staged *grown = nr_grow(ix->q, &ix->capq, ix->nq, sizeof(*grown));

	if (!grown)
		return NULL;
	ix->q = grown;
	memset(&ix->q[ix->nq], 0, sizeof(ix->q[0]));
	return &ix->q[ix->nq];
}

int nr_index_known(struct nr_index *ix, struct nr_index_added *res, struct nr_error *err)
{
	size_t i;
	int rc;

	for (i = 0; i < ix->nq; i++)
		if (ix->q[i].res.outcome == NR_INDEX_ADDED && strcmp(ix->q[i].res.sha256, res->sha256) == 0) {
			res->outcome = NR_INDEX_KNOWN;
			snprintf(res->known_path, sizeof(res->known_path), "%s", ix->q[i].res.path);
			return 1;
		}
	rc = nr_store_get_text(ix->store, "SELECT path FROM nr_bundles WHERE sha256 = ?",
	                       (struct nr_sql_arg[]){ NR_SQL_T(res->sha256) }, 1, res->known_path,
	                       sizeof(res->known_path), err);
	if (rc > 0)
		res->outcome = NR_INDEX_KNOWN;
	return rc;
}

static int by_sha(const void *a, const void *b)
{
	return strcmp((*(struct nr_index_staged *const *)a)->res.sha256,
	              (*(struct nr_index_staged *const *)b)->res.sha256);
}

/* Write the staged bundles in one transaction, in sha256 order: every
 * writer takes the unique index's entries in the same order. */
static int write_batch(struct nr_index *ix, struct nr_error *err)
{
	struct nr_index_staged **order = calloc(ix->staged + 1, sizeof(*order));
	char indexed[24];
	size_t i, n = 0;
	int rc = order ? 0 : nr_error_set(err, ENOMEM, "out of memory");

	for (i = 0; order && i < ix->nq; i++)
		if (ix->q[i].res.outcome == NR_INDEX_ADDED)
			order[n++] = &ix->q[i];
	if (rc == 0 && n > 0) {
		qsort(order, n, sizeof(*order), by_sha);
		now_utc(indexed);
		rc = nr_store_begin(ix->store, false, err);
		for (i = 0; rc == 0 && i < n; i++)
			rc = write_one(ix->store, order[i], indexed, err) < 0 ? -1 : 0;
		if (rc == 0)
			rc = nr_store_commit(ix->store, err);
		else
			nr_store_rollback(ix->store);
	}
	if (rc < 0)
		nr_error_wrap(err, "%zu bundles were not stored", n);
	free(order);
	return rc < 0 ? -(err->code ? err->code : EIO) : 0;
}

void nr_index_discard(struct nr_index *ix, const struct nr_index_add_opts *o)
{
	size_t i;

	for (i = 0; ix && o && i < ix->nq; i++)
		if (o->report && ix->q[i].res.outcome != NR_INDEX_ADDED)
			o->report(o->report_arg, &ix->q[i].res);
	if (ix)
		queue_clear(ix);
}

int nr_index_flush(struct nr_index *ix, const struct nr_index_add_opts *o, struct nr_error *err)
{
	size_t i;
	int rc;

	if (!ix || ix->nq == 0)
		return 0;
	if ((rc = ix->staged ? write_batch(ix, err) : 0) < 0) {
		nr_index_discard(ix, o);
		return rc;
	}
	for (i = 0; i < ix->nq; i++)
		if (o->report)
			o->report(o->report_arg, &ix->q[i].res);
	queue_clear(ix);
	return 0;
}

int nr_index_add(struct nr_index *ix, const char *path, const struct nr_index_add_opts *o,
                 struct nr_error *err)
{
	struct nr_index_staged one = { 0 }, *st = ix ? queue_next(ix) : &one;
	struct nr_verify_result v;
	int rc;

	if (!st)
		return nr_error_set(err, ENOMEM, "out of memory");
	rc = nr_index_read_bundle(path, o, o->dry_run ? NULL : ix, &st->res, &v, &st->doc,
	                          o->dry_run ? NULL : &st->manifest, err);
	nr_verify_release(&v);
	if (rc < 0 && ix) {
		staged_release(st);
		nr_index_discard(ix, o);
		return rc;
	}
	if (rc < 0 || !ix || o->dry_run) {
		if (rc >= 0 && o->report)
			o->report(o->report_arg, &st->res);
		staged_release(st);
		return rc < 0 ? rc : 0;
	}
	if (ix->nq == 0)
		ix->batch_started_ms = nr_time_now_ms();
	ix->nq++;
	if (st->res.outcome == NR_INDEX_ADDED) {
		ix->staged++;
		ix->staged_bytes += strlen(st->manifest);
	} else {
		staged_release(st);   /* only its outcome waits for its turn */
	}
	if (ix->staged >= NR_INDEX_BATCH || ix->staged_bytes >= NR_INDEX_BATCH_BYTES ||
	    nr_time_now_ms() - ix->batch_started_ms >= NR_INDEX_BATCH_MS || ix->staged == 0)
		return nr_index_flush(ix, o, err);
	return 0;
}
