/* SPDX-License-Identifier: MIT */
/* ppc64: a guest hypervisor needs cap-nested-hv=on on its machine (given
 * by L0's QEMU) and the kvm_hv module loaded inside it. */
#include "rule.h"
#include "level/facts.h"

#include <stdio.h>
#include <string.h>

/* Whether any argument mentions the capability at all: absent means
 * QEMU's default, off. */
static int argv_mentions(json_object *g, const char *needle)
{
	json_object *arr = nr_mlevel_member(g, "argv", json_type_array);
	size_t i, n = arr ? json_object_array_length(arr) : 0;

	if (n == 0)
		return -1;
	for (i = 0; i < n; i++) {
		const char *a = json_object_get_string(json_object_array_get_idx(arr, i));

		if (a && strstr(a, needle))
			return 1;
	}
	return 0;
}

static bool is_pseries(json_object *g, const char **machine)
{
	const char *bin = nr_mlevel_string(g, "binary");

	*machine = nr_mlevel_string(g, "machine");
	if (*machine)
		return strncmp(*machine, "pseries", 7) == 0;
	/* qemu-system-ppc64's default machine is pseries. */
	*machine = "pseries";
	return bin && strcmp(bin, "qemu-system-ppc64") == 0;
}

/* The module's parameters were captured: it is loaded or built in. */
static bool has_params(json_object *facts, const char *module)
{
	json_object *params = nr_mlevel_member(nr_mlevel_member(facts, "kvm", json_type_object),
	                                       "params", json_type_object);

	return nr_mlevel_member(params, module, json_type_object) != NULL;
}

static bool has_kvm_hv(json_object *facts)
{
	json_object *mods = nr_mlevel_member(nr_mlevel_member(facts, "kvm", json_type_object),
	                                     "modules", json_type_array);
	size_t i, n = mods ? json_object_array_length(mods) : 0;

	for (i = 0; i < n; i++) {
		const char *m = json_object_get_string(json_object_array_get_idx(mods, i));

		if (m && strcmp(m, "kvm_hv") == 0)
			return true;
	}
	/* Built in: its parameters are there without a /proc/modules line. */
	return has_params(facts, "kvm_hv");
}

static enum nr_rule_verdict check_cap(struct nr_rule_ctx *c)
{
	json_object *guests = nr_mlevel_guests(c->facts);
	bool matched = nr_mlevel_guests_matched(c->facts);
	size_t i, n = guests ? json_object_array_length(guests) : 0, fired = 0, unknown = 0;

	if (!guests)
		return nr_rule_unknown(c, "guests");
	for (i = 0; i < n; i++) {
		json_object *g = json_object_array_get_idx(guests, i), *child, *ev;
		json_object *cap = nr_mlevel_member(g, "cap_nested_hv", json_type_boolean);
		const char *accel = nr_mlevel_guest_accel(g, 0), *machine, *why;
		char label[200];

		if (matched && !nr_mlevel_string(g, "level"))
			continue;
		if (!accel || strcmp(accel, "kvm") != 0 || !is_pseries(g, &machine))
			continue;
		if (cap && json_object_get_boolean(cap))
			continue;
		/* kvm_hv loaded inside means it works, whatever argv says. */
		child = nr_mlevel_guest_child(c->levels, g);
		if (child && has_kvm_hv(nr_mlevel_facts(child)))
			continue;
		if (cap)
			why = "cap-nested-hv=off";
		else if (argv_mentions(g, "cap-nested-hv") == 0)
			why = "not set, and QEMU's default is off";
		else {
			unknown++;
			continue;
		}
		nr_mlevel_guest_label(g, label, sizeof(label));
		ev = json_object_new_array();
		nr_rule_ev_add(ev, nr_mlevel_guest_artifact(c->level, g), "-machine %s: %s", machine, why);
		nr_rule_fire(c, ev, "guest", label, "machine", machine, "why", why, NULL);
		fired++;
	}
	return nr_rule_tally(c, fired, unknown, "guests[].cap_nested_hv");
}

static enum nr_rule_verdict check_kvm_hv(struct nr_rule_ctx *c)
{
	json_object *parent = nr_mlevel_parent(c->levels, c->level), *ev;
	const char *modules = nr_mlevel_artifact_path(c->level, "kvm", "proc-modules");
	bool pr = has_params(c->facts, "kvm_pr");
	json_object *mods = nr_mlevel_member(nr_mlevel_member(c->facts, "kvm", json_type_object),
	                                     "modules", json_type_array);
	size_t i, n = mods ? json_object_array_length(mods) : 0;
	const char *ext = nr_facts_str(c->facts, "cpu.virt_ext");

	/* "hv": hypervisor mode, which the cpu probe concludes from kvm_hv too. */
	if (has_kvm_hv(c->facts) || (ext && strcmp(ext, "hv") == 0))
		return NR_RULE_PASS;
	/* An empty module list means nothing unless /proc/modules was read. */
	if (!modules)
		return nr_rule_unknown(c, "kvm.modules");
	for (i = 0; i < n; i++) {
		const char *m = json_object_get_string(json_object_array_get_idx(mods, i));

		pr = pr || (m && strcmp(m, "kvm_pr") == 0);
	}
	ev = json_object_new_array();
	nr_rule_ev_add(ev, modules, "no kvm_hv line%s", pr ? "; kvm_pr is loaded" : "");
	return nr_rule_fire(c, ev, "extra", pr ? " (only kvm_pr, the slower PR KVM, is)" : "",
	                    "host", parent ? nr_mlevel_id(parent) : "its host", NULL);
}

static const struct nr_rule rules[] = {
	{
		.id = "ppc-guest-no-cap-nested-hv",
		.severity = NR_SEV_WARN,
		.scope = NR_SCOPE_HOST,
		.arches = NR_ARCH_PPC,
		.title = "A pseries KVM guest of the host runs without cap-nested-hv",
		.inputs = "guests[] (machine, cap_nested_hv, argv, accel, level)",
		.message = "guest {guest} on {level} runs machine {machine} without cap-nested-hv "
		           "({why}): it cannot run KVM-HV guests of its own",
		.hint = "add cap-nested-hv=on to its machine: -machine {machine},cap-nested-hv=on (libvirt: "
		        "<features><nested-hv state='on'/></features>); {level} needs kvm_hv with "
		        "nested=1 on POWER9 or later",
		.source = "Nested KVM on POWER (shared/reference/003), `Setup`; QEMU "
		          "docs/system/ppc/pseries (cap-nested-hv)",
		.doc = "As with `guest-no-virt-ext`, only guests matched to reached levels are judged "
		       "when there are any, and a guest whose level has kvm_hv loaded passes.",
		.check = check_cap,
	},
	{
		.id = "ppc-l1-no-kvm-hv",
		.severity = NR_SEV_FAIL,
		.scope = NR_SCOPE_GUEST_HV,
		.arches = NR_ARCH_PPC,
		.title = "The ppc64 guest hypervisor has no kvm_hv module loaded",
		.inputs = "kvm.modules (/proc/modules), kvm.params",
		.message = "{level} has no kvm_hv module loaded{extra}: it cannot run KVM-HV guests",
		.hint = "modprobe kvm_hv on {level}; if that fails, {host} must start {level} with "
		        "cap-nested-hv=on on its -machine option",
		.source = "Nested KVM on POWER (shared/reference/003), `Setup` step 4",
		.check = check_kvm_hv,
	},
};

const struct nr_rule_group nr_rules_ppc = NR_RULE_GROUP("ppc64 (POWER)", rules);
