/* SPDX-License-Identifier: MIT */
#include "diff.h"
#include "findings/findings.h"
#include "findings/mlevel.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define CPUINFO_READ_MAX (16u * 1024 * 1024)
#define FLAGS_MAX 4096
#define KEY_MAX 256

/* ---- CPU flags from cpuinfo ------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

json_object *nr_diff_cpu_flags(const char *text, size_t len)
{
	const char *p = text, *end = text + len, *nl, *colon, *w;
	char *line = NULL, *words[FLAGS_MAX], *save = NULL, *tok;
	json_object *arr = NULL;
	size_t n = 0, i, keylen;

	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		colon = memchr(p, ':', (size_t)(nl - p));
		if (!colon)
			continue;
		for (keylen = (size_t)(colon - p); keylen && (p[keylen - 1] == ' ' || p[keylen - 1] == '\t'); keylen--)
			;
		if ((keylen == 5 && strncasecmp(p, "flags", 5) == 0) ||
		    (keylen == 8 && strncasecmp(p, "features", 8) == 0)) {
			w = colon + 1;
			line = strndup(w, (size_t)(nl - w));
			break;
		}
	}
	if (!line)
		return NULL;
	for (tok = strtok_r(line, " \t\r", &save); tok && n < FLAGS_MAX; tok = strtok_r(NULL, " \t\r", &save))
		words[n++] = tok;
	qsort(words, n, sizeof(words[0]), cmp_str);
	arr = json_object_new_array();
	for (i = 0; arr && i < n; i++)
		if (i == 0 || strcmp(words[i], words[i - 1]) != 0)
			json_object_array_add(arr, json_object_new_string(words[i]));
	free(line);
	return arr;
}

/* ---- loading ---------------------------------------------------------- */

/* levels/<id>/cpu/cpuinfo of every level the manifest lists. */
static size_t wanted_cpuinfo(json_object *m, json_object *want)
{
	json_object *levels = nr_mlevel_member(m, "levels", json_type_array);
	size_t i, n = 0;

	for (i = 0; levels && i < json_object_array_length(levels); i++) {
		json_object *lv = json_object_array_get_idx(levels, i);
		const char *path = nr_mlevel_artifact_path(lv, "cpu", "cpuinfo");

		if (path && nr_mlevel_id(lv)) {
			json_object_object_add(want, path, json_object_new_string(nr_mlevel_id(lv)));
			n++;
		}
	}
	return n;
}

static int read_member(struct nr_bundle_reader *r, char **out, size_t *len, struct nr_error *err)
{
	char *buf = malloc(CPUINFO_READ_MAX + 1);
	size_t got = 0;
	ssize_t n = 0;

	if (!buf)
		return nr_error_set(err, ENOMEM, "out of memory");
	while (got < CPUINFO_READ_MAX && (n = nr_bundle_read(r, buf + got, CPUINFO_READ_MAX - got, err)) > 0)
		got += (size_t)n;
	if (n < 0) {
		free(buf);
		return (int)n;
	}
	buf[got] = '\0';
	*out = buf;
	*len = got;
	return 0;
}

int nr_diff_load(const char *bundle, const struct nr_bundle_limits *lim, struct nr_diff_side *side,
                 struct nr_error *err)
{
	struct nr_bundle_reader *r = nr_bundle_open(bundle, lim, err);
	json_object *want = json_object_new_object(), *id;
	struct nr_bundle_member m;
	size_t left, len = 0;
	char *text = NULL;
	int rc = 0;

	memset(side, 0, sizeof(*side));
	side->bundle = bundle;
	if (!r || !want) {
		rc = r ? nr_error_set(err, ENOMEM, "out of memory") : -(err && err->code ? err->code : EIO);
		goto out;
	}
	side->manifest = json_object_get(nr_bundle_manifest(r));
	side->flags = json_object_new_object();
	left = wanted_cpuinfo(side->manifest, want);
	/* Stop once every cpuinfo is read: the rest of the bundle is not needed. */
	while (left > 0 && (rc = nr_bundle_next(r, &m, err)) > 0) {
		rc = 0;
		if (!json_object_object_get_ex(want, m.path, &id))
			continue;
		left--;
		if ((rc = read_member(r, &text, &len, err)) < 0)
			break;
		json_object_object_add(side->flags, json_object_get_string(id), nr_diff_cpu_flags(text, len));
		free(text);
	}
	if (rc > 0)
		rc = 0;
out:
	json_object_put(want);
	nr_bundle_close(r);
	if (rc < 0)
		nr_diff_side_release(side);
	return rc;
}

void nr_diff_side_release(struct nr_diff_side *side)
{
	json_object_put(side->manifest);
	json_object_put(side->flags);
	side->manifest = side->flags = NULL;
}

