/* `index query`: the bundles the filters select, newest first, each with
 * its levels' main versions and its fail and warn findings. */
#include "index.h"
#include "index_internal.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What a listing shows of each level. */
#define LEVEL_KEYS "'hostname', 'kernel.release', 'qemu.versions.version', 'libvirt.version', 'cpu.model', 'level.status'"
#define ORDER " ORDER BY b.time DESC, b.sha256"

struct listing {
	json_object *bundles;      /* the array, in order */
	json_object *by_id;        /* id -> bundle object (borrowed) */
	long long total;
};

static json_object *text_or_null(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static json_object *int_of(const char *s)
{
	return json_object_new_int64(s ? strtoll(s, NULL, 10) : 0);
}

json_object *nr_index_bundle_json(const char *const *v)
{
	json_object *b = json_object_new_object(), *sig = json_object_new_object(),
	            *counts = json_object_new_object(), *levels = json_object_new_array();

	json_object_object_add(b, "sha256", text_or_null(v[1]));
	json_object_object_add(b, "path", text_or_null(v[2]));
	json_object_object_add(b, "time", text_or_null(v[3]));
	json_object_object_add(b, "created", text_or_null(v[4]));
	json_object_object_add(b, "indexed", text_or_null(v[5]));
	json_object_object_add(b, "host", text_or_null(v[6]));
	json_object_object_add(b, "tool_version", text_or_null(v[7]));
	json_object_object_add(sig, "status", text_or_null(v[8]));
	json_object_object_add(sig, "key", text_or_null(v[9]));
	json_object_object_add(sig, "principal", text_or_null(v[10]));
	json_object_object_add(b, "signature", sig);
	json_object_object_add(counts, "fail", int_of(v[12]));
	json_object_object_add(counts, "warn", int_of(v[13]));
	json_object_object_add(counts, "info", int_of(v[14]));
	json_object_object_add(b, "counts", counts);
	json_object_object_add(b, "rules", text_or_null(v[15]));
	json_object_object_add(b, "levels", levels);
	json_object_object_add(b, "findings", json_object_new_array());
	/* levels in the order the manifest lists them */
	for (const char *p = v[11] ? v[11] : ""; *p;) {
		size_t n = strcspn(p, " ");
		json_object *lv = json_object_new_object();

		json_object_object_add(lv, "id", json_object_new_string_len(p, (int)n));
		json_object_array_add(levels, lv);
		p += n + (p[n] == ' ');
	}
	return b;
}

static int take_bundle(void *arg, int ncols, const char *const *v)
{
	struct listing *l = arg;
	json_object *b;

	if (ncols < NR_INDEX_BUNDLE_NCOLS || !v[0])
		return 0;
	b = nr_index_bundle_json(v);
	json_object_array_add(l->bundles, b);
	json_object_object_add(l->by_id, v[0], json_object_get(b));
	return 0;
}

static int take_total(void *arg, int ncols, const char *const *v)
{
	struct listing *l = arg;

	l->total = ncols > 0 && v[0] ? strtoll(v[0], NULL, 10) : 0;
	return 0;
}

static json_object *level_of(json_object *b, const char *id)
{
	json_object *levels = json_object_object_get(b, "levels");
	size_t i;

	for (i = 0; i < json_object_array_length(levels); i++) {
		json_object *lv = json_object_array_get_idx(levels, i);

		if (strcmp(json_object_get_string(json_object_object_get(lv, "id")), id) == 0)
			return lv;
	}
	return NULL;
}

/* Whether value is an item of the list "a, b, c" already. */
static int listed(const char *list, const char *value)
{
	size_t n = strlen(value);

	for (const char *p = list; (p = strstr(p, value)); p += n)
		if ((p == list || (p >= list + 2 && p[-2] == ',' && p[-1] == ' ')) && (p[n] == '\0' || p[n] == ','))
			return 1;
	return 0;
}

/* A level's shown facts: key -> short name; qemu may list several. */
static int take_fact(void *arg, int ncols, const char *const *v)
{
	static const char *const names[][2] = {
		{ "hostname", "hostname" }, { "kernel.release", "kernel" }, { "qemu.versions.version", "qemu" },
		{ "libvirt.version", "libvirt" }, { "cpu.model", "cpu" }, { "level.status", "status" },
	};
	struct listing *l = arg;
	char buf[NR_INDEX_VALUE_MAX * 2];
	json_object *b, *lv, *have;
	size_t i;

	if (ncols < 4 || !v[0] || !v[1] || !v[2] || !v[3] || !json_object_object_get_ex(l->by_id, v[0], &b) ||
	    !(lv = level_of(b, v[1])))
		return 0;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(v[2], names[i][0]) != 0)
			continue;
		if (json_object_object_get_ex(lv, names[i][1], &have) && json_object_is_type(have, json_type_string)) {
			if (listed(json_object_get_string(have), v[3]))
				continue;
			snprintf(buf, sizeof(buf), "%s, %s", json_object_get_string(have), v[3]);
			json_object_object_add(lv, names[i][1], json_object_new_string(buf));
		} else {
			json_object_object_add(lv, names[i][1], json_object_new_string(v[3]));
		}
	}
	return 0;
}

