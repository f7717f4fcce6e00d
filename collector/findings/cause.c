/* SPDX-License-Identifier: MIT */
/* Causes first: which finding explains which, and the order that follows
 * (cause.h).  The links are data, like the rules: a cause rule, a symptom
 * rule, and how their levels must relate. */
#include "cause.h"
#include "util/strmap.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NONE SIZE_MAX
/* A chain of causes is as deep as the table below; more is a bug. */
#define MAX_DEPTH 16

enum relation {
	SAME,    /* both about one level */
	HOST,    /* the symptom's level runs on the cause's level */
	GUEST,   /* the symptom is about the guest that the cause's level runs as */
};

/* In order of preference: a symptom takes the first cause that fired.
 * The rule graph is acyclic (a cause never follows from its symptom). */
static const struct link {
	const char *cause, *symptom;
	enum relation how;
} links[] = {
	/* No KVM on the host: its guests are emulated, fallbacks taken. */
	{ "kvm-unavailable-l0", "guest-accel-fallback", SAME },
	{ "kvm-unavailable-l0", "l1-emulated-tcg", HOST },
	/* A guest hypervisor under TCG: no /dev/kvm (folded into the
	 * finding), its host's warning about the same guest, its own guests
	 * falling back, TCG's CPU without VMX. */
	{ "l1-emulated-tcg", "guest-accel-tcg", GUEST },
	{ "l1-emulated-tcg", "guest-accel-fallback", GUEST },
	{ "l1-emulated-tcg", "guest-accel-fallback", SAME },
	{ "l1-emulated-tcg", "l1-no-virt-ext", SAME },
	/* No virtualization extension: no KVM module can load. */
	{ "l1-no-virt-ext", "l1-no-kvm-device", SAME },
	{ "s390-l1-no-sie", "l1-no-kvm-device", SAME },
	/* nested=0 on the host: KVM hides VMX/SVM from its guests. */
	{ "nested-disabled-l0", "l1-no-virt-ext", HOST },
	{ "nested-disabled-l0", "l1-no-kvm-device", HOST },
};

#define NLINKS (sizeof(links) / sizeof(links[0]))

static bool is_cause_rule(const char *rule)
{
	size_t k;

	for (k = 0; k < NLINKS; k++)
		if (strcmp(links[k].cause, rule) == 0)
			return true;
	return false;
}

const char *nr_cause_link(size_t i, const char **symptom, const char **relation)
{
	static const char *const how[] = {
		[SAME] = "on the same level",
		[HOST] = "on a level that runs on the cause's level",
		[GUEST] = "about the guest that the cause's level runs as",
	};

	if (i >= NLINKS)
		return NULL;
	*symptom = links[i].symptom;
	*relation = how[links[i].how];
	return links[i].cause;
}

/* "rule\037level": the key of a cause finding. */
static void key_of(char *out, size_t outlen, const char *rule, const char *level)
{
	snprintf(out, outlen, "%s\037%s", rule, level);
}

static size_t find_cause(const struct nr_strmap *causes, const struct nr_cause_item *it)
{
	char key[512];
	size_t k;

	for (k = 0; k < NLINKS; k++) {
		const char *target = links[k].how == SAME ? it->level
		                     : links[k].how == HOST ? it->host : it->about;
		struct nr_strmap_slot *s;

		if (!target || strcmp(links[k].symptom, it->rule) != 0)
			continue;
		key_of(key, sizeof(key), links[k].cause, target);
		if ((s = nr_strmap_find(causes, key)))
			return (size_t)(uintptr_t)s->val - 1;
	}
	return NONE;
}

static void explained_by(json_object *finding, const struct nr_cause_item *cause)
{
	json_object *e = json_object_new_object();

	if (!e)
		return;
	json_object_object_add(e, "id", json_object_new_string(cause->rule));
	json_object_object_add(e, "level", json_object_new_string(cause->level));
	json_object_object_add(finding, "explained_by", e);
}

/* Place i, then what it explains, in their own order. */
static void place(struct nr_cause_item *items, size_t i, size_t *order, size_t *k,
                  unsigned char *placed, int depth)
{
	size_t c;

	if (placed[i] || depth > MAX_DEPTH)
		return;
	placed[i] = 1;
	order[(*k)++] = i;
	for (c = items[i].child; c != NONE; c = items[c].next)
		place(items, c, order, k, placed, depth + 1);
}

int nr_findings_by_cause(struct nr_cause_item *items, size_t n, size_t **order)
{
	struct nr_strmap causes = { 0 };
	unsigned char *placed = calloc(n ? n : 1, 1);
	size_t *out = malloc((n ? n : 1) * sizeof(*out));
	size_t *last = malloc((n ? n : 1) * sizeof(*last));
	size_t i, k = 0;
	char key[512];
	int rc = -ENOMEM;

	*order = NULL;
	if (!placed || !out || !last)
		goto out;
	/* The first (best-ordered) finding of a cause rule on a level. */
	for (i = 0; i < n; i++) {
		items[i].cause = items[i].child = items[i].next = last[i] = NONE;
		if (!items[i].rule || !items[i].level || !is_cause_rule(items[i].rule))
			continue;
		key_of(key, sizeof(key), items[i].rule, items[i].level);
		if (nr_strmap_put(&causes, key, (void *)(uintptr_t)(i + 1)) < 0)
			goto out;
	}
	for (i = 0; i < n; i++) {
		size_t c = items[i].rule ? find_cause(&causes, &items[i]) : NONE;

		if (c == NONE || c == i)
			continue;
		items[i].cause = c;
		if (last[c] == NONE)
			items[c].child = i;
		else
			items[last[c]].next = i;
		last[c] = i;
		explained_by(items[i].finding, &items[c]);
	}
	for (i = 0; i < n; i++)
		if (items[i].cause == NONE)
			place(items, i, out, &k, placed, 0);
	/* Never lose one, whatever the links say. */
	for (i = 0; i < n; i++)
		if (!placed[i])
			out[k++] = i;
	*order = out;
	out = NULL;
	rc = 0;
out:
	nr_strmap_release(&causes, NULL);
	free(placed);
	free(last);
	free(out);
	return rc;
}
