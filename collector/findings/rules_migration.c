/* SPDX-License-Identifier: MIT */
/* Live migration caveats: an L1 running L2 guests on AMD must not be
 * migrated or saved at all; on Intel it needs Linux 5.3 and QEMU 4.2. */
#include "rule.h"
#include "level/facts.h"
#include "util/version_cmp.h"

#include <stdio.h>
#include <string.h>

/* The guests of a level that run on KVM, as "a, b"; -1 when the level's
 * guests are not known (the qemu probe did not run cleanly). */
static int kvm_guests(json_object *level, json_object *facts, json_object *ev, char *out,
                      size_t outlen)
{
	json_object *guests = nr_mlevel_guests(facts);
	const char *qemu = nr_mlevel_probe_status(level, "qemu");
	size_t i, n = guests ? json_object_array_length(guests) : 0, len = 0;
	int count = 0;

	out[0] = '\0';
	if (!guests || (n == 0 && (!qemu || strcmp(qemu, "ok") != 0)))
		return -1;
	for (i = 0; i < n; i++) {
		json_object *g = json_object_array_get_idx(guests, i);
		const char *accel = nr_mlevel_guest_accel(g, 0);
		char label[200];

		if (!accel || strcmp(accel, "kvm") != 0)
			continue;
		nr_mlevel_guest_label(g, label, sizeof(label));
		if (len < outlen)
			len += (size_t)snprintf(out + len, outlen - len, "%s%s", count ? ", " : "", label);
		if (ev)
			nr_rule_ev_add(ev, nr_mlevel_guest_artifact(level, g), "L2 guest %s, accel kvm", label);
		count++;
	}
	return count;
}

/* Whether the host of a guest hypervisor is AMD: its parent's CPU when
 * that level was reached, else its own (KVM shows guests the host's
 * vendor). */
static int host_is_amd(struct nr_rule_ctx *c, json_object **from)
{
	json_object *parent = nr_mlevel_parent(c->levels, c->level);
	int amd = -1;

	if (nr_mlevel_reached(parent)) {
		amd = nr_mlevel_is_amd(nr_mlevel_facts(parent));
		*from = parent;
	}
	if (amd < 0) {
		amd = nr_mlevel_is_amd(c->facts);
		*from = c->level;
	}
	return amd;
}

static enum nr_rule_verdict check_amd(struct nr_rule_ctx *c)
{
	json_object *from = NULL, *ev = json_object_new_array(), *parent;
	char names[600];
	int n = kvm_guests(c->level, c->facts, ev, names, sizeof(names)), amd;

	if (n <= 0) {
		json_object_put(ev);
		return n < 0 ? nr_rule_unknown(c, "guests") : NR_RULE_PASS;
	}
	amd = host_is_amd(c, &from);
	if (amd != 1) {
		json_object_put(ev);
		return amd < 0 ? nr_rule_unknown(c, "cpu.vendor") : NR_RULE_PASS;
	}
	nr_rule_ev_add(ev, nr_mlevel_artifact_path(from, "cpu", "cpuinfo"), "%s: vendor %s",
	               nr_mlevel_id(from), nr_facts_str(nr_mlevel_facts(from), "cpu.vendor"));
	parent = nr_mlevel_parent(c->levels, c->level);
	return nr_rule_fire(c, ev, "guests", names, "host", parent ? nr_mlevel_id(parent) : "L0",
	                    NULL);
}

/* Intel only: AMD is never safe (check_amd), s390 always was. */
static enum nr_rule_verdict intel_only(struct nr_rule_ctx *c, bool *applies)
{
	int amd = nr_mlevel_is_amd(c->facts);

	*applies = false;
	if (amd < 0)
		return nr_rule_unknown(c, "cpu.vendor");
	*applies = amd == 0;
	return NR_RULE_PASS;
}

static enum nr_rule_verdict check_old_kernel(struct nr_rule_ctx *c)
{
	const char *release = nr_facts_str(c->facts, "kernel.release");
	enum nr_rule_verdict v;
	json_object *ev;
	bool applies;

