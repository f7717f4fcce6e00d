/* SPDX-License-Identifier: MIT */
/* Test support for the findings, see findings_case.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "level/facts.h"
#include "findings_case.h"
#include "probe_result.h"
#include "findings/rule.h"

static enum nr_arch arch_of(const char *family)
{
	unsigned bit;

	for (bit = 1; family && bit <= NR_ARCH_MIPS; bit <<= 1)
		if (strcmp(family, nr_arch_family_name((enum nr_arch)bit)) == 0)
			return (enum nr_arch)bit;
	return NR_ARCH_UNKNOWN;
}

/* Objects merge key by key; anything else replaces. */
static void merge(json_object *dst, json_object *src)
{
	json_object_object_foreach(src, key, val) {
		json_object *cur = NULL;

		if (json_object_is_type(val, json_type_object) &&
		    json_object_object_get_ex(dst, key, &cur) && json_object_is_type(cur, json_type_object))
			merge(cur, val);
		else
			json_object_object_add(dst, key, json_object_get(val));
	}
}

static json_object *probe_entry(json_object *probes, const char *name)
{
	size_t i, n = json_object_array_length(probes);
	json_object *p;

	for (i = 0; i < n; i++) {
		p = json_object_array_get_idx(probes, i);
		if (strcmp(json_object_get_string(json_object_object_get(p, "name")), name) == 0)
			return p;
	}
	p = json_object_new_object();
	json_object_object_add(p, "name", json_object_new_string(name));
	json_object_object_add(p, "status", json_object_new_string("ok"));
	json_object_object_add(p, "error", NULL);
	json_object_object_add(p, "notes", json_object_new_array());
	json_object_object_add(p, "artifacts", json_object_new_array());
	json_object_array_add(probes, p);
	return p;
}

/* spec: a name, or an artifact object whose other members (exit_code,
 * stderr, command, size...) are copied. */
static void add_artifact(json_object *probe, const char *level, json_object *spec)
{
	json_object *a = json_object_new_object();
	const char *name = json_object_is_type(spec, json_type_object)
	                           ? json_object_get_string(json_object_object_get(spec, "name"))
	                           : json_object_get_string(spec);
	char path[512];

	snprintf(path, sizeof(path), "levels/%s/%s/%s", level,
	         json_object_get_string(json_object_object_get(probe, "name")), name ? name : "");
	json_object_object_add(a, "name", json_object_new_string(name ? name : ""));
	json_object_object_add(a, "path", json_object_new_string(path));
	if (json_object_is_type(spec, json_type_object)) {
		json_object_object_foreach(spec, key, val)
			if (strcmp(key, "name") != 0 && strcmp(key, "path") != 0)
				json_object_object_add(a, key, json_object_get(val));
	}
	json_object_array_add(json_object_object_get(probe, "artifacts"), a);
}

/* Probe specs: artifacts may be names; the rest is copied. */
static json_object *probes_from(json_object *spec, const char *level)
{
	json_object *out = json_object_new_array();
	size_t i, j, n = spec ? json_object_array_length(spec) : 0;

	for (i = 0; i < n; i++) {
		json_object *ps = json_object_array_get_idx(spec, i), *arts = NULL;
		json_object *p = probe_entry(out, json_object_get_string(json_object_object_get(ps, "name")));

		json_object_object_foreach(ps, key, val)
			if (strcmp(key, "artifacts") != 0 && strcmp(key, "name") != 0)
				json_object_object_add(p, key, json_object_get(val));
		json_object_object_get_ex(ps, "artifacts", &arts);
		for (j = 0; arts && j < json_object_array_length(arts); j++)
			add_artifact(p, level, json_object_array_get_idx(arts, j));
	}
	return out;
}

