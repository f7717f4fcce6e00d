/* SPDX-License-Identifier: MIT */
/* `index similar`: every indexed bundle the filters select, scored
 * against one bundle (features.h), best first.  The scan reads each
 * bundle's feature codes once and compares in memory: one merge of two
 * short sorted lists per bundle. */
#include "index.h"
#include "index_internal.h"
#include "util/grow.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct scored {
	long long id;
	char sha256[NR_SHA256_HEX];
	char time[24];
	struct nr_similarity sim;
};

struct scan {
	const struct nr_features *target;
	const char *target_sha;
	struct nr_features cand;
	struct scored *all;
	size_t n, cap;
	int bad;                   /* rows whose codes did not decode */
	int oom;
};

static int take_candidate(void *arg, int ncols, const char *const *v)
{
	struct scan *s = arg;
	struct scored *c, *grown;

	if (ncols < 4 || !v[0] || !v[1] || !v[2] || !v[3])
		return 0;
	if (strcmp(v[1], s->target_sha) == 0)
		return 0;   /* itself */
	if (nr_features_decode(v[3], &s->cand) < 0) {
		s->bad++;
		return 0;
	}
	if (!(grown = nr_grow(s->all, &s->cap, s->n, sizeof(*grown))))
		return s->oom = 1;
	s->all = grown;
	c = &s->all[s->n++];
	c->id = strtoll(v[0], NULL, 10);
	snprintf(c->sha256, sizeof(c->sha256), "%s", v[1]);
	snprintf(c->time, sizeof(c->time), "%s", v[2]);
	nr_features_compare(s->target, &s->cand, &c->sim);
	return 0;
}

/* Best first; equal scores: newest first, then by sha256, so the order is
 * the same on every backend. */
static int by_score(const void *pa, const void *pb)
{
	const struct scored *a = pa, *b = pb;
	int c;

	if (a->sim.score != b->sim.score)
		return a->sim.score > b->sim.score ? -1 : 1;
	if ((c = strcmp(b->time, a->time)) != 0)
		return c;
	return strcmp(a->sha256, b->sha256);
}

static json_object *thousandths(int v)
{
	char buf[16];

	if (v < 0)
		return NULL;
	snprintf(buf, sizeof(buf), "%d.%03d", v / 1000, v % 1000);
	return json_object_new_double_s(v / 1000.0, buf);
}

/* ---- the target --------------------------------------------------------- */

struct target {
	char sha256[NR_SHA256_HEX];
	char path[PATH_MAX];       /* "" when named by sha256 */
	struct nr_features f;
	int matches;
};

static int take_target(void *arg, int ncols, const char *const *v)
{
	struct target *t = arg;

	if (ncols < 3 || !v[0] || !v[1] || !v[2])
		return 0;
	if (++t->matches > 1)
		return 0;
	snprintf(t->sha256, sizeof(t->sha256), "%s", v[0]);
	snprintf(t->path, sizeof(t->path), "%s", v[1]);
	return nr_features_decode(v[2], &t->f) < 0 ? -EBADMSG : 0;
}

static int hex_prefix(const char *s)
{
	size_t n = strspn(s, "0123456789abcdef");

	return n >= 8 && n <= 64 && !s[n];
}

/* An indexed bundle by sha256 or unique prefix. */
static int target_indexed(struct nr_index *ix, const char *prefix, struct target *t, struct nr_error *err)
{
	char hi[NR_SHA256_HEX + 1];
	int rc;

	/* every sha256 starting with prefix sorts in [prefix, prefix + "g") */
	snprintf(hi, sizeof(hi), "%sg", prefix);
	rc = nr_store_exec(ix->store, "SELECT b.sha256, b.path, f.codes FROM nr_bundles b "
	                              "JOIN nr_features f ON f.bundle = b.id WHERE b.sha256 >= ? AND b.sha256 < ?",
	                   (struct nr_sql_arg[]){ NR_SQL_T(prefix), NR_SQL_T(hi) }, 2, take_target, t, err);
	if (rc == -EBADMSG)
		return nr_error_set(err, EBADMSG, "%s: the features of %s are damaged", nr_index_name(ix), prefix);
	if (rc < 0)
		return rc;
	if (t->matches == 0)
		return nr_error_set(err, ENOENT, "no bundle file '%s', and no indexed bundle's sha256 starts so",
		                    prefix);
	if (t->matches > 1)
		return nr_error_set(err, EINVAL, "%d indexed bundles' sha256 start with %s: give more digits",
		                    t->matches, prefix);
	return 0;
}

