/* SPDX-License-Identifier: MIT */
/* `index stats`: per period (a prefix of bundles.time: year, month or
 * day), the bundles the filters select, how many hit each finding, and
 * how many run each major.minor series of the kernel, QEMU and libvirt
 * on each level.
 *
 * One query reads the selected bundles with the summary each keeps
 * (bundles.hits and .series, doc.h), and the counting is done here, a
 * bundle once per finding or version however many of its levels have it
 * (a generation number per counted thing says whether this bundle
 * counted it already).  Counting findings and facts rows with GROUP BY
 * over joins took several times longer at 10 000 bundles. */
#include "index.h"
#include "index_internal.h"
#include "util/grow.h"
#include "util/strmap.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* One thing counted (a finding's rule, a level's software series): how
 * many bundles have it in each period, and in all. */
struct counted {
	char *key;                 /* "F<rank><rule>" or "V<level>\t<key>\t<series>": sorts as listed */
	json_object *about;        /* what the output says of it */
	unsigned *n;               /* per period */
	size_t ncap;
	unsigned total;
	unsigned seen;             /* the generation of the bundle that counted it last */
};

struct stats {
	const char *level;         /* --level: count only its findings and versions */
	struct nr_strmap period_ix;   /* period -> index + 1 */
	char **periods;
	unsigned *pbundles;
	size_t np, capp, nb;       /* periods; bundles selected */
	struct nr_strmap key_ix;   /* key -> index + 1 */
	struct counted *c;
	size_t nc, capc;
	unsigned gen;              /* the bundle being read */
	int oom;
};

/* The index of period p, added the first time. */
static size_t period_of(struct stats *st, const char *p)
{
	struct nr_strmap_slot *slot = nr_strmap_find(&st->period_ix, p);
	unsigned *pb;
	char **periods;
	size_t cap = st->capp;

	if (slot)
		return (uintptr_t)slot->val - 1;
	if (!(periods = nr_grow(st->periods, &cap, st->np, sizeof(*periods))))
		return st->oom = 1, 0;
	st->periods = periods;
	if (!(pb = nr_grow(st->pbundles, &st->capp, st->np, sizeof(*pb))))
		return st->oom = 1, 0;
	st->pbundles = pb;
	if (!(st->periods[st->np] = strdup(p)) ||
	    nr_strmap_put(&st->period_ix, p, (void *)(uintptr_t)(st->np + 1)) < 0)
		return st->oom = 1, 0;
	st->pbundles[st->np] = 0;
	return st->np++;
}

/* Count key once for the bundle being read, in period p; v: for about. */
static void count(struct stats *st, size_t p, const char *key, json_object *(*about)(const char *const *),
                  const char *const *v)
{
	struct nr_strmap_slot *slot = nr_strmap_find(&st->key_ix, key);
	struct counted *c;

	if (!slot) {
		if (!(c = nr_grow(st->c, &st->capc, st->nc, sizeof(*c)))) {
			st->oom = 1;
			return;
		}
		st->c = c;
		c = &st->c[st->nc];
		memset(c, 0, sizeof(*c));
		if (!(c->key = strdup(key)) || nr_strmap_put(&st->key_ix, key, (void *)(uintptr_t)(st->nc + 1)) < 0) {
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
	if (p >= c->ncap) {
		size_t cap = st->np > p ? st->np : p + 1;
		unsigned *grown = realloc(c->n, cap * sizeof(*grown));

		if (!grown) {
			st->oom = 1;
			return;
		}
		memset(grown + c->ncap, 0, (cap - c->ncap) * sizeof(*grown));
		c->n = grown;
		c->ncap = cap;
	}
	c->n[p]++;
	c->total++;
}

/* v: level, rule, severity */
static json_object *finding_about(const char *const *v)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "rule", json_object_new_string(v[1]));
	json_object_object_add(o, "severity", json_object_new_string(v[2]));
	return o;
}

/* v: level, key, the vkey's series prefix */
static json_object *version_about(const char *const *v)
{
	static const char *const names[][2] = { { "kernel.release", "kernel" },
	                                        { "qemu.versions.version", "qemu" },
	                                        { "libvirt.version", "libvirt" } };
	json_object *o = json_object_new_object();
	const char *name = v[1];
	char series[32];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(v[1], names[i][0]) == 0)
			name = names[i][1];
	nr_index_vkey_series(v[2], series, sizeof(series));
	json_object_object_add(o, "level", json_object_new_string(v[0]));
	json_object_object_add(o, "software", json_object_new_string(name));
	json_object_object_add(o, "series", json_object_new_string(series));
	return o;
}