	v = intel_only(c, &applies);
	if (!applies)
		return v;
	switch (nr_mlevel_kvm_present(c->facts)) {
	case 0:
		return NR_RULE_PASS;   /* no KVM: nothing here migrates nested state */
	case -1:
		return nr_rule_unknown(c, "kvm.available");
	}
	if (!nr_rule_kernel_older(c, "5.3", &ev, &v))
		return v;
	return nr_rule_fire(c, ev, "release", release, NULL);
}

static enum nr_rule_verdict check_old_qemu(struct nr_rule_ctx *c)
{
	json_object *versions = nr_mlevel_member(nr_mlevel_member(c->facts, "qemu", json_type_object),
	                                         "versions", json_type_array);
	size_t i, n = versions ? json_object_array_length(versions) : 0, len = 0;
	enum nr_rule_verdict v;
	json_object *ev;
	char list[400] = "", artifact[160];
	bool applies;

	v = intel_only(c, &applies);
	if (!applies)
		return v;
	if (!versions)
		return nr_rule_unknown(c, "qemu.versions");
	ev = json_object_new_array();
	for (i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(versions, i);
		const char *bin = nr_mlevel_string(e, "binary"), *ver = nr_mlevel_string(e, "version");

		if (!bin || !ver || nr_version_older(ver, "4.2") != 1)
			continue;
		snprintf(artifact, sizeof(artifact), "version-%s", bin);
		nr_rule_ev_artifact(ev, c->level, "qemu", artifact, "%s %s", bin, ver);
		if (len < sizeof(list))
			len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s %s", len ? ", " : "",
			                        bin, ver);
	}
	if (!len) {
		json_object_put(ev);
		return NR_RULE_PASS;
	}
	return nr_rule_fire(c, ev, "qemu", list, NULL);
}

static const struct nr_rule rules[] = {
	{
		.id = "migration-amd-l1-running-l2",
		.severity = NR_SEV_WARN,
		.scope = NR_SCOPE_GUEST_HV,
		.arches = NR_ARCH_X86,
		.title = "An L1 on an AMD host runs L2 guests: it must not be migrated or saved",
		.inputs = "guests[] (accel) of the L1, cpu.vendor of its host (or its own)",
		.message = "{level} runs KVM guests ({guests}) on an AMD host ({host}): do not "
		           "live-migrate, save or snapshot {level} until they shut down",
		.hint = "shut down the L2 guests on {level} before migrating or saving it (migrating "
		        "the L2 guests themselves is safe); an L1 migrated or loaded with L2 guests "
		        "running must be restarted",
		.source = NR_SRC_KDOC "`Live migration with nested KVM`",
		.check = check_amd,
	},
	{
		.id = "migration-old-kernel",
		.severity = NR_SEV_INFO,
		.scope = NR_SCOPE_REACHED,
		.arches = NR_ARCH_X86,
		.title = "An Intel level with KVM runs a kernel older than 5.3",
		.inputs = "kernel.release, cpu.vendor, kvm.available",
		.message = "{level} runs kernel {release}: migrating an L1 while its L2 guests run "
		           "needs Linux 5.3 or later on Intel",
		.hint = "upgrade {level} to Linux 5.3 or later (a distribution kernel may have "
		        "backported it: check its notes), or shut down the L2 guests before migrating "
		        "their L1",
		.source = NR_SRC_KDOC "`Live migration with nested KVM`",
		.check = check_old_kernel,
	},
	{
		.id = "migration-old-qemu",
		.severity = NR_SEV_INFO,
		.scope = NR_SCOPE_REACHED,
		.arches = NR_ARCH_X86,
		.title = "An Intel level has a QEMU older than 4.2",
		.inputs = "qemu.versions, cpu.vendor",
		.message = "{level} has {qemu}, older than 4.2: migrating an L1 while its L2 guests "
		           "run needs QEMU 4.2 or later on Intel",
		.hint = "upgrade QEMU on {level} to 4.2 or later, or shut down the L2 guests before "
		        "migrating their L1",
		.source = NR_SRC_KDOC "`Live migration with nested KVM`",
		.check = check_old_qemu,
	},
};

const struct nr_rule_group nr_rules_migration = NR_RULE_GROUP("Live migration", rules);
