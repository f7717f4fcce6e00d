/* SPDX-License-Identifier: MIT */
/* Causes before the symptoms they explain (cause.c): the engine's last
 * step, after every rule fired.
 *
 * A finding explains another when the table in cause.c says its rule
 * causes the other's and their levels stand in the stated relation (the
 * same level; the symptom's level runs on the cause's; the symptom is about
 * a guest that the cause's level runs as).  An explained finding keeps its
 * severity, gains "explained_by": {id, level}, and is listed right after
 * the finding that explains it.  The rest is ordered by severity, then
 * level depth, then the level's place in the manifest, then rule order.
 */
#ifndef NR_FINDINGS_CAUSE_H
#define NR_FINDINGS_CAUSE_H

#include <stddef.h>
#include <json-c/json.h>

struct nr_cause_item {
	json_object *finding;
	const char *rule;       /* the rule's id */
	const char *level;      /* the level it is about */
	const char *host;       /* the level that level runs on, or NULL */
	const char *about;      /* the reached level the guest it is about runs as, or NULL */
	size_t cause;           /* engine-private */
	size_t child, next;     /* engine-private */
};

/* items[0..n) arrive sorted by severity, depth, level, rule; *order
 * receives a new array of n indices into items, causes first (NULL and
 * -ENOMEM when out of memory), and each explained finding its
 * "explained_by".  0 or -ENOMEM. */
int nr_findings_by_cause(struct nr_cause_item *items, size_t n, size_t **order);

/* The i-th link of the table, for the docs: the cause's rule id, with
 * *symptom and *relation ("on the same level", ...); NULL past the end. */
const char *nr_cause_link(size_t i, const char **symptom, const char **relation);

#endif
