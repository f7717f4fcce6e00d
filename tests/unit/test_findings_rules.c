/* SPDX-License-Identifier: MIT */
/* Every rule, positive and negative, on fixture levels: each file of
 * tests/fixtures/findings/ is a small setup (levels with only the facts
 * that matter) and what each rule must say about it.  A last test fails
 * when a rule of the table has no positive or no negative case.
 *
 * Fixture format: {"about": "...", "levels": [level specs, see
 * findings_case.h], "expect": [{"rule": ID, "level": ID (optional),
 * "fires": true|false, "count": N (optional), "contains": "text" or
 * ["text", ...] (optional: in the message, hint or evidence of a firing),
 * "lacks": the same, none of which may be there,
 * "unknown": true (optional: the rule could not check that level)}]}. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "findings_case.h"
#include "findings/rule.h"

#define FIXTURES "tests/fixtures/findings/*.json"
#define MAX_RULES 128

struct coverage {
	const char *id[MAX_RULES];
	int pos[MAX_RULES], neg[MAX_RULES];
	size_t n;
	size_t files;
};

static struct coverage cov;

static void cover(const char *id, bool fires)
{
	size_t i;

	for (i = 0; i < cov.n && strcmp(cov.id[i], id) != 0; i++)
		;
	if (i == cov.n) {
		assert_true(cov.n < MAX_RULES);
		cov.id[cov.n++] = id;
	}
	if (fires)
		cov.pos[i]++;
	else
		cov.neg[i]++;
}

/* Message, hint and evidence (artifacts and values) of every firing, as
 * one text. */
static void all_text(json_object *findings, char *out, size_t outlen)
{
	size_t i, j, len = 0;

	out[0] = '\0';
	for (i = 0; i < json_object_array_length(findings) && len < outlen; i++) {
		json_object *f = json_object_array_get_idx(findings, i);
		json_object *ev = json_object_object_get(f, "evidence");

		len += (size_t)snprintf(out + len, outlen - len, "%s\n%s\n",
		                        json_object_get_string(json_object_object_get(f, "message")),
		                        json_object_get_string(json_object_object_get(f, "hint")));
		for (j = 0; j < json_object_array_length(ev) && len < outlen; j++) {
			json_object *e = json_object_array_get_idx(ev, j);
			const char *a = json_object_get_string(json_object_object_get(e, "artifact"));

			len += (size_t)snprintf(out + len, outlen - len, "%s\n%s\n", a ? a : "",
			                        json_object_get_string(json_object_object_get(e, "value")));
		}
	}
}

/* Only this level's findings of the rule (all levels when NULL). */
static json_object *of_level(json_object *findings, const char *level)
{
	json_object *out = json_object_new_array();
	size_t i;

	for (i = 0; i < json_object_array_length(findings); i++) {
		json_object *f = json_object_array_get_idx(findings, i);
		const char *fl = json_object_get_string(json_object_object_get(f, "level"));

		if (!level || (fl && strcmp(fl, level) == 0))
			json_object_array_add(out, json_object_get(f));
	}
	return out;
}

static bool unknown_on(json_object *unknown, const char *level)
{
	size_t i;

	for (i = 0; i < json_object_array_length(unknown); i++) {
		const char *ul = json_object_get_string(
			json_object_object_get(json_object_array_get_idx(unknown, i), "level"));

		if (!level || strcmp(ul, level) == 0)
			return true;
	}
	return false;
}

/* Each text of want ("contains") must be in the rule's firings, or none
 * of them ("lacks": advice that would be wrong for this setup). */
static void check_text(const char *file, const char *rule, json_object *mine, json_object *want,
                       bool present)
{
	static char text[65536];
	size_t i, n = json_object_is_type(want, json_type_array) ? json_object_array_length(want) : 1;

	all_text(mine, text, sizeof(text));
	for (i = 0; i < n; i++) {
		const char *needle = json_object_get_string(
			json_object_is_type(want, json_type_array) ? json_object_array_get_idx(want, i) : want);

		if (!strstr(text, needle) == present)
			fail_msg("%s: %s: expected '%s' %s:\n%s", file, rule, needle,
			         present ? "in" : "not in", text);
	}
}

