/* SPDX-License-Identifier: MIT */
/* `index stats`: per period (a prefix of bundles.time: year, month or
 * day), the bundles the filters select, how many hit each finding, and
 * how many run each major.minor series of the kernel, QEMU and libvirt
 * on each level.
 *
 * The filters run once, for the selected bundles' ids and periods; the
 * findings and version rows are then read in bundle order and counted
 * here, a bundle once per finding or version however many of its levels
 * have it (a generation number per counted thing says whether this
 * bundle counted it already).  Counting with GROUP BY over joins took
 * several times longer at 10 000 bundles: a join lookup and two sorts per
 * row. */
#include "index.h"
#include "index_internal.h"
#include "util/grow.h"
#include "util/strmap.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VERSION_KEYS "'kernel.release', 'qemu.versions.version', 'libvirt.version'"
#define PERIOD_MAX 11   /* "YYYY-MM-DD" */

struct picked {
	long long id;
	size_t period;             /* index into periods */
};

/* One thing counted (a finding's rule, a level's software series): how
 * many bundles have it in each period, and in all. */
struct counted {
	char *key;                 /* "F<rank><rule>" or "V<level>\t<key>\t<series>": sorts as listed */
	json_object *about;        /* what the output says of it */
	unsigned *n;               /* [nperiods + 1]: per period, then the total */
	unsigned seen;             /* the generation of the bundle that counted it last */
};

struct stats {
	struct picked *sel;        /* the selected bundles, by id */
	size_t n, cap;
	struct nr_strmap period_ix;   /* period -> index + 1 */
	char **periods;
	unsigned *pbundles;
	size_t np, capp;
	struct nr_strmap key_ix;   /* key -> index + 1 */
	struct counted *c;
	size_t nc, capc;
	long long bundle;          /* the bundle whose rows are being read */
	unsigned gen;              /* ... and its generation */
	int oom;
};

static int take_picked(void *arg, int ncols, const char *const *v)
{
	struct stats *st = arg;
	struct nr_strmap_slot *slot;
	struct picked *sel;
	char **periods;
	unsigned *pb;
	size_t cap;

	if (ncols < 2 || !v[0] || !v[1] || strlen(v[1]) >= PERIOD_MAX)
		return 0;
	if (!(slot = nr_strmap_find(&st->period_ix, v[1]))) {
		cap = st->capp;
		if (!(periods = nr_grow(st->periods, &cap, st->np, sizeof(*periods))))
			return st->oom = 1;
		st->periods = periods;
		if (!(pb = nr_grow(st->pbundles, &st->capp, st->np, sizeof(*pb))))
			return st->oom = 1;
		st->pbundles = pb;
		if (!(st->periods[st->np] = strdup(v[1])) ||
		    nr_strmap_put(&st->period_ix, v[1], (void *)(uintptr_t)(st->np + 1)) < 0)
			return st->oom = 1;
		st->pbundles[st->np++] = 0;
		slot = nr_strmap_find(&st->period_ix, v[1]);
	}
	if (!(sel = nr_grow(st->sel, &st->cap, st->n, sizeof(*sel))))
		return st->oom = 1;
	st->sel = sel;
	sel[st->n].id = strtoll(v[0], NULL, 10);
	sel[st->n].period = (uintptr_t)slot->val - 1;
	st->pbundles[sel[st->n].period]++;
	st->n++;
	return 0;
}

static int by_id(const void *k, const void *e)
{
	long long a = *(const long long *)k, b = ((const struct picked *)e)->id;

	return a < b ? -1 : a > b;
}

/* Count key once for bundle (rows come in bundle order). */
static void count(struct stats *st, const char *bundle, const char *key, json_object *(*about)(const char *const *),
                  const char *const *v)
{
	long long id = strtoll(bundle, NULL, 10);
	const struct picked *p = bsearch(&id, st->sel, st->n, sizeof(*st->sel), by_id);
	struct nr_strmap_slot *slot;
	struct counted *c;

	if (!p || st->oom)
		return;   /* not selected */
	if (id != st->bundle) {
		st->bundle = id;
		st->gen++;
	}
	if (!(slot = nr_strmap_find(&st->key_ix, key))) {
		if (!(c = nr_grow(st->c, &st->capc, st->nc, sizeof(*c)))) {
			st->oom = 1;
			return;
		}
		st->c = c;
		c = &st->c[st->nc];
		memset(c, 0, sizeof(*c));
		if (!(c->n = calloc(st->np + 1, sizeof(*c->n))) || !(c->key = strdup(key)) ||
		    nr_strmap_put(&st->key_ix, key, (void *)(uintptr_t)(st->nc + 1)) < 0) {
			free(c->n);
			free(c->key);
			st->oom = 1;
			return;
		}
		c->about = about(v);
		st->nc++;
		slot = nr_strmap_find(&st->key_ix, key);
	}
	c = &st->c[(uintptr_t)slot->val - 1];
	if (c->seen == st->gen)
		return;
	c->seen = st->gen;
	c->n[p->period]++;
	c->n[st->np]++;
}

