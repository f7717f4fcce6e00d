/* SPDX-License-Identifier: MIT */
/* `index refresh`: the findings of indexed bundles evaluated again with
 * the current rules, from the manifests the index keeps, and their
 * similarity features made again from the fact rows it keeps, so the
 * bundles need not be sent again.  Bundles go in batches of BATCH, each batch one
 * transaction; an interrupted refresh leaves every bundle either judged
 * by the old rules or by the new ones (bundles.rules says which), and
 * running it again finishes the job. */
#include "index.h"
#include "index_internal.h"
#include "findings/mlevel.h"
#include "util/clock.h"
#include "util/grow.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BATCH 100
#define BATCH_SQL "100"

struct item {
	long long id;
	char *manifest;
	char *shape;
};

struct batch {
	struct item items[BATCH];
	size_t n;
	int oom;
};

static int take_item(void *arg, int ncols, const char *const *v)
{
	struct batch *b = arg;
	struct item *it;

	if (ncols < 3 || !v[0] || !v[1] || !v[2] || b->n >= BATCH)
		return 0;
	it = &b->items[b->n];
	it->id = strtoll(v[0], NULL, 10);
	it->manifest = strdup(v[1]);
	it->shape = strdup(v[2]);
	if (!it->manifest || !it->shape) {
		free(it->manifest);
		free(it->shape);
		b->oom = 1;
		return 1;
	}
	b->n++;
	return 0;
}

static void batch_release(struct batch *b)
{
	size_t i;

	for (i = 0; i < b->n; i++) {
		free(b->items[i].manifest);
		free(b->items[i].shape);
	}
	b->n = 0;
}

struct judged {
	json_object *old;          /* "rule@level" -> true */
};

static int take_old(void *arg, int ncols, const char *const *v)
{
	struct judged *j = arg;
	char key[512];

	if (ncols >= 2 && v[0] && v[1]) {
		snprintf(key, sizeof(key), "%s@%s", v[0], v[1]);
		json_object_object_add(j->old, key, json_object_new_boolean(1));
	}
	return 0;
}

/* Count rule in tally (rule -> n). */
static void tally(json_object *t, const char *rule)
{
	json_object *n;
	int64_t have = json_object_object_get_ex(t, rule, &n) ? json_object_get_int64(n) : 0;

	json_object_object_add(t, rule, json_object_new_int64(have + 1));
}

struct totals {
	long long checked, refreshed, changed, damaged;
	json_object *appeared, *disappeared;
};

/* The findings that appeared and disappeared (by rule) between old and
 * the new array; 1 when any did. */
static int compare(json_object *old, json_object *now, struct totals *t)
{
	char key[512];
	size_t i;
	int changed = 0;

	for (i = 0; i < json_object_array_length(now); i++) {
		json_object *f = json_object_array_get_idx(now, i);
		const char *rule = nr_mlevel_string(f, "id"), *level = nr_mlevel_string(f, "level");

		snprintf(key, sizeof(key), "%s@%s", rule ? rule : "?", level ? level : "");
		if (json_object_object_get_ex(old, key, NULL)) {
			json_object_object_del(old, key);
		} else {
			tally(t->appeared, rule ? rule : "?");
			changed = 1;
		}
	}
	json_object_object_foreach(old, k, v) {
		(void)v;
		*strchr(k, '@') = '\0';   /* the key is ours: "rule@level" */
		tally(t->disappeared, k);
		changed = 1;
	}
	return changed;
}

static json_object *parse_manifest(const char *text)
{
	struct json_tokener *tok = json_tokener_new_ex(NR_BUNDLE_JSON_DEPTH);
	json_object *m = tok ? json_tokener_parse_ex(tok, text, (int)strlen(text)) : NULL;

	if (tok && json_tokener_get_error(tok) != json_tokener_success) {
		json_object_put(m);
		m = NULL;
	}
	json_tokener_free(tok);
	return m;
}

/* The bundle's fact rows read back into doc (level, key, value, vkey,
 * words, ordered by level), with each level's depth from its level.depth row. */