/* ---- facts ------------------------------------------------------------ */

/* Flatten facts into dotted keys -> JSON text.  Evidence is how a fact was
 * concluded, not the setup; guests are keyed by name (pids change). */
static void flatten(json_object *v, const char *prefix, json_object *out, int depth)
{
	char key[KEY_MAX];
	size_t i;

	if (depth > 8 || !json_object_is_type(v, json_type_object)) {
		json_object_object_add(out, prefix, json_object_new_string(
			v ? json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE) : "null"));
		return;
	}
	json_object_object_foreach(v, k, sub) {
		if (snprintf(key, sizeof(key), "%s%s%s", prefix, *prefix ? "." : "", k) >= (int)sizeof(key))
			continue;
		if (!*prefix && strcmp(k, "evidence") == 0)
			continue;
		if (!*prefix && strcmp(k, "guests") == 0 && json_object_is_type(sub, json_type_array)) {
			for (i = 0; i < json_object_array_length(sub); i++) {
				json_object *g = json_object_array_get_idx(sub, i);
				const char *name = nr_mlevel_string(g, "name");

				if (!name)
					continue;
				snprintf(key, sizeof(key), "guests[%s]", name);
				json_object_object_foreach(g, gk, gv) {
					char gkey[KEY_MAX + 64];

					if (strcmp(gk, "pid") == 0 || strcmp(gk, "argv") == 0 || strcmp(gk, "name") == 0)
						continue;
					if (snprintf(gkey, sizeof(gkey), "%s.%s", key, gk) >= (int)sizeof(gkey))
						continue;
					flatten(gv, gkey, out, 99);
				}
			}
			continue;
		}
		if (strcmp(key, "qemu.versions") == 0 && json_object_is_type(sub, json_type_array)) {
			for (i = 0; i < json_object_array_length(sub); i++) {
				json_object *q = json_object_array_get_idx(sub, i);

				snprintf(key, sizeof(key), "qemu.version[%s]",
				         nr_mlevel_string(q, "binary") ? nr_mlevel_string(q, "binary") : "?");
				flatten(json_object_object_get(q, "version"), key, out, 99);
			}
			continue;
		}
		flatten(sub, key, out, depth + 1);
	}
}

static json_object *flat_level(json_object *lv)
{
	json_object *out = json_object_new_object();

	flatten(json_object_object_get(lv, "status"), "status", out, 99);
	flatten(json_object_object_get(lv, "root"), "root", out, 99);
	if (nr_mlevel_facts(lv))
		flatten(nr_mlevel_facts(lv), "", out, 0);
	return out;
}

static json_object *parsed_or_null(json_object *flat, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(flat, key, &v))
		return NULL;
	return json_tokener_parse(json_object_get_string(v));
}

static void add_change(json_object *list, const char *key, json_object *fa, json_object *fb)
{
	json_object *c = json_object_new_object();

	json_object_object_add(c, "key", json_object_new_string(key));
	json_object_object_add(c, "a", parsed_or_null(fa, key));
	json_object_object_add(c, "b", parsed_or_null(fb, key));
	json_object_array_add(list, c);
}

static json_object *fact_changes(json_object *la, json_object *lb)
{
	json_object *fa = flat_level(la), *fb = flat_level(lb), *list = json_object_new_array(), *vb;

	json_object_object_foreach(fa, k, va) {
		if (!json_object_object_get_ex(fb, k, &vb) ||
		    strcmp(json_object_get_string(va), json_object_get_string(vb)) != 0)
			add_change(list, k, fa, fb);
	}
	json_object_object_foreach(fb, k2, vb2) {
		(void)vb2;
		if (!json_object_object_get_ex(fa, k2, NULL))
			add_change(list, k2, fa, fb);
	}
	json_object_put(fa);
	json_object_put(fb);
	return list;
}

/* ---- flags, probes, findings ------------------------------------------ */

static bool in_array(json_object *arr, const char *s)
{
	size_t i;

	for (i = 0; arr && i < json_object_array_length(arr); i++)
		if (strcmp(json_object_get_string(json_object_array_get_idx(arr, i)), s) == 0)
			return true;
	return false;
}

static json_object *only_in(json_object *x, json_object *y)
{
	json_object *out = json_object_new_array();
	size_t i;

	for (i = 0; x && i < json_object_array_length(x); i++) {
		const char *s = json_object_get_string(json_object_array_get_idx(x, i));

		if (!in_array(y, s))
			json_object_array_add(out, json_object_new_string(s));
	}
	return out;
}

static json_object *flag_changes(json_object *a, json_object *b)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "added", only_in(b, a));
	json_object_object_add(o, "removed", only_in(a, b));
	return o;
}