/* v: bundle, rule, severity */
static json_object *finding_about(const char *const *v)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "rule", json_object_new_string(v[1]));
	json_object_object_add(o, "severity", json_object_new_string(v[2]));
	return o;
}

static int take_finding(void *arg, int ncols, const char *const *v)
{
	char key[NR_INDEX_KEY_MAX + 3];
	size_t n;

	if (ncols < 3 || !v[0] || !v[1] || !v[2] || (n = strlen(v[1])) > NR_INDEX_KEY_MAX)
		return 0;
	/* "F" and the severity rank first: the order the output lists them */
	key[0] = 'F';
	key[1] = strcmp(v[2], "fail") == 0 ? '0' : strcmp(v[2], "warn") == 0 ? '1' : '2';
	memcpy(key + 2, v[1], n + 1);
	count(arg, v[0], key, finding_about, v);
	return 0;
}

/* v: bundle, level, key, the vkey's series prefix */
static json_object *version_about(const char *const *v)
{
	static const char *const names[][2] = { { "kernel.release", "kernel" },
	                                        { "qemu.versions.version", "qemu" },
	                                        { "libvirt.version", "libvirt" } };
	json_object *o = json_object_new_object();
	const char *name = v[2];
	char series[32];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(v[2], names[i][0]) == 0)
			name = names[i][1];
	nr_index_vkey_series(v[3], series, sizeof(series));
	json_object_object_add(o, "level", json_object_new_string(v[1]));
	json_object_object_add(o, "software", json_object_new_string(name));
	json_object_object_add(o, "series", json_object_new_string(series));
	return o;
}

static int take_version(void *arg, int ncols, const char *const *v)
{
	char key[3 * NR_INDEX_KEY_MAX];
	size_t a, b, c;

	if (ncols < 4 || !v[0] || !v[1] || !v[2] || !v[3] || (a = strlen(v[1])) > NR_INDEX_KEY_MAX ||
	    (b = strlen(v[2])) > NR_INDEX_KEY_MAX || (c = strlen(v[3])) > NR_INDEX_KEY_MAX)
		return 0;
	/* "V" and level, key, series: version order, since the series is a vkey's */
	key[0] = 'V';
	memcpy(key + 1, v[1], a);
	key[1 + a] = '\t';
	memcpy(key + 2 + a, v[2], b);
	key[2 + a + b] = '\t';
	memcpy(key + 3 + a + b, v[3], c + 1);
	count(arg, v[0], key, version_about, v);
	return 0;
}

/* ---- the output --------------------------------------------------------- */

static int by_name(const void *a, const void *b)
{
	return strcmp(**(char *const *const *)a, **(char *const *const *)b);
}

/* Findings: fail first, then the most bundles, then by rule. */
static int by_finding(const void *pa, const void *pb)
{
	json_object *a = *(json_object *const *)pa, *b = *(json_object *const *)pb;
	const char *sa = json_object_get_string(json_object_object_get(a, "severity"));
	const char *sb = json_object_get_string(json_object_object_get(b, "severity"));
	int ra = strcmp(sa, "fail") == 0 ? 0 : strcmp(sa, "warn") == 0 ? 1 : 2;
	int rb = strcmp(sb, "fail") == 0 ? 0 : strcmp(sb, "warn") == 0 ? 1 : 2;
	int64_t na = json_object_get_int64(json_object_object_get(a, "bundles"));
	int64_t nb = json_object_get_int64(json_object_object_get(b, "bundles"));

	if (ra != rb)
		return ra - rb;
	if (na != nb)
		return na > nb ? -1 : 1;
	return strcmp(json_object_get_string(json_object_object_get(a, "rule")),
	              json_object_get_string(json_object_object_get(b, "rule")));
}

/* {findings, versions} of period p (np: the totals); order: the keys'. */
static void lists(const struct stats *st, struct counted *const *order, size_t p, json_object *into)
{
	json_object *findings = json_object_new_array(), *versions = json_object_new_array();
	size_t i;

	for (i = 0; i < st->nc; i++) {
		const struct counted *c = order[i];
		json_object *o;

		if (!c->n[p])
			continue;
		o = json_object_new_object();
		json_object_object_foreach(c->about, k, v)
			json_object_object_add(o, k, json_object_get(v));
		json_object_object_add(o, "bundles", json_object_new_int64(c->n[p]));
		json_object_array_add(c->key[0] == 'F' ? findings : versions, o);
	}
	json_object_array_sort(findings, by_finding);
	json_object_object_add(into, "findings", findings);
	json_object_object_add(into, "versions", versions);
}

