/* SPDX-License-Identifier: MIT */
/* `index query`: the bundles the filters select, newest first, each with
 * its levels' main versions and its fail and warn findings.  The filters
 * are evaluated once, for the ids of every match (the total is their
 * count); the page is then read by id. */
#include "index.h"
#include "index_internal.h"
#include "util/grow.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


struct listing {
	json_object *bundles;      /* every bundle object made (owns them) */
	json_object *by_id;        /* id -> bundle object */
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

/* Statements that name bundles by id take at most this many at once. */
#define IDS_PER_STATEMENT 500

struct ids {
	long long *id;
	size_t n, cap;
	int oom;
};

static int take_id(void *arg, int ncols, const char *const *v)
{
	struct ids *ids = arg;
	long long *grown;

	if (ncols < 1 || !v[0])
		return 0;
	if (!(grown = nr_grow(ids->id, &ids->cap, ids->n, sizeof(*grown))))
		return ids->oom = 1;
	ids->id = grown;
	ids->id[ids->n++] = strtoll(v[0], NULL, 10);
	return 0;
}

static int run(struct nr_index *ix, struct nr_sqlbuf *b, nr_store_row_fn row, void *arg, struct nr_error *err)
{
	int rc = b->oom ? nr_error_set(err, ENOMEM, "out of memory")
	                : nr_store_exec(ix->store, b->sql, b->args, b->nargs, row, arg, err);

	nr_sqlbuf_release(b);
	return rc;
}

/* head + "?, ?, ..." (the ids) + tail. */
static void with_ids(const char *head, const long long *id, size_t n, const char *tail, struct nr_sqlbuf *b)
{
	size_t i;

	nr_sqlbuf_add(b, head);
	for (i = 0; i < n; i++) {
		nr_sqlbuf_add(b, i ? ", ?" : "?");
		nr_sqlbuf_arg(b, NR_SQL_I(id[i]));
	}
	nr_sqlbuf_add(b, tail);
}

/* Up to IDS_PER_STATEMENT bundles: their rows, levels' versions, and fail
 * and warn findings, into by_id. */
static int fill(struct nr_index *ix, const long long *id, size_t n, struct listing *l, struct nr_error *err)
{
	struct nr_sqlbuf b = { 0 };
	int rc;

	with_ids("SELECT " NR_INDEX_BUNDLE_COLS " FROM nr_bundles b WHERE b.id IN (", id, n, ")", &b);
	rc = run(ix, &b, take_bundle, l, err);
	if (rc == 0) {
		/* every fact of these bundles (a few dozen each), by the primary
		 * key: a "key IN" here lets a planner without statistics pick the
		 * index on key and read those keys of every bundle */
		with_ids("SELECT bundle, level, key, value FROM nr_facts WHERE bundle IN (",
		         id, n, ") ORDER BY bundle, level, key, value", &b);
		rc = run(ix, &b, take_fact, l, err);
	}
	if (rc == 0) {
		with_ids("SELECT bundle, level, rule, severity FROM nr_findings WHERE severity <> 'info' AND bundle IN (",
		         id, n, ") ORDER BY bundle, severity, level, rule", &b);
		rc = run(ix, &b, take_finding, l, err);
	}
	return rc;
}

int nr_index_bundles(struct nr_index *ix, const long long *id, size_t n, json_object *out, struct nr_error *err)
{
	struct listing l = { json_object_new_array(), json_object_new_object() };
	char key[24];
	json_object *b;
	size_t i, k;
	int rc = 0;

	for (i = 0; rc == 0 && i < n; i += k) {
		k = n - i < IDS_PER_STATEMENT ? n - i : IDS_PER_STATEMENT;
		rc = fill(ix, id + i, k, &l, err);
	}
	for (i = 0; rc == 0 && i < n; i++) {
		snprintf(key, sizeof(key), "%lld", id[i]);
		if (json_object_object_get_ex(l.by_id, key, &b))
			json_object_array_add(out, json_object_get(b));
	}
	json_object_put(l.bundles);
	json_object_put(l.by_id);
	return rc;
}

int nr_index_query(struct nr_index *ix, const struct nr_index_filter *f, long limit, json_object **out,
                   struct nr_error *err)
{
	struct nr_sqlbuf b = { 0 };
	struct ids ids = { 0 };
	json_object *bundles = json_object_new_array();
	int rc;

	*out = NULL;
	/* the filters run once: every match's id, newest first */
	nr_sqlbuf_add(&b, "SELECT b.id FROM nr_bundles b WHERE 1 = 1");
	nr_index_filter_sql(f, ix->store->dialect, &b);
	nr_sqlbuf_add(&b, " ORDER BY b.time DESC, b.sha256");
	rc = run(ix, &b, take_id, &ids, err);
	if (rc == 0 && ids.oom)
		rc = nr_error_set(err, ENOMEM, "out of memory");
	if (rc == 0)
		rc = nr_index_bundles(ix, ids.id, limit > 0 && (size_t)limit < ids.n ? (size_t)limit : ids.n, bundles, err);
	if (rc == 0) {
		*out = nr_index_output(ix, "query");
		json_object_object_add(*out, "filters", nr_index_filter_json(f));
		json_object_object_add(*out, "total", json_object_new_int64((int64_t)ids.n));
		json_object_object_add(*out, "bundles", json_object_get(bundles));
	}
	json_object_put(bundles);
	free(ids.id);
	return rc;
}
