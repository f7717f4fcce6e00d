/* SPDX-License-Identifier: MIT */
/* Version skew between a level and its parent.  The kernel document asks
 * for every level's versions, and the reference nested test bed keeps L0
 * and L1 on the same kernel, QEMU and libvirt "for consistency's sake":
 * a difference is worth a line in the report, not an alarm (info). */
#include "rule.h"
#include "level/facts.h"
#include "util/version_cmp.h"

#include <stdio.h>
#include <string.h>

struct skew {
	const char *what;                                   /* "kernel" */
	const char *(*get)(json_object *facts, const char **artifact_hint);
};

static const char *kernel_version(json_object *facts, const char **fact)
{
	*fact = "kernel.release";
	return nr_facts_str(facts, "kernel.release");
}

static const char *libvirt_version(json_object *facts, const char **fact)
{
	*fact = "libvirt.version";
	return nr_facts_str(facts, "libvirt.version");
}

/* The newest QEMU installed: the one a new guest gets. */
static const char *qemu_version(json_object *facts, const char **fact)
{
	json_object *versions = nr_mlevel_member(nr_mlevel_member(facts, "qemu", json_type_object),
	                                         "versions", json_type_array);
	size_t i, n = versions ? json_object_array_length(versions) : 0;
	const char *best = NULL;
	int cmp;

	*fact = "qemu.versions";
	for (i = 0; i < n; i++) {
		const char *v = nr_mlevel_string(json_object_array_get_idx(versions, i), "version");

		if (v && (!best || (nr_version_compare(v, best, &cmp) == 0 && cmp > 0)))
			best = v;
	}
	return best;
}

/* Only versions known on both sides are compared: a level without
 * libvirt has nothing to skew, so that is a pass, not "could not check". */
static enum nr_rule_verdict check_skew(struct nr_rule_ctx *c)
{
	const struct skew *s = c->rule->arg;
	json_object *parent = nr_mlevel_parent(c->levels, c->level), *pf = nr_mlevel_facts(parent);
	const char *fact, *mine = s->get(c->facts, &fact), *theirs = s->get(pf, &fact);
	json_object *ev;

	if (!mine || !theirs || nr_version_same_series(mine, theirs) != 0)
		return NR_RULE_PASS;
	ev = json_object_new_array();
	nr_rule_ev_fact(ev, c->facts, fact, "%s: %s %s", c->id, s->what, mine);
	nr_rule_ev_fact(ev, pf, fact, "%s: %s %s", nr_mlevel_id(parent), s->what, theirs);
	return nr_rule_fire(c, ev, "what", s->what, "version", mine, "parent", nr_mlevel_id(parent),
	                    "parent_version", theirs, NULL);
}

static const struct skew skew_kernel = { "kernel", kernel_version };
static const struct skew skew_qemu = { "QEMU", qemu_version };
static const struct skew skew_libvirt = { "libvirt", libvirt_version };

#define SKEW_MESSAGE "{level} runs {what} {version} and its parent {parent} runs {parent_version}"
#define SKEW_HINT "where you can, run the same {what} series on {level} and {parent}; if the " \
                  "problem changes when they match, say so in the report"
#define SKEW_SOURCE NR_SRC_KDOC "`Information to collect (generic)`; Nested Virtualization " \
                    "with Intel (shared/reference/004), `3.1 Create the L1 guest`"

static const struct nr_rule rules[] = {
	{
		.id = "skew-kernel",
		.severity = NR_SEV_INFO,
		.scope = NR_SCOPE_CHILD,
		.arches = NR_ARCH_ANY,
		.title = "A level runs another kernel series than its parent",
		.inputs = "kernel.release of the level and its parent (major.minor)",
		.message = SKEW_MESSAGE,
		.hint = SKEW_HINT,
		.source = SKEW_SOURCE,
		.check = check_skew,
		.arg = &skew_kernel,
	},
	{
		.id = "skew-qemu",
		.severity = NR_SEV_INFO,
		.scope = NR_SCOPE_CHILD,
		.arches = NR_ARCH_ANY,
		.title = "A level has another QEMU series than its parent",
		.inputs = "qemu.versions (the newest) of the level and its parent (major.minor)",
		.message = SKEW_MESSAGE,
		.hint = SKEW_HINT,
		.source = SKEW_SOURCE,
		.check = check_skew,
		.arg = &skew_qemu,
	},
	{
		.id = "skew-libvirt",
		.severity = NR_SEV_INFO,
		.scope = NR_SCOPE_CHILD,
		.arches = NR_ARCH_ANY,
		.title = "A level has another libvirt series than its parent",
		.inputs = "libvirt.version of the level and its parent (major.minor)",
		.message = SKEW_MESSAGE,
		.hint = SKEW_HINT,
		.source = SKEW_SOURCE,
		.check = check_skew,
		.arg = &skew_libvirt,
	},
};

const struct nr_rule_group nr_rules_skew = NR_RULE_GROUP("Version skew between levels", rules);