static int take_row(void *arg, int ncols, const char *const *v)
{
	struct nr_index_doc *d = arg;
	struct nr_index_row *r;
	char **ids;

	if (ncols < 5 || !v[0] || !v[1] || !v[2])
		return 0;
	if (d->nlevels == 0 || strcmp(d->level_ids[d->nlevels - 1], v[0]) != 0) {
		/* level_ids ends in NULL: room for nlevels + 1 */
		if (!(ids = nr_grow(d->level_ids, &d->level_cap, d->nlevels + 1, sizeof(*ids))))
			return -ENOMEM;
		d->level_ids = ids;
		if (!(ids[d->nlevels] = strdup(v[0])))
			return -ENOMEM;
		ids[++d->nlevels] = NULL;
	}
	if (!(r = nr_grow(d->rows, &d->cap, d->nrows, sizeof(*r))))
		return -ENOMEM;
	d->rows = r;
	r = &d->rows[d->nrows];
	memset(r, 0, sizeof(*r));
	r->level = d->level_ids[d->nlevels - 1];
	r->depth = -1;
	r->key = strdup(v[1]);
	r->value = strdup(v[2]);
	if (!r->key || !r->value) {
		free(r->key);
		free(r->value);
		return -ENOMEM;
	}
	snprintf(r->vkey, sizeof(r->vkey), "%s", v[3] ? v[3] : "");
	d->nrows++;
	if (v[4] && !(r->words = strdup(v[4])))
		return -ENOMEM;
	return 0;
}

static void set_depths(struct nr_index_doc *d)
{
	size_t i, j;

	for (i = 0; i < d->nrows; i++) {
		if (strcmp(d->rows[i].key, "level.depth") != 0)
			continue;
		for (j = 0; j < d->nrows; j++)
			if (strcmp(d->rows[j].level, d->rows[i].level) == 0)
				d->rows[j].depth = atoi(d->rows[i].value);
	}
}

/* One bundle, inside the batch's transaction. */
static int refresh_one(struct nr_store *s, const struct item *it, struct totals *t, struct nr_error *err)
{
	struct nr_index_doc doc = { 0 };
	struct judged j = { json_object_new_object() };
	json_object *m = parse_manifest(it->manifest), *levels = nr_mlevel_member(m, "levels", json_type_array);
	char *codes = NULL;
	int rc = 0;

	if (!levels) {
		t->damaged++;   /* not ours to mend: left as it is */
		goto out;
	}
	snprintf(doc.shape, sizeof(doc.shape), "%s", it->shape);
	rc = nr_store_exec(s, "SELECT level, key, value, vkey, NULL FROM nr_facts WHERE bundle = ? ORDER BY level, seq",
	                   (struct nr_sql_arg[]){ NR_SQL_I(it->id) }, 1, take_row, &doc, err);
	if (rc == 0)
		rc = nr_store_exec(s, "SELECT level, key, '', NULL, words FROM nr_words WHERE bundle = ? ORDER BY level, key",
		                   (struct nr_sql_arg[]){ NR_SQL_I(it->id) }, 1, take_row, &doc, err);
	if (rc == -ENOMEM)
		rc = nr_error_set(err, ENOMEM, "out of memory");
	set_depths(&doc);
	if (rc == 0)
		rc = nr_store_exec(s, "SELECT rule, level FROM nr_findings WHERE bundle = ?",
		                   (struct nr_sql_arg[]){ NR_SQL_I(it->id) }, 1, take_old, &j, err);
	if (rc == 0 && (rc = nr_index_doc_features(&doc, err)) == 0)
		rc = nr_index_doc_findings(levels, &doc, err);
	if (rc == 0 && !(codes = nr_features_encode(&doc.features)))
		rc = nr_error_set(err, ENOMEM, "out of memory");
	if (rc == 0)
		rc = nr_store_exec(s, "DELETE FROM nr_findings WHERE bundle = ?",
		                   (struct nr_sql_arg[]){ NR_SQL_I(it->id) }, 1, NULL, NULL, err);
	if (rc == 0)
		rc = nr_index_store_findings(s, it->id, doc.findings, err);
	if (rc == 0)
		rc = nr_store_exec(s, "UPDATE nr_bundles SET rules = ?, n_fail = ?, n_warn = ?, n_info = ?, hits = ?, "
		                      "series = ? WHERE id = ?",
		                   (struct nr_sql_arg[]){ NR_SQL_T(nr_index_rules_id()), NR_SQL_I(doc.counts[NR_SEV_FAIL]),
		                                          NR_SQL_I(doc.counts[NR_SEV_WARN]),
		                                          NR_SQL_I(doc.counts[NR_SEV_INFO]), NR_SQL_T(doc.hits),
		                                          NR_SQL_T(doc.series), NR_SQL_I(it->id) },
		                   7, NULL, NULL, err);
	if (rc == 0)
		rc = nr_store_exec(s, "UPDATE nr_features SET codes = ? WHERE bundle = ?",
		                   (struct nr_sql_arg[]){ NR_SQL_T(codes), NR_SQL_I(it->id) }, 2, NULL, NULL, err);
	if (rc == 0) {
		t->refreshed++;
		t->changed += compare(j.old, doc.findings, t);
	}
out:
	free(codes);
	json_object_put(j.old);
	json_object_put(m);
	nr_index_doc_release(&doc);
	return rc;
}

