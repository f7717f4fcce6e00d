/* SPDX-License-Identifier: MIT */
/* The rule table: one group per theme, in the order of docs/findings.md.
 * To add a rule: append it to its theme's table in rules_<theme>.c (ids
 * are stable: never rename or reuse one), give it a positive and a negative
 * test in tests/unit/test_findings_<theme>.c, and regenerate the docs with
 * `nest-report rules --markdown > docs/findings.md` (a test fails until
 * you do). */
#include "rule.h"

#include <string.h>

const struct nr_rule_group *const nr_rule_groups[] = {
	&nr_rules_x86,
	&nr_rules_exposure,
	&nr_rules_accel,
	&nr_rules_s390,
	&nr_rules_ppc,
	&nr_rules_migration,
	&nr_rules_evidence,
	&nr_rules_libvirt,
	&nr_rules_skew,
	&nr_rules_config,
	NULL,
};

const struct nr_rule *nr_rule_find(const char *id)
{
	size_t g, k;

	for (g = 0; id && nr_rule_groups[g]; g++)
		for (k = 0; k < nr_rule_groups[g]->n; k++)
			if (strcmp(nr_rule_groups[g]->rules[k].id, id) == 0)
				return &nr_rule_groups[g]->rules[k];
	return NULL;
}

size_t nr_rule_count(void)
{
	size_t g, n = 0;

	for (g = 0; nr_rule_groups[g]; g++)
		n += nr_rule_groups[g]->n;
	return n;
}