/* Each guest's argv through the qemu probe's parse(), as if captured. */
static void guests_from(json_object *spec, json_object *facts, json_object *probes,
                        const char *level)
{
	size_t i, j, n = spec ? json_object_array_length(spec) : 0;
	struct nr_probe_result r;
	json_object *guests;

	if (n == 0)
		return;
	nr_test_result_init(&r, "qemu");
	for (i = 0; i < n; i++) {
		json_object *g = json_object_array_get_idx(spec, i);
		json_object *argv = json_object_object_get(g, "argv");
		char buf[8192], name[64];
		size_t len = 0;

		for (j = 0; j < json_object_array_length(argv); j++) {
			const char *a = json_object_get_string(json_object_array_get_idx(argv, j));

			assert_true(len + strlen(a) + 1 <= sizeof(buf));
			memcpy(buf + len, a, strlen(a) + 1);
			len += strlen(a) + 1;
		}
		snprintf(name, sizeof(name), "cmdline-%d", json_object_get_int(json_object_object_get(g, "pid")));
		nr_test_result_add(&r, name, buf, len);
		strcat(name, ".txt");
		{
			json_object *txt = json_object_new_string(name);

			add_artifact(probe_entry(probes, "qemu"), level, txt);
			json_object_put(txt);
		}
	}
	nr_test_result_parse(&r, facts);
	nr_test_result_release(&r);
	/* The link to a reached level, by pid. */
	guests = nr_facts_get(facts, "guests");
	assert_int_equal(json_object_array_length(guests), n);
	for (i = 0; i < n; i++) {
		json_object *g = json_object_array_get_idx(spec, i), *link = NULL;
		int pid = json_object_get_int(json_object_object_get(g, "pid"));

		if (!json_object_object_get_ex(g, "level", &link))
			continue;
		for (j = 0; j < n; j++) {
			json_object *fg = json_object_array_get_idx(guests, j);

			if (json_object_get_int(json_object_object_get(fg, "pid")) == pid)
				json_object_object_add(fg, "level", json_object_get(link));
		}
	}
}

static json_object *level_from(json_object *spec)
{
	json_object *lv = json_object_new_object(), *facts = NULL, *v = NULL, *probes;
	json_object *fspec = json_object_object_get(spec, "facts");
	const char *id = json_object_get_string(json_object_object_get(spec, "id"));
	const char *family = NULL;

	assert_non_null(id);
	if (fspec && json_object_object_get_ex(fspec, "arch_family", &v))
		family = json_object_get_string(v);
	facts = nr_test_facts_new(NULL, arch_of(family));
	if (fspec)
		merge(facts, fspec);
	probes = probes_from(json_object_object_get(spec, "probes"), id);
	guests_from(json_object_object_get(spec, "guests"), facts, probes, id);
	json_object_object_add(lv, "id", json_object_new_string(id));
	json_object_object_add(lv, "depth", json_object_object_get_ex(spec, "depth", &v)
	                                            ? json_object_get(v) : json_object_new_int(0));
	json_object_object_add(lv, "parent", json_object_object_get_ex(spec, "parent", &v)
	                                             ? json_object_get(v) : NULL);
	json_object_object_add(lv, "transport", json_object_new_string("local"));
	json_object_object_add(lv, "target", json_object_object_get_ex(spec, "target", &v)
	                                             ? json_object_get(v) : NULL);
	json_object_object_add(lv, "status", json_object_object_get_ex(spec, "status", &v)
	                                             ? json_object_get(v) : json_object_new_string("ok"));
	json_object_object_add(lv, "errors", json_object_object_get_ex(spec, "errors", &v)
	                                             ? json_object_get(v) : json_object_new_array());
	json_object_object_add(lv, "root", NULL);
	json_object_object_add(lv, "match", json_object_object_get_ex(spec, "match", &v)
	                                            ? json_object_get(v) : NULL);
	json_object_object_add(lv, "facts", facts);
	json_object_object_add(lv, "probes", probes);
	return lv;
}

json_object *nr_test_level_wrap(const char *id, int depth, const char *parent, json_object *facts)
{
	json_object *lv = json_object_new_object();

	json_object_object_add(lv, "id", json_object_new_string(id));
	json_object_object_add(lv, "depth", json_object_new_int(depth));
	json_object_object_add(lv, "parent", parent ? json_object_new_string(parent) : NULL);
	json_object_object_add(lv, "transport", json_object_new_string("replay"));
	json_object_object_add(lv, "target", NULL);
	json_object_object_add(lv, "status", json_object_new_string("ok"));
	json_object_object_add(lv, "errors", json_object_new_array());
	json_object_object_add(lv, "root", NULL);
	json_object_object_add(lv, "facts", facts);
	json_object_object_add(lv, "probes", json_object_new_array());
	return lv;
}

json_object *nr_test_levels(json_object *specs)
{
	json_object *levels = json_object_new_array();
	size_t i;

	assert_true(json_object_is_type(specs, json_type_array));
	for (i = 0; i < json_object_array_length(specs); i++)
		json_object_array_add(levels, level_from(json_object_array_get_idx(specs, i)));
	return levels;
}