/* name -> probe entry (the first of a name), one lookup each instead of
 * a walk: a hostile level may list any number of probes. */
static json_object *probes_by_name(json_object *probes)
{
	json_object *map = json_object_new_object();
	size_t i;

	for (i = 0; map && probes && i < json_object_array_length(probes); i++) {
		json_object *p = json_object_array_get_idx(probes, i);
		const char *name = nr_mlevel_string(p, "name");

		if (name && !json_object_object_get_ex(map, name, NULL))
			json_object_object_add(map, name, json_object_get(p));
	}
	return map;
}

static json_object *probe_changes(json_object *la, json_object *lb)
{
	json_object *pa = nr_mlevel_member(la, "probes", json_type_array), *list = json_object_new_array();
	json_object *pb = nr_mlevel_member(lb, "probes", json_type_array);
	json_object *ia = probes_by_name(pa), *ib = probes_by_name(pb), *p;
	size_t i;

	for (i = 0; pa && i < json_object_array_length(pa); i++) {
		const char *name = nr_mlevel_string(json_object_array_get_idx(pa, i), "name");
		const char *sa = nr_mlevel_string(json_object_array_get_idx(pa, i), "status");
		const char *sb = name && json_object_object_get_ex(ib, name, &p) ? nr_mlevel_string(p, "status") : NULL;
		json_object *c;

		if (!name || (sa && sb && strcmp(sa, sb) == 0))
			continue;
		c = json_object_new_object();
		json_object_object_add(c, "name", json_object_new_string(name));
		json_object_object_add(c, "a", sa ? json_object_new_string(sa) : NULL);
		json_object_object_add(c, "b", sb ? json_object_new_string(sb) : NULL);
		json_object_array_add(list, c);
	}
	for (i = 0; pb && i < json_object_array_length(pb); i++) {
		const char *name = nr_mlevel_string(json_object_array_get_idx(pb, i), "name");
		json_object *c;

		if (!name || json_object_object_get_ex(ia, name, NULL))
			continue;
		c = json_object_new_object();
		json_object_object_add(c, "name", json_object_new_string(name));
		json_object_object_add(c, "a", NULL);
		json_object_object_add(c, "b", json_object_get(json_object_object_get(json_object_array_get_idx(pb, i), "status")));
		json_object_array_add(list, c);
	}
	json_object_put(ia);
	json_object_put(ib);
	return list;
}

/* A side's findings indexed once: level id -> [finding], and the set of
 * "rule id" + level pairs, so that comparing two bundles is linear in
 * their findings (not the product of the two lists per level). */
struct findings_ix {
	json_object *by_level;    /* id -> array */
	json_object *pairs;       /* "<level>\n<rule id>" -> true */
};

static void findings_index(json_object *findings, struct findings_ix *ix)
{
	char key[512];
	json_object *list;
	size_t i;

	ix->by_level = json_object_new_object();
	ix->pairs = json_object_new_object();
	for (i = 0; findings && ix->by_level && ix->pairs && i < json_object_array_length(findings); i++) {
		json_object *f = json_object_array_get_idx(findings, i);
		const char *lv = nr_mlevel_string(f, "level"), *id = nr_mlevel_string(f, "id");

		if (!lv || !id)
			continue;
		if (!json_object_object_get_ex(ix->by_level, lv, &list)) {
			list = json_object_new_array();
			json_object_object_add(ix->by_level, lv, list);
		}
		json_object_array_add(list, json_object_get(f));
		snprintf(key, sizeof(key), "%s\n%s", lv, id);
		json_object_object_add(ix->pairs, key, json_object_new_boolean(1));
	}
}

static void findings_index_release(struct findings_ix *ix)
{
	json_object_put(ix->by_level);
	json_object_put(ix->pairs);
}

/* Findings of level id in x that y lacks (same rule id on the same level). */
static json_object *findings_only(const struct findings_ix *x, const struct findings_ix *y,
                                  const char *id)
{
	json_object *out = json_object_new_array(), *list = NULL;
	char key[512];
	size_t i;

	json_object_object_get_ex(x->by_level, id, &list);
	for (i = 0; list && i < json_object_array_length(list); i++) {
		json_object *f = json_object_array_get_idx(list, i);

		snprintf(key, sizeof(key), "%s\n%s", id, nr_mlevel_string(f, "id"));
		if (!json_object_object_get_ex(y->pairs, key, NULL))
			json_object_array_add(out, json_object_get(f));
	}
	return out;
}

/* ---- the whole ---------------------------------------------------------- */