static void check_expect(const char *file, json_object *levels, json_object *all, json_object *e)
{
	const char *id = json_object_get_string(json_object_object_get(e, "rule"));
	const char *level = json_object_get_string(json_object_object_get(e, "level"));
	json_object *fires = json_object_object_get(e, "fires"), *count = NULL, *want = NULL;
	const struct nr_rule *r = nr_rule_find(id);
	json_object *unknown = NULL, *alone, *mine;
	int n;

	if (!r)
		fail_msg("%s: no rule '%s'", file, id ? id : "(null)");
	assert_true(json_object_is_type(fires, json_type_boolean));
	alone = nr_rule_evaluate(r, levels, &unknown);
	assert_non_null(alone);
	nr_test_check_findings(alone);
	mine = of_level(alone, level);
	n = (int)json_object_array_length(mine);
	/* The rule alone and the whole table agree. */
	assert_int_equal(n, nr_test_count(all, id, level));
	if (json_object_get_boolean(fires) && n == 0)
		fail_msg("%s: %s should fire%s%s", file, id, level ? " on " : "", level ? level : "");
	if (!json_object_get_boolean(fires) && n > 0)
		fail_msg("%s: %s should not fire%s%s, but said: %s", file, id, level ? " on " : "",
		         level ? level : "",
		         json_object_get_string(json_object_object_get(json_object_array_get_idx(mine, 0),
		                                                       "message")));
	if (json_object_object_get_ex(e, "count", &count) && n != json_object_get_int(count))
		fail_msg("%s: %s fired %d times, expected %d", file, id, n, json_object_get_int(count));
	if (json_object_object_get_ex(e, "contains", &want))
		check_text(file, id, mine, want, true);
	if (json_object_object_get_ex(e, "lacks", &want))
		check_text(file, id, mine, want, false);
	if (json_object_object_get_ex(e, "unknown", &want) &&
	    json_object_get_boolean(want) != unknown_on(unknown, level))
		fail_msg("%s: %s: expected it %s check %s", file, id,
		         json_object_get_boolean(want) ? "could not" : "could", level ? level : "any level");
	cover(r->id, json_object_get_boolean(fires));
	json_object_put(mine);
	json_object_put(alone);
	json_object_put(unknown);
}

static void run_fixture(const char *path)
{
	json_object *doc = json_object_from_file(path), *levels, *all, *expect;
	size_t i;

	if (!doc)
		fail_msg("%s does not parse", path);
	levels = nr_test_levels(json_object_object_get(doc, "levels"));
	all = nr_findings_evaluate(levels);
	assert_non_null(all);
	nr_test_check_findings(all);
	expect = json_object_object_get(doc, "expect");
	assert_true(json_object_array_length(expect) > 0);
	for (i = 0; i < json_object_array_length(expect); i++)
		check_expect(path, levels, all, json_object_array_get_idx(expect, i));
	json_object_put(all);
	json_object_put(levels);
	json_object_put(doc);
}

static void test_fixtures(void **state)
{
	glob_t g;
	size_t i;

	(void)state;
	assert_int_equal(glob(FIXTURES, 0, NULL, &g), 0);
	for (i = 0; i < g.gl_pathc; i++) {
		print_message("%s\n", g.gl_pathv[i]);
		run_fixture(g.gl_pathv[i]);
	}
	cov.files = g.gl_pathc;
	globfree(&g);
}

/* Runs after test_fixtures: every rule has both kinds of case. */
static void test_every_rule_covered(void **state)
{
	size_t g, k, i;

	(void)state;
	assert_true(cov.files > 0);
	for (g = 0; nr_rule_groups[g]; g++)
		for (k = 0; k < nr_rule_groups[g]->n; k++) {
			const char *id = nr_rule_groups[g]->rules[k].id;

			for (i = 0; i < cov.n && strcmp(cov.id[i], id) != 0; i++)
				;
			if (i == cov.n || cov.pos[i] == 0)
				fail_msg("rule %s has no positive case in %s", id, FIXTURES);
			if (cov.neg[i] == 0)
				fail_msg("rule %s has no negative case in %s", id, FIXTURES);
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_every_rule_covered),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
