/* `index stats`: per period (a prefix of bundles.time: year, month or
 * day), the bundles the filters select, how many hit each finding, and
 * how many run each major.minor series of the kernel, QEMU and libvirt
 * on each level. */
#include "index.h"
#include "index_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* fail, warn, info */
#define SEVERITY_RANK "CASE min(x.severity) WHEN 'fail' THEN 0 WHEN 'warn' THEN 1 ELSE 2 END"
#define VERSION_KEYS "'kernel.release', 'qemu.versions.version', 'libvirt.version'"

struct stats {
	json_object *periods;      /* [{period, bundles, findings, versions}] */
	json_object *by_period;    /* period -> its object (borrowed) */
	json_object *total_findings, *total_versions;   /* "key" -> object */
	long long total;
	int oom;
};

static json_object *period(struct stats *st, const char *p)
{
	json_object *o;

	if (json_object_object_get_ex(st->by_period, p, &o))
		return o;
	o = json_object_new_object();
	json_object_object_add(o, "period", json_object_new_string(p));
	json_object_object_add(o, "bundles", json_object_new_int64(0));
	json_object_object_add(o, "findings", json_object_new_array());
	json_object_object_add(o, "versions", json_object_new_array());
	json_object_array_add(st->periods, o);
	json_object_object_add(st->by_period, p, json_object_get(o));
	return o;
}

static int take_bundles(void *arg, int ncols, const char *const *v)
{
	struct stats *st = arg;
	long long n;

	if (ncols < 2 || !v[0] || !v[1])
		return 0;
	n = strtoll(v[1], NULL, 10);
	json_object_object_add(period(st, v[0]), "bundles", json_object_new_int64(n));
	st->total += n;
	return 0;
}

/* Add n to the total object under key, made by make() the first time. */
static void add_total(json_object *totals, const char *key, json_object *(*make)(const char *const *),
                      const char *const *v, long long n)
{
	json_object *t;

	if (!json_object_object_get_ex(totals, key, &t)) {
		t = make(v);
		json_object_object_add(t, "bundles", json_object_new_int64(0));
		json_object_object_add(totals, key, t);
	}
	json_object_object_add(t, "bundles",
	                       json_object_new_int64(json_object_get_int64(json_object_object_get(t, "bundles")) + n));
}

/* v: period, rule, severity, bundles */
static json_object *finding_obj(const char *const *v)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "rule", json_object_new_string(v[1]));
	json_object_object_add(o, "severity", json_object_new_string(v[2]));
	return o;
}

static int take_finding(void *arg, int ncols, const char *const *v)
{
	struct stats *st = arg;
	json_object *o;
	long long n;

	if (ncols < 4 || !v[0] || !v[1] || !v[2] || !v[3])
		return 0;
	n = strtoll(v[3], NULL, 10);
	o = finding_obj(v);
	json_object_object_add(o, "bundles", json_object_new_int64(n));
	json_object_array_add(json_object_object_get(period(st, v[0]), "findings"), o);
	add_total(st->total_findings, v[1], finding_obj, v, n);
	return 0;
}

/* v: period, level, key, vkey series, bundles */
static json_object *version_obj(const char *const *v)
{
	static const char *const names[][2] = { { "kernel.release", "kernel" },
	                                        { "qemu.versions.version", "qemu" },
	                                        { "libvirt.version", "libvirt" } };
	json_object *o = json_object_new_object();
	char series[32];
	size_t i;
	const char *name = v[2];

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
	struct stats *st = arg;
	char key[256];
	json_object *o;
	long long n;

	if (ncols < 5 || !v[0] || !v[1] || !v[2] || !v[3] || !v[4])
		return 0;
	n = strtoll(v[4], NULL, 10);
	o = version_obj(v);
	json_object_object_add(o, "bundles", json_object_new_int64(n));
	json_object_array_add(json_object_object_get(period(st, v[0]), "versions"), o);
	snprintf(key, sizeof(key), "%s\n%s\n%s", v[1], v[2], v[3]);
	add_total(st->total_versions, key, version_obj, v, n);
	return 0;
}

/* head + <filters> + tail; the prefix length is the first parameter.
 * joined: head joins rows under alias x, which --level restricts too. */
static int run(struct nr_index *ix, const struct nr_index_filter *f, int plen, int joined, const char *head,
               const char *tail, nr_store_row_fn row, struct stats *st, struct nr_error *err)
{
	struct nr_sqlbuf b = { 0 };
	int rc;

	nr_sqlbuf_add(&b, head);
	nr_sqlbuf_arg(&b, NR_SQL_I(plen));
	nr_index_filter_sql(f, ix->store->dialect, &b);
	if (f->level[0] && joined) {
		nr_sqlbuf_add(&b, " AND x.level = ?");
		nr_sqlbuf_arg(&b, NR_SQL_T(f->level));
	}
	nr_sqlbuf_add(&b, tail);
	rc = b.oom ? nr_error_set(err, ENOMEM, "out of memory")
	           : nr_store_exec(ix->store, b.sql, b.args, b.nargs, row, st, err);
	nr_sqlbuf_release(&b);
	return rc;
}