/* A bundle file: read and checked as add would, not stored. */
static int target_file(const char *path, const struct nr_index_add_opts *o, struct target *t,
                       struct nr_error *err)
{
	struct nr_index_added res;
	struct nr_verify_result v;
	struct nr_index_doc doc;
	int rc = nr_index_read_bundle(path, o, NULL, &res, &v, &doc, NULL, err);

	if (rc == 0)
		rc = nr_error_set(err, res.outcome == NR_INDEX_REFUSED ? EBADMSG : EIO, "%s: %s", path, res.reason);
	if (rc > 0) {
		snprintf(t->sha256, sizeof(t->sha256), "%s", res.sha256);
		snprintf(t->path, sizeof(t->path), "%s", res.path);
		t->f = doc.features;
		memset(&doc.features, 0, sizeof(doc.features));
		rc = 0;
	}
	nr_index_doc_release(&doc);
	nr_verify_release(&v);
	return rc;
}

/* ---- the ranking -------------------------------------------------------- */

static json_object *result_json(const struct scored *c, size_t rank, json_object *bundle)
{
	json_object *r = json_object_new_object(), *groups = json_object_new_object();
	int g;

	for (g = 0; g < NR_FG_COUNT; g++)
		json_object_object_add(groups, nr_features_group_name((enum nr_feat_group)g),
		                       thousandths(c->sim.group[g]));
	json_object_object_add(r, "rank", json_object_new_int64((int64_t)rank));
	json_object_object_add(r, "score", thousandths((int)c->sim.score));
	json_object_object_add(r, "groups", groups);
	json_object_object_add(r, "bundle", json_object_get(bundle));
	return r;
}

int nr_index_similar(struct nr_index *ix, const char *target, const struct nr_index_add_opts *o,
                     const struct nr_index_filter *f, long limit, json_object **out, struct nr_error *err)
{
	struct target t = { 0 };
	struct scan s = { 0 };
	struct nr_sqlbuf b = { 0 };
	json_object *bundles = json_object_new_array(), *results = NULL, *tj;
	long long *ids = NULL;
	struct stat sb;
	size_t i, n;
	int rc;

	*out = NULL;
	if (stat(target, &sb) == 0 || !hex_prefix(target))
		rc = target_file(target, o, &t, err);
	else
		rc = target_indexed(ix, target, &t, err);
	if (rc < 0)
		goto out;
	s.target = &t.f;
	s.target_sha = t.sha256;
	nr_sqlbuf_add(&b, "SELECT b.id, b.sha256, b.time, f.codes FROM nr_bundles b "
	                  "JOIN nr_features f ON f.bundle = b.id WHERE 1 = 1");
	nr_index_filter_sql(f, ix->store->dialect, &b);
	rc = b.oom ? nr_error_set(err, ENOMEM, "out of memory")
	           : nr_store_exec(ix->store, b.sql, b.args, b.nargs, take_candidate, &s, err);
	if (rc == 0 && s.oom)
		rc = nr_error_set(err, ENOMEM, "out of memory");
	if (rc < 0)
		goto out;
	if (s.n)
		qsort(s.all, s.n, sizeof(*s.all), by_score);
	n = limit > 0 && (size_t)limit < s.n ? (size_t)limit : s.n;
	if (!(ids = calloc(n + 1, sizeof(*ids)))) {
		rc = nr_error_set(err, ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++)
		ids[i] = s.all[i].id;
	if ((rc = nr_index_bundles(ix, ids, n, bundles, err)) < 0)
		goto out;
	results = json_object_new_array();
	for (i = 0; i < n && i < json_object_array_length(bundles); i++)
		json_object_array_add(results, result_json(&s.all[i], i + 1, json_object_array_get_idx(bundles, i)));
	*out = nr_index_output(ix, "similar");
	tj = json_object_new_object();
	json_object_object_add(tj, "sha256", json_object_new_string(t.sha256));
	json_object_object_add(tj, "path", t.path[0] ? json_object_new_string(t.path) : NULL);
	json_object_object_add(*out, "bundle", tj);
	json_object_object_add(*out, "scoring", json_object_new_string(NR_FEATURES_SCORING));
	json_object_object_add(*out, "filters", nr_index_filter_json(f));
	json_object_object_add(*out, "compared", json_object_new_int64((int64_t)s.n));
	json_object_object_add(*out, "damaged", json_object_new_int64(s.bad));
	json_object_object_add(*out, "results", results);
out:
	nr_sqlbuf_release(&b);
	nr_features_release(&t.f);
	nr_features_release(&s.cand);
	free(s.all);
	free(ids);
	json_object_put(bundles);
	return rc;
}