/* {periods: [...], totals}, periods oldest first. */
static json_object *result(struct stats *st)
{
	char ***pord = calloc(st->np + 1, sizeof(*pord));
	struct counted **kord = calloc(st->nc + 1, sizeof(*kord));
	json_object *arr, *totals, *o, *r = NULL;
	size_t i, p;

	if (!pord || !kord)
		goto out;
	for (i = 0; i < st->np; i++)
		pord[i] = &st->periods[i];
	qsort(pord, st->np, sizeof(*pord), by_name);
	for (i = 0; i < st->nc; i++)
		kord[i] = &st->c[i];
	qsort(kord, st->nc, sizeof(*kord), by_name);   /* key is a struct counted's first member */
	arr = json_object_new_array();
	for (i = 0; i < st->np; i++) {
		p = (size_t)(pord[i] - st->periods);
		o = json_object_new_object();
		json_object_object_add(o, "period", json_object_new_string(st->periods[p]));
		json_object_object_add(o, "bundles", json_object_new_int64(st->pbundles[p]));
		lists(st, kord, p, o);
		json_object_array_add(arr, o);
	}
	totals = json_object_new_object();
	json_object_object_add(totals, "bundles", json_object_new_int64((int64_t)st->n));
	lists(st, kord, st->np, totals);
	r = json_object_new_object();
	json_object_object_add(r, "periods", arr);
	json_object_object_add(r, "totals", totals);
out:
	free(pord);
	free(kord);
	return r;
}

static void stats_release(struct stats *st)
{
	size_t i;

	for (i = 0; i < st->nc; i++) {
		free(st->c[i].key);
		free(st->c[i].n);
		json_object_put(st->c[i].about);
	}
	for (i = 0; i < st->np; i++)
		free(st->periods[i]);
	free(st->c);
	free(st->periods);
	free(st->pbundles);
	free(st->sel);
	nr_strmap_release(&st->period_ix, NULL);
	nr_strmap_release(&st->key_ix, NULL);
}

/* ---- the queries -------------------------------------------------------- */

/* sql [+ " AND level = ?"] + tail, when --level restricts the rows too. */
static int rows(struct nr_index *ix, const struct nr_index_filter *f, const char *sql, const char *tail,
                nr_store_row_fn row, struct stats *st, struct nr_error *err)
{
	struct nr_sqlbuf b = { 0 };
	int rc;

	nr_sqlbuf_add(&b, sql);
	if (f->level[0]) {
		nr_sqlbuf_add(&b, " AND level = ?");
		nr_sqlbuf_arg(&b, NR_SQL_T(f->level));
	}
	nr_sqlbuf_add(&b, tail);
	st->bundle = -1;
	rc = b.oom ? nr_error_set(err, ENOMEM, "out of memory")
	           : nr_store_exec(ix->store, b.sql, b.args, b.nargs, row, st, err);
	nr_sqlbuf_release(&b);
	return rc;
}

int nr_index_stats(struct nr_index *ix, const struct nr_index_filter *f, const char *by, json_object **out,
                   struct nr_error *err)
{
	struct stats st = { .bundle = -1 };
	struct nr_sqlbuf b = { 0 };
	json_object *r = NULL;
	int plen, rc;

	*out = NULL;
	plen = strcmp(by, "year") == 0 ? 4 : strcmp(by, "month") == 0 ? 7 : strcmp(by, "day") == 0 ? 10 : 0;
	if (!plen) {
		rc = nr_error_set(err, EINVAL, "'%s' is not a period (year, month, day)", by);
		goto out;
	}
	nr_sqlbuf_add(&b, "SELECT b.id, substr(b.time, 1, ?) FROM nr_bundles b WHERE 1 = 1");
	nr_sqlbuf_arg(&b, NR_SQL_I(plen));
	nr_index_filter_sql(f, ix->store->dialect, &b);
	nr_sqlbuf_add(&b, " ORDER BY b.id");
	rc = b.oom ? nr_error_set(err, ENOMEM, "out of memory")
	           : nr_store_exec(ix->store, b.sql, b.args, b.nargs, take_picked, &st, err);
	if (rc == 0 && !st.oom && st.n)
		rc = rows(ix, f, "SELECT bundle, rule, severity FROM nr_findings WHERE 1 = 1", " ORDER BY bundle",
		          take_finding, &st, err);
	if (rc == 0 && !st.oom && st.n)
		rc = rows(ix, f, "SELECT bundle, level, key, substr(vkey, 1, 19) FROM nr_facts WHERE key IN ("
		                 VERSION_KEYS ") AND vkey IS NOT NULL", " ORDER BY bundle", take_version, &st, err);
	if (rc == 0 && (st.oom || !(r = result(&st))))
		rc = nr_error_set(err, ENOMEM, "out of memory");
	if (rc < 0)
		goto out;
	*out = nr_index_output(ix, "stats");
	json_object_object_add(*out, "filters", nr_index_filter_json(f));
	json_object_object_add(*out, "by", json_object_new_string(by));
	json_object_object_add(*out, "periods", json_object_get(json_object_object_get(r, "periods")));
	json_object_object_add(*out, "totals", json_object_get(json_object_object_get(r, "totals")));
out:
	nr_sqlbuf_release(&b);
	json_object_put(r);
	stats_release(&st);
	return rc;
}