static int severity_rank(json_object *o)
{
	const char *s = json_object_get_string(json_object_object_get(o, "severity"));

	return strcmp(s, "fail") == 0 ? 0 : strcmp(s, "warn") == 0 ? 1 : 2;
}

/* Totals of findings: fail first, then the most bundles, then by rule. */
static int by_finding(const void *pa, const void *pb)
{
	json_object *a = *(json_object *const *)pa, *b = *(json_object *const *)pb;
	int64_t na = json_object_get_int64(json_object_object_get(a, "bundles"));
	int64_t nb = json_object_get_int64(json_object_object_get(b, "bundles"));

	if (severity_rank(a) != severity_rank(b))
		return severity_rank(a) - severity_rank(b);
	if (na != nb)
		return na > nb ? -1 : 1;
	return strcmp(json_object_get_string(json_object_object_get(a, "rule")),
	              json_object_get_string(json_object_object_get(b, "rule")));
}

static int by_key(const void *pa, const void *pb)
{
	return strcmp(*(const char *const *)pa, *(const char *const *)pb);
}

/* The totals object's values as an array: versions by key (level,
 * software, then version order, since keys end in the vkey), findings by
 * by_finding. */
static json_object *values_of(json_object *totals, int findings)
{
	size_t n = (size_t)json_object_object_length(totals), i = 0;
	const char **keys = calloc(n + 1, sizeof(*keys));
	json_object *arr = json_object_new_array(), *v;

	if (!keys)
		return arr;
	json_object_object_foreach(totals, k, val) {
		(void)val;
		keys[i++] = k;
	}
	qsort(keys, n, sizeof(*keys), by_key);
	for (i = 0; i < n; i++)
		if (json_object_object_get_ex(totals, keys[i], &v))
			json_object_array_add(arr, json_object_get(v));
	if (findings)
		json_object_array_sort(arr, by_finding);
	free(keys);
	return arr;
}

int nr_index_stats(struct nr_index *ix, const struct nr_index_filter *f, const char *by, json_object **out,
                   struct nr_error *err)
{
	struct stats st = { json_object_new_array(), json_object_new_object(), json_object_new_object(),
	                    json_object_new_object(), 0, 0 };
	json_object *totals;
	int plen, rc;

	*out = NULL;
	plen = strcmp(by, "year") == 0 ? 4 : strcmp(by, "month") == 0 ? 7 : strcmp(by, "day") == 0 ? 10 : 0;
	if (!plen) {
		rc = nr_error_set(err, EINVAL, "'%s' is not a period (year, month, day)", by);
		goto out;
	}
	rc = run(ix, f, plen, 0, "SELECT substr(b.time, 1, ?), count(*) FROM nr_bundles b WHERE 1 = 1",
	         " GROUP BY 1 ORDER BY 1", take_bundles, &st, err);
	if (rc == 0)
		rc = run(ix, f, plen, 1, "SELECT substr(b.time, 1, ?), x.rule, min(x.severity), count(DISTINCT b.id) "
		                         "FROM nr_bundles b JOIN nr_findings x ON x.bundle = b.id WHERE 1 = 1",
		         " GROUP BY 1, 2 ORDER BY 1, " SEVERITY_RANK ", 4 DESC, 2", take_finding, &st, err);
	if (rc == 0)
		rc = run(ix, f, plen, 1, "SELECT substr(b.time, 1, ?), x.level, x.key, substr(x.vkey, 1, 19), "
		                      "count(DISTINCT b.id) FROM nr_bundles b JOIN nr_facts x ON x.bundle = b.id "
		                      "WHERE x.key IN (" VERSION_KEYS ") AND x.vkey IS NOT NULL",
		         " GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4", take_version, &st, err);
	if (rc < 0)
		goto out;
	*out = nr_index_output(ix, "stats");
	json_object_object_add(*out, "filters", nr_index_filter_json(f));
	json_object_object_add(*out, "by", json_object_new_string(by));
	json_object_object_add(*out, "periods", json_object_get(st.periods));
	totals = json_object_new_object();
	json_object_object_add(totals, "bundles", json_object_new_int64(st.total));
	json_object_object_add(totals, "findings", values_of(st.total_findings, 1));
	json_object_object_add(totals, "versions", values_of(st.total_versions, 0));
	json_object_object_add(*out, "totals", totals);
out:
	json_object_put(st.periods);
	json_object_put(st.by_period);
	json_object_put(st.total_findings);
	json_object_put(st.total_versions);
	return rc;
}