static long long count_stale(struct nr_store *s, bool all, struct nr_error *err)
{
	char buf[32];
	int rc = all ? nr_store_get_text(s, "SELECT count(*) FROM nr_bundles", NULL, 0, buf, sizeof(buf), err)
	             : nr_store_get_text(s, "SELECT count(*) FROM nr_bundles WHERE rules <> ?",
	                                 (struct nr_sql_arg[]){ NR_SQL_T(nr_index_rules_id()) }, 1, buf,
	                                 sizeof(buf), err);

	return rc < 0 ? rc : rc == 0 ? 0 : strtoll(buf, NULL, 10);
}

int nr_index_refresh(struct nr_index *ix, bool all, void (*progress)(void *arg, long done, long total),
                     void *arg, json_object **out, struct nr_error *err)
{
	struct totals t = { 0, 0, 0, 0, json_object_new_object(), json_object_new_object() };
	struct batch *b = calloc(1, sizeof(*b));
	long long after = 0, total = count_stale(ix->store, all, err);
	size_t i;
	int rc = total < 0 ? (int)total : 0;

	*out = NULL;
	if (!b)
		rc = nr_error_set(err, ENOMEM, "out of memory");
	while (rc == 0) {
		if (nr_interrupted) {
			rc = nr_error_set(err, EINTR, "interrupted");
			break;
		}
		/* keyset pagination: ids only grow, and refreshed rows drop out of "rules <> ?" */
		rc = all ? nr_store_exec(ix->store, "SELECT b.id, m.manifest, b.shape FROM nr_bundles b "
		                                    "JOIN nr_manifests m ON m.bundle = b.id WHERE b.id > ? "
		                                    "ORDER BY b.id LIMIT " BATCH_SQL,
		                         (struct nr_sql_arg[]){ NR_SQL_I(after) }, 1, take_item, b, err)
		         : nr_store_exec(ix->store, "SELECT b.id, m.manifest, b.shape FROM nr_bundles b "
		                                    "JOIN nr_manifests m ON m.bundle = b.id WHERE b.id > ? AND "
		                                    "b.rules <> ? ORDER BY b.id LIMIT " BATCH_SQL,
		                         (struct nr_sql_arg[]){ NR_SQL_I(after), NR_SQL_T(nr_index_rules_id()) }, 2,
		                         take_item, b, err);
		if (rc == 0 && b->oom)
			rc = nr_error_set(err, ENOMEM, "out of memory");
		if (rc < 0 || b->n == 0)
			break;
		rc = nr_store_begin(ix->store, false, err);
		for (i = 0; rc == 0 && i < b->n; i++) {
			rc = refresh_one(ix->store, &b->items[i], &t, err);
			t.checked++;
		}
		if (rc == 0)
			rc = nr_store_commit(ix->store, err);
		else
			nr_store_rollback(ix->store);
		after = b->items[b->n - 1].id;
		batch_release(b);
		if (progress && rc == 0)
			progress(arg, (long)t.checked, (long)total);
	}
	if (rc == 0) {
		*out = nr_index_output(ix, "refresh");
		json_object_object_add(*out, "rules", json_object_new_string(nr_index_rules_id()));
		json_object_object_add(*out, "checked", json_object_new_int64(t.checked));
		json_object_object_add(*out, "refreshed", json_object_new_int64(t.refreshed));
		json_object_object_add(*out, "changed", json_object_new_int64(t.changed));
		json_object_object_add(*out, "damaged", json_object_new_int64(t.damaged));
		json_object_object_add(*out, "appeared", json_object_get(t.appeared));
		json_object_object_add(*out, "disappeared", json_object_get(t.disappeared));
	}
	if (b)
		batch_release(b);
	free(b);
	json_object_put(t.appeared);
	json_object_put(t.disappeared);
	return rc;
}
