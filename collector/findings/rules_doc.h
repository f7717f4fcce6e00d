/* SPDX-License-Identifier: MIT */
/* The rule table rendered for people and programs: `nest-report rules
 * [--json] [--markdown]` prints these, and docs/findings.md is the
 * markdown, so the documentation cannot drift from the code (a unit test
 * compares them). */
#ifndef NR_RULES_DOC_H
#define NR_RULES_DOC_H

#include <stddef.h>
#include <json-c/json.h>

#include "rule.h"

/* "x86, s390, ppc" or "any" */
void nr_rules_arches_text(unsigned mask, char *out, size_t outlen);

/* [{id, severity, group, title, scope, arches, inputs, message, hint,
 *   source, doc}] plus the engine's could-not-check entry; NULL when out
 * of memory. */
json_object *nr_rules_json(void);

/* docs/findings.md, malloc'd and NUL-terminated; NULL when out of memory. */
char *nr_rules_markdown(size_t *len);

#endif