json_object *nr_test_levels_str(const char *json)
{
	json_object *specs = json_tokener_parse(json), *levels;

	if (!specs)
		fail_msg("level specs do not parse: %s", json);
	levels = nr_test_levels(specs);
	json_object_put(specs);
	return levels;
}

static const char *str(json_object *o, const char *key)
{
	json_object *v = NULL;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* A rendered text still holding "{name}" forgot a template variable. */
static void assert_rendered(const char *what, const char *text)
{
	const char *open = strchr(text, '{');

	if (open && strchr(open, '}'))
		fail_msg("%s has an unrendered variable: %s", what, text);
}

void nr_test_check_findings(json_object *findings)
{
	size_t i, j, n;
	int last = 0;

	assert_true(json_object_is_type(findings, json_type_array));
	n = json_object_array_length(findings);
	for (i = 0; i < n; i++) {
		json_object *f = json_object_array_get_idx(findings, i), *ev = NULL, *lv = NULL;
		const char *id = str(f, "id"), *sev = str(f, "severity");
		const struct nr_rule *r = nr_rule_find(id);
		int s;

		json_object *cause = NULL;
		bool explained = json_object_object_get_ex(f, "explained_by", &cause);

		assert_non_null(id);
		assert_int_equal(json_object_object_length(f), explained ? 8 : 7);
		if (strcmp(id, NR_RULE_COULD_NOT_CHECK) == 0)
			r = &nr_rule_could_not_check;
		if (!r)
			fail_msg("finding with unknown id '%s'", id);
		assert_string_equal(sev, nr_severity_name(r->severity));
		assert_true(json_object_object_get_ex(f, "level", &lv));
		assert_true(lv == NULL || json_object_is_type(lv, json_type_string));
		assert_true(str(f, "message") && *str(f, "message"));
		assert_non_null(str(f, "hint"));
		assert_string_equal(str(f, "source"), r->source);
		assert_rendered("message", str(f, "message"));
		assert_rendered("hint", str(f, "hint"));
		assert_true(json_object_object_get_ex(f, "evidence", &ev));
		assert_true(json_object_is_type(ev, json_type_array));
		for (j = 0; j < json_object_array_length(ev); j++) {
			json_object *e = json_object_array_get_idx(ev, j), *a = NULL;

			assert_int_equal(json_object_object_length(e), 2);
			assert_non_null(str(e, "value"));
			assert_true(json_object_object_get_ex(e, "artifact", &a));
			assert_true(a == NULL || (json_object_is_type(a, json_type_string) &&
			                          strncmp(json_object_get_string(a), "levels/", 7) == 0));
		}
		if (explained) {
			/* Listed after the finding that explains it (cause.h). */
			assert_non_null(str(cause, "id"));
			assert_non_null(str(cause, "level"));
			for (j = 0; j < i; j++) {
				json_object *g = json_object_array_get_idx(findings, j);

				if (strcmp(str(g, "id"), str(cause, "id")) == 0 &&
				    str(g, "level") && strcmp(str(g, "level"), str(cause, "level")) == 0)
					break;
			}
			if (j == i)
				fail_msg("%s on %s is explained by %s on %s, which is not listed before it",
				         id, str(f, "level"), str(cause, "id"), str(cause, "level"));
			continue;
		}
		/* The rest: fail, warn, info. */
		s = (int)nr_findings_severity(f);
		assert_true(s >= last);
		last = s;
	}
}

int nr_test_count(json_object *findings, const char *id, const char *level)
{
	size_t i, n = json_object_array_length(findings);
	int count = 0;

	for (i = 0; i < n; i++) {
		json_object *f = json_object_array_get_idx(findings, i);
		const char *fl = str(f, "level");

		if (strcmp(str(f, "id"), id) == 0 && (!level || (fl && strcmp(fl, level) == 0)))
			count++;
	}
	return count;
}

json_object *nr_test_find(json_object *findings, const char *id, const char *level)
{
	size_t i, n = json_object_array_length(findings);

	for (i = 0; i < n; i++) {
		json_object *f = json_object_array_get_idx(findings, i);
		const char *fl = str(f, "level");

		if (strcmp(str(f, "id"), id) == 0 && (!level || (fl && strcmp(fl, level) == 0)))
			return f;
	}
	return NULL;
}