static json_object *side_json(const struct nr_diff_side *s)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "bundle", json_object_new_string(s->bundle));
	json_object_object_add(o, "created", json_object_get(json_object_object_get(s->manifest, "created")));
	json_object_object_add(o, "host", json_object_get(json_object_object_get(s->manifest, "host")));
	return o;
}

static size_t level_count(json_object *l)
{
	size_t n = 0;
	json_object *v;

	json_object_object_foreach(l, k, x) {
		(void)k;
		if (json_object_is_type(x, json_type_array))
			n += json_object_array_length(x);
	}
	if (json_object_object_get_ex(l, "cpu_flags", &v))
		n += json_object_array_length(json_object_object_get(v, "added")) +
		     json_object_array_length(json_object_object_get(v, "removed"));
	if (json_object_object_get_ex(l, "findings", &v))
		n += json_object_array_length(json_object_object_get(v, "appeared")) +
		     json_object_array_length(json_object_object_get(v, "disappeared"));
	return n;
}

static json_object *level_diff(const struct nr_diff_side *a, const struct nr_diff_side *b,
                               json_object *la, json_object *lb, const struct findings_ix *fa,
                               const struct findings_ix *fb)
{
	json_object *l = json_object_new_object(), *f = json_object_new_object(), *xa, *xb;
	const char *id = nr_mlevel_id(la ? la : lb);

	json_object_object_add(l, "id", json_object_new_string(id));
	json_object_object_add(l, "in", json_object_new_string(la && lb ? "both" : la ? "a" : "b"));
	if (!la || !lb) {
		json_object_put(f);
		return l;
	}
	json_object_object_get_ex(a->flags, id, &xa);
	json_object_object_get_ex(b->flags, id, &xb);
	json_object_object_add(l, "facts", fact_changes(la, lb));
	json_object_object_add(l, "cpu_flags", flag_changes(xa, xb));
	json_object_object_add(l, "probes", probe_changes(la, lb));
	json_object_object_add(f, "appeared", findings_only(fb, fa, id));
	json_object_object_add(f, "disappeared", findings_only(fa, fb, id));
	json_object_object_add(l, "findings", f);
	return l;
}

json_object *nr_diff_compute(const struct nr_diff_side *a, const struct nr_diff_side *b)
{
	json_object *lva = nr_mlevel_member(a->manifest, "levels", json_type_array);
	json_object *lvb = nr_mlevel_member(b->manifest, "levels", json_type_array);
	json_object *fa = nr_findings_evaluate(lva), *fb = nr_findings_evaluate(lvb);
	json_object *o = NULL, *levels = json_object_new_array();
	struct findings_ix xa, xb;
	struct nr_mlevels ia = { 0 }, ib = { 0 };
	bool identical = true;
	size_t i;

	findings_index(fa, &xa);
	findings_index(fb, &xb);
	if (nr_mlevels_init(&ia, lva) < 0 || nr_mlevels_init(&ib, lvb) < 0 || !fa || !fb ||
	    !levels || !xa.by_level || !xa.pairs || !xb.by_level || !xb.pairs)
		goto out;   /* out of memory: ia/ib released below either way */
	o = json_object_new_object();
	if (!o)
		goto out;
	for (i = 0; i < ia.n; i++) {
		json_object *la = nr_mlevels_at(&ia, i);
		json_object *l;

		/* A second level of an id is not compared twice. */
		if (!nr_mlevel_id(la) || nr_mlevels_find(&ia, nr_mlevel_id(la)) != la)
			continue;
		l = level_diff(a, b, la, nr_mlevels_find(&ib, nr_mlevel_id(la)), &xa, &xb);
		identical &= strcmp(nr_mlevel_string(l, "in"), "both") == 0 && level_count(l) == 0;
		json_object_array_add(levels, l);
	}
	for (i = 0; i < ib.n; i++) {
		json_object *lb = nr_mlevels_at(&ib, i);

		if (!nr_mlevel_id(lb) || nr_mlevels_find(&ia, nr_mlevel_id(lb)) ||
		    nr_mlevels_find(&ib, nr_mlevel_id(lb)) != lb)
			continue;
		json_object_array_add(levels, level_diff(a, b, NULL, lb, &xa, &xb));
		identical = false;
	}
	json_object_object_add(o, "a", side_json(a));
	json_object_object_add(o, "b", side_json(b));
	json_object_object_add(o, "identical", json_object_new_boolean(identical));
	json_object_object_add(o, "rules_version", json_object_new_string(NR_VERSION));
	json_object_object_add(o, "levels", levels);
	levels = NULL;
out:
	json_object_put(levels);
	nr_mlevels_release(&ia);
	nr_mlevels_release(&ib);
	findings_index_release(&xa);
	findings_index_release(&xb);
	json_object_put(fa);
	json_object_put(fb);
	return o;
}
