/* SPDX-License-Identifier: MIT */
/* Findings: triage rules over the facts of every level of a bundle.
 *
 * The engine reads the manifest's JSON, never live structs: its input is
 * the "levels" array of manifest.json (schemas/manifest.schema.json: id,
 * depth, parent, status, facts, probes ...).  So the same code judges a
 * bundle being written and any old bundle read back by `show`, with the
 * rules of the running version.
 *
 * A finding is {id, severity, level, message, evidence: [{artifact,
 * value}], hint, source}.  The rules themselves are a table (rule.h,
 * rules_*.c); `nest-report rules` and docs/findings.md are generated from
 * it.
 *
 * Unknown facts never fire a rule.  A rule whose inputs are null on a level
 * it applies to is "could not check"; the engine gathers those into one
 * info finding per level (id "could-not-check") that names the missing
 * facts, so the reporter knows what to add and a maintainer knows that the
 * absence of a finding there proves nothing.
 */
#ifndef NR_FINDINGS_H
#define NR_FINDINGS_H

#include <stddef.h>
#include <json-c/json.h>

enum nr_severity { NR_SEV_FAIL, NR_SEV_WARN, NR_SEV_INFO, NR_SEV_COUNT };

/* The id of the engine's per-level "could not check" finding. */
#define NR_RULE_COULD_NOT_CHECK "could-not-check"

/* "fail", "warn", "info" */
const char *nr_severity_name(enum nr_severity s);
/* The severity of a finding object; NR_SEV_INFO for anything unexpected. */
enum nr_severity nr_findings_severity(json_object *finding);

/* Evaluate every rule over a manifest's levels array (a borrowed
 * reference; anything malformed in it is treated as unknown).  Returns a
 * new array of findings sorted by severity (fail first), then level, then
 * rule order; NULL only when out of memory. */
json_object *nr_findings_evaluate(json_object *levels);

/* Count findings per severity. */
void nr_findings_count(json_object *findings, unsigned counts[NR_SEV_COUNT]);

/* One finding as a virt-host-validate style line, without newline:
 * "FAIL l0: nested KVM is disabled ... — hint: echo ..." */
void nr_findings_format_line(json_object *finding, char *out, size_t outlen);

#endif
