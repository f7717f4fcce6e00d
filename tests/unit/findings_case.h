/* SPDX-License-Identifier: MIT */
/* Test support for the findings: manifest levels built from small JSON
 * specs (the files of tests/fixtures/findings/), and checks on what the engine
 * returns.
 *
 * A level spec is {id, depth, parent, status, errors, match, facts, probes,
 * guests}, all optional but id.  facts are merged over the layout
 * nr_facts_begin() makes (every fact null), so a spec names only what
 * matters.  guests are
 * {pid, argv, level}: argv goes through the qemu probe's real parse(), as
 * a captured /proc/PID/cmdline would, and level links the guest to a
 * reached level.  probes are manifest probe entries whose artifacts may be
 * plain names (their path is made up as the bundle would) or objects with
 * a name and the members that matter (exit_code, stderr...).
 */
#ifndef NR_TEST_FINDINGS_CASE_H
#define NR_TEST_FINDINGS_CASE_H

#include <stdbool.h>
#include <json-c/json.h>

/* The manifest levels array for an array of level specs (new reference). */
json_object *nr_test_levels(json_object *specs);

/* Same, from a JSON text (asserts it parses). */
json_object *nr_test_levels_str(const char *json);

/* A reached level around facts (consumed), with no probe entry. */
json_object *nr_test_level_wrap(const char *id, int depth, const char *parent, json_object *facts);

/* Assert every finding has the manifest's shape, a known id whose
 * severity it carries, no template variable left unrendered, and that the
 * array is sorted fail, warn, info. */
void nr_test_check_findings(json_object *findings);

/* The number of findings with this id (and level, when not NULL). */
int nr_test_count(json_object *findings, const char *id, const char *level);

/* The first finding with this id and level, or NULL. */
json_object *nr_test_find(json_object *findings, const char *id, const char *level);

#endif