static int take_finding(void *arg, int ncols, const char *const *v)
{
	struct listing *l = arg;
	json_object *b, *f;

	if (ncols < 4 || !v[0] || !json_object_object_get_ex(l->by_id, v[0], &b))
		return 0;
	f = json_object_new_object();
	json_object_object_add(f, "rule", text_or_null(v[2]));
	json_object_object_add(f, "level", text_or_null(v[1]));
	json_object_object_add(f, "severity", text_or_null(v[3]));
	json_object_array_add(json_object_object_get(b, "findings"), f);
	return 0;
}

/* "SELECT b.id FROM nr_bundles b WHERE <filters>" + tail, its parameters,
 * and limit when >= 0. */
static void select_ids(struct nr_index *ix, const struct nr_index_filter *f, const char *head,
                       const char *tail, long long limit, struct nr_sqlbuf *b)
{
	nr_sqlbuf_add(b, head);
	nr_sqlbuf_add(b, " WHERE 1 = 1");
	nr_index_filter_sql(f, ix->store->dialect, b);
	nr_sqlbuf_add(b, tail);
	if (limit >= 0)
		nr_sqlbuf_arg(b, NR_SQL_I(limit));
}

static int run(struct nr_index *ix, struct nr_sqlbuf *b, nr_store_row_fn row, void *arg, struct nr_error *err)
{
	int rc = b->oom ? nr_error_set(err, ENOMEM, "out of memory")
	                : nr_store_exec(ix->store, b->sql, b->args, b->nargs, row, arg, err);

	nr_sqlbuf_release(b);
	return rc;
}

/* statement head + the selection's text + tail, with its parameters. */
static void around(const char *head, const struct nr_sqlbuf *sel, const char *tail, struct nr_sqlbuf *b)
{
	size_t i;

	nr_sqlbuf_add(b, head);
	nr_sqlbuf_add(b, sel->sql ? sel->sql : "");
	nr_sqlbuf_add(b, tail);
	for (i = 0; i < sel->nargs; i++)
		nr_sqlbuf_arg(b, sel->args[i]);
	if (sel->oom)
		b->oom = 1;
}

int nr_index_details(struct nr_index *ix, const struct nr_sqlbuf *sel, json_object *by_id, struct nr_error *err)
{
	struct listing l = { NULL, by_id, 0 };
	struct nr_sqlbuf b = { 0 };
	int rc;

	around("SELECT bundle, level, key, value FROM nr_facts WHERE key IN (" LEVEL_KEYS ") AND bundle IN (",
	       sel, ") ORDER BY bundle, level, key, value", &b);
	rc = run(ix, &b, take_fact, &l, err);
	if (rc == 0) {
		around("SELECT bundle, level, rule, severity FROM nr_findings WHERE severity <> 'info' AND bundle IN (",
		       sel, ") ORDER BY bundle, severity, level, rule", &b);
		rc = run(ix, &b, take_finding, &l, err);
	}
	return rc;
}

int nr_index_query(struct nr_index *ix, const struct nr_index_filter *f, long limit, json_object **out,
                   struct nr_error *err)
{
	struct listing l = { json_object_new_array(), json_object_new_object(), 0 };
	long long lim = limit > 0 ? limit : INT64_MAX;
	struct nr_sqlbuf b = { 0 }, sel = { 0 };
	json_object *o = NULL;
	int rc;

	*out = NULL;
	select_ids(ix, f, "SELECT count(*) FROM nr_bundles b", "", -1, &b);
	rc = run(ix, &b, take_total, &l, err);
	if (rc == 0) {
		select_ids(ix, f, "SELECT " NR_INDEX_BUNDLE_COLS " FROM nr_bundles b", ORDER " LIMIT ?", lim, &b);
		rc = run(ix, &b, take_bundle, &l, err);
	}
	if (rc == 0 && json_object_array_length(l.bundles) > 0) {
		select_ids(ix, f, "SELECT b.id FROM nr_bundles b", ORDER " LIMIT ?", lim, &sel);
		rc = nr_index_details(ix, &sel, l.by_id, err);
		nr_sqlbuf_release(&sel);
	}
	if (rc == 0) {
		o = nr_index_output(ix, "query");
		json_object_object_add(o, "filters", nr_index_filter_json(f));
		json_object_object_add(o, "total", json_object_new_int64(l.total));
		json_object_object_add(o, "bundles", json_object_get(l.bundles));
		*out = o;
	}
	if (rc > 0)
		rc = nr_error_set(err, EPROTO, "%s: unexpected rows from the index", nr_index_name(ix));
	json_object_put(l.bundles);
	json_object_put(l.by_id);
	return rc;
}