/* Each " a|b|c" word of text, split in place (text is our copy). */
static void words(struct stats *st, size_t p, char *text, int findings)
{
	char key[3 * NR_INDEX_KEY_MAX + 8], *w, *save = NULL, *v[3];

	for (w = strtok_r(text, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		if (!(v[0] = w) || !(v[1] = strchr(v[0], '|')) || !(v[2] = strchr(v[1] + 1, '|')))
			continue;   /* not ours: skip it */
		*v[1]++ = '\0';
		*v[2]++ = '\0';
		if (st->level && strcmp(st->level, v[0]) != 0)
			continue;
		if (strlen(v[0]) + strlen(v[1]) + strlen(v[2]) > 3 * NR_INDEX_KEY_MAX)
			continue;
		if (findings)   /* "F" and the severity rank first: the order the output lists them */
			snprintf(key, sizeof(key), "F%c%s", strcmp(v[2], "fail") == 0 ? '0'
			                                    : strcmp(v[2], "warn") == 0 ? '1' : '2', v[1]);
		else            /* level, key, series: version order, since the series is a vkey's */
			snprintf(key, sizeof(key), "V%s\t%s\t%s", v[0], v[1], v[2]);
		count(st, p, key, findings ? finding_about : version_about, (const char *const *)v);
	}
}

/* A selected bundle: v = period, hits, series. */
static int take_bundle(void *arg, int ncols, const char *const *v)
{
	struct stats *st = arg;
	char *hits, *series;
	size_t p;

	if (ncols < 3 || !v[0] || !v[1] || !v[2])
		return 0;
	p = period_of(st, v[0]);
	hits = strdup(v[1]);
	series = strdup(v[2]);
	if (!st->oom && hits && series) {
		st->pbundles[p]++;
		st->nb++;
		st->gen++;
		words(st, p, hits, 1);
		words(st, p, series, 0);
	} else {
		st->oom = 1;
	}
	free(hits);
	free(series);
	return st->oom;
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

/* {findings, versions} of period p (SIZE_MAX: the totals); order: the keys'. */
static void lists(const struct stats *st, struct counted *const *order, size_t p, json_object *into)
{
	json_object *findings = json_object_new_array(), *versions = json_object_new_array();
	size_t i;

	for (i = 0; i < st->nc; i++) {
		const struct counted *c = order[i];
		unsigned n = p == SIZE_MAX ? c->total : p < c->ncap ? c->n[p] : 0;
		json_object *o;

		if (!n)
			continue;
		o = json_object_new_object();
		json_object_object_foreach(c->about, k, v)
			json_object_object_add(o, k, json_object_get(v));
		json_object_object_add(o, "bundles", json_object_new_int64(n));
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
	json_object_object_add(totals, "bundles", json_object_new_int64((int64_t)st->nb));
	lists(st, kord, SIZE_MAX, totals);
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
	nr_strmap_release(&st->period_ix, NULL);
	nr_strmap_release(&st->key_ix, NULL);
}

/* ---- the query ----------------------------------------------------------- */

int nr_index_stats(struct nr_index *ix, const struct nr_index_filter *f, const char *by, json_object **out,
                   struct nr_error *err)
{
	struct stats st = { 0 };
	struct nr_sqlbuf b = { 0 };
	json_object *r = NULL;
	int plen, rc;

	*out = NULL;
	plen = strcmp(by, "year") == 0 ? 4 : strcmp(by, "month") == 0 ? 7 : strcmp(by, "day") == 0 ? 10 : 0;
	if (!plen) {
		rc = nr_error_set(err, EINVAL, "'%s' is not a period (year, month, day)", by);
		goto out;
	}
	st.level = f->level[0] ? f->level : NULL;
	nr_sqlbuf_add(&b, "SELECT substr(b.time, 1, ?), b.hits, b.series FROM nr_bundles b WHERE 1 = 1");
	nr_sqlbuf_arg(&b, NR_SQL_I(plen));
	nr_index_filter_sql(f, ix->store->dialect, &b);
	rc = b.oom ? nr_error_set(err, ENOMEM, "out of memory")
	           : nr_store_exec(ix->store, b.sql, b.args, b.nargs, take_bundle, &st, err);
	if (rc > 0)
		rc = 0;   /* take_bundle stopped: out of memory, said below */
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
