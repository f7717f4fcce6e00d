/* SPDX-License-Identifier: MIT */
/* docs/findings.md is generated from the rule table and must not drift
 * from it; `nest-report rules --json` lists the same rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "findings/rules_doc.h"

#define DOC "docs/findings.md"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)n + 1)) != NULL) {
		*len = fread(buf, 1, (size_t)n, f);
		buf[*len] = '\0';
	}
	fclose(f);
	return buf;
}

static void test_doc_matches_table(void **state)
{
	size_t glen = 0, flen = 0, line = 1, i;
	char *gen = nr_rules_markdown(&glen), *file = slurp(DOC, &flen);

	(void)state;
	assert_non_null(gen);
	if (!file)
		fail_msg("%s is missing: nest-report rules --markdown > %s", DOC, DOC);
	for (i = 0; i < glen && i < flen && gen[i] == file[i]; i++)
		line += gen[i] == '\n';
	if (i != glen || i != flen)
		fail_msg("%s differs from the rule table from line %zu on; regenerate it: "
		         "nest-report rules --markdown > %s", DOC, line, DOC);
	free(gen);
	free(file);
}

static void test_doc_names_every_rule(void **state)
{
	size_t len = 0, g, k;
	char *md = nr_rules_markdown(&len), heading[128];

	(void)state;
	assert_non_null(md);
	assert_int_equal(strlen(md), len);
	assert_true(len > 0 && md[len - 1] == '\n' && md[len - 2] != '\n');
	for (g = 0; nr_rule_groups[g]; g++) {
		assert_non_null(strstr(md, nr_rule_groups[g]->title));
		for (k = 0; k < nr_rule_groups[g]->n; k++) {
			const struct nr_rule *r = &nr_rule_groups[g]->rules[k];

			snprintf(heading, sizeof(heading), "\n### `%s`\n", r->id);
			if (!strstr(md, heading))
				fail_msg("no section for %s", r->id);
			assert_non_null(strstr(md, r->source));
			assert_non_null(strstr(md, r->hint));
		}
	}
	snprintf(heading, sizeof(heading), "\n### `%s`\n", NR_RULE_COULD_NOT_CHECK);
	assert_non_null(strstr(md, heading));
	free(md);
}

static void test_json_lists_every_rule(void **state)
{
	json_object *arr = nr_rules_json();
	size_t i, n;

	(void)state;
	assert_non_null(arr);
	n = json_object_array_length(arr);
	assert_int_equal(n, nr_rule_count() + 1);   /* + could-not-check */
	for (i = 0; i < n; i++) {
		json_object *o = json_object_array_get_idx(arr, i);
		const char *id = json_object_get_string(json_object_object_get(o, "id"));
		const struct nr_rule *r = i + 1 < n ? nr_rule_find(id) : &nr_rule_could_not_check;

		assert_non_null(r);
		assert_string_equal(id, r->id);
		assert_string_equal(json_object_get_string(json_object_object_get(o, "severity")),
		                    nr_severity_name(r->severity));
		assert_string_equal(json_object_get_string(json_object_object_get(o, "hint")), r->hint);
		assert_int_equal(json_object_object_length(o), 11);
	}
	json_object_put(arr);
}

static void test_arches_text(void **state)
{
	char out[64];

	(void)state;
	nr_rules_arches_text(NR_ARCH_ANY, out, sizeof(out));
	assert_string_equal(out, "any");
	nr_rules_arches_text(NR_ARCH_X86 | NR_ARCH_S390 | NR_ARCH_PPC, out, sizeof(out));
	assert_string_equal(out, "x86, s390, ppc");
	nr_rules_arches_text(NR_ARCH_X86 | NR_ARCH_S390, out, 6);
	assert_true(strlen(out) < 6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_doc_matches_table),
		cmocka_unit_test(test_doc_names_every_rule),
		cmocka_unit_test(test_json_lists_every_rule),
		cmocka_unit_test(test_arches_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
