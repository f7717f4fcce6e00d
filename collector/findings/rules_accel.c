/* SPDX-License-Identifier: MIT */
/* KVM or TCG: whether a level can run KVM guests at all, and whether its
 * QEMU guests really use KVM.  The kernel document calls the confusion of
 * "nested virt" (QEMU under KVM, or TCG) with "nested KVM" (KVM on KVM)
 * the most common one. */
#include "rule.h"
#include "level/facts.h"

#include <stdio.h>
#include <string.h>

#define KVM_ARCHES (NR_ARCH_X86 | NR_ARCH_S390 | NR_ARCH_PPC | NR_ARCH_ARM)

static void ev_kvm(json_object *ev, json_object *facts)
{
	nr_rule_ev_fact(ev, facts, "kvm.available", "/dev/kvm %s",
	                nr_facts_bool(facts, "kvm.available") == 0 ? "absent" : "present");
}

/* No vmx/svm (x86) or sie (s390) in the level's own CPU flags. */
static bool lacks_virt_ext(json_object *facts)
{
	const char *ext = nr_facts_str(facts, "cpu.virt_ext");

	return ext && strcmp(ext, "none") == 0;
}

/* True when the level is known to have no /dev/kvm; else *verdict says
 * PASS (it has one) or UNKNOWN. */
static bool kvm_absent(struct nr_rule_ctx *c, enum nr_rule_verdict *verdict)
{
	switch (nr_mlevel_kvm_present(c->facts)) {
	case 0:
		return true;
	case 1:
		*verdict = NR_RULE_PASS;
		return false;
	default:
		*verdict = nr_rule_unknown(c, "kvm.available");
		return false;
	}
}

static enum nr_rule_verdict check_kvm_host(struct nr_rule_ctx *c)
{
	const char *module = nr_mlevel_kvm_module_for(c->facts);
	const char *domain = nr_facts_str(c->facts, "xen.domain");
	bool dom0 = domain && strcmp(domain, "dom0") == 0;
	char firmware[160] = "", xen[200] = "";
	enum nr_rule_verdict verdict;
	json_object *ev;

	if (!kvm_absent(c, &verdict))
		return verdict;
	ev = json_object_new_array();
	ev_kvm(ev, c->facts);
	/* Xen keeps VT-x/AMD-V to itself and hides them from its dom0's
	 * flags: neither modprobe nor the firmware setup helps there. */
	if (dom0) {
		nr_rule_ev_fact(ev, c->facts, "xen.domain", "Xen control domain (dom0)");
		snprintf(xen, sizeof(xen), "%s is a Xen dom0, and Xen keeps VT-x / AMD-V to itself: "
		         "boot it without Xen first, then ", c->id);
	} else if (lacks_virt_ext(c->facts) && nr_mlevel_arch(c->facts) == NR_ARCH_X86) {
		nr_rule_ev_fact(ev, c->facts, "cpu.virt_ext", "cpu flags: no vmx, no svm");
		snprintf(firmware, sizeof(firmware), ", after enabling VT-x / AMD-V (SVM) in the "
		         "firmware setup: the CPU flags show neither");
	}
	return nr_rule_fire(c, ev, "module", module, "firmware", firmware, "xen", xen, NULL);
}

static enum nr_rule_verdict check_kvm_l1(struct nr_rule_ctx *c)
{
	const char *module = nr_mlevel_kvm_module_for(c->facts);
	json_object *parent = nr_mlevel_parent(c->levels, c->level), *ev;
	char first[200] = "";
	enum nr_rule_verdict verdict;

	if (!kvm_absent(c, &verdict))
		return verdict;
	/* Emulated itself: l1-emulated-tcg names that cause, with this as
	 * its evidence; a second FAIL would point at the symptom. */
	if (nr_emulation_tcg(c->levels, c->level, NULL))
		return NR_RULE_PASS;
	ev = json_object_new_array();
	ev_kvm(ev, c->facts);
	if (lacks_virt_ext(c->facts)) {
		bool s390 = nr_mlevel_arch(c->facts) == NR_ARCH_S390;

		nr_rule_ev_fact(ev, c->facts, "cpu.virt_ext", "cpu flags: no %s",
		                s390 ? "sie" : "vmx, no svm");
		snprintf(first, sizeof(first), "make %s pass %s to %s first (see %s), then ",
		         parent ? nr_mlevel_id(parent) : "its host", s390 ? "sie" : "vmx/svm", c->id,
		         s390 ? "s390-l1-no-sie" : "l1-no-virt-ext");
	}
	return nr_rule_fire(c, ev, "module", module, "first", first, NULL);
}

static enum nr_rule_verdict check_guest_tcg(struct nr_rule_ctx *c)
{
	json_object *guests = nr_mlevel_guests(c->facts);
	size_t i, n = guests ? json_object_array_length(guests) : 0, fired = 0, tcg = 0;
	/* Usable, not merely present: a static /dev/kvm node proves nothing. */
	int kvm = nr_facts_bool(c->facts, "kvm.available");

	if (!guests)
		return nr_rule_unknown(c, "guests");
	for (i = 0; i < n; i++) {
		json_object *g = json_object_array_get_idx(guests, i), *ev;
		json_object *def = nr_mlevel_member(g, "accel_defaulted", json_type_boolean);
		const char *accel = nr_mlevel_guest_accel(g, 0);
		char label[200];

		if (!accel || strcmp(accel, "tcg") != 0)
			continue;
		tcg++;
		/* Without /dev/kvm, TCG is all there is: the level's own
		 * finding (kvm-unavailable-l0, l1-no-kvm-device) says why. */
		if (kvm != 1)
			continue;
		nr_mlevel_guest_label(g, label, sizeof(label));
		ev = json_object_new_array();
		nr_rule_ev_add(ev, nr_mlevel_guest_artifact(c->level, g), "accel: tcg%s",
		               def && json_object_get_boolean(def) ? " (QEMU's default: no accelerator option)" : "");
		ev_kvm(ev, c->facts);
		c->about = nr_mlevel_string(g, "level");
		nr_rule_fire(c, ev, "guest", label, "why",
		             def && json_object_get_boolean(def) ? "no accelerator option, and TCG is "
		                                                   "QEMU's default"
		                                                 : "it asks for TCG",
		             NULL);
		fired++;
	}
	return nr_rule_tally(c, fired, tcg && kvm < 0, "kvm.available");
}

/* -machine accel=kvm:tcg or -accel kvm -accel tcg: KVM first, TCG if
 * KVM fails to initialise. */
static bool tcg_fallback(json_object *g, char *list, size_t listlen)
{
	const char *a;
	size_t i, len = 0;
	bool tcg = false;

	list[0] = '\0';
	for (i = 0; (a = nr_mlevel_guest_accel(g, i)) != NULL; i++) {
		tcg = tcg || (i > 0 && strcmp(a, "tcg") == 0);
		if (len < listlen)
			len += (size_t)snprintf(list + len, listlen - len, "%s%s", i ? ":" : "", a);
	}
	a = nr_mlevel_guest_accel(g, 0);
	return tcg && a && strcmp(a, "kvm") == 0;
}

static enum nr_rule_verdict check_guest_fallback(struct nr_rule_ctx *c)
{
	json_object *guests = nr_mlevel_guests(c->facts);
	size_t i, n = guests ? json_object_array_length(guests) : 0, fired = 0, candidates = 0;
	int kvm = nr_mlevel_kvm_present(c->facts);

	if (!guests)
		return nr_rule_unknown(c, "guests");
	for (i = 0; i < n; i++) {
		json_object *g = json_object_array_get_idx(guests, i), *ev;
		char label[200], list[64];

		if (!tcg_fallback(g, list, sizeof(list)))
			continue;
		candidates++;
		if (kvm != 0)
			continue;   /* KVM there: it started on KVM, as far as we can tell */
		nr_mlevel_guest_label(g, label, sizeof(label));
		ev = json_object_new_array();
		nr_rule_ev_add(ev, nr_mlevel_guest_artifact(c->level, g), "accel %s", list);
		ev_kvm(ev, c->facts);
		c->about = nr_mlevel_string(g, "level");
		nr_rule_fire(c, ev, "guest", label, "accel", list, NULL);
		fired++;
	}
	return nr_rule_tally(c, fired, candidates && kvm < 0, "kvm.available");
}

/* The fix on the host, by how the level's QEMU was started. */
static void emulated_fix(const struct nr_emulation *e, char *out, size_t outlen)
{
	const char *name = nr_mlevel_string(e->guest, "name");
	const char *type = nr_mlevel_string(e->domain, "type");

	if (e->domain)
		snprintf(out, outlen, "virsh edit %s and make it <domain type='kvm'> (it is type='%s'), "
		         "then shut the domain down and start it again", name, type ? type : "?");
	else if (e->guest)
		snprintf(out, outlen, "start guest %s with -accel kvm (or -enable-kvm) instead of TCG",
		         name ? name : "of this level");
	else
		snprintf(out, outlen, "run it under KVM: -accel kvm on its QEMU command line, or "
		         "<domain type='kvm'> with libvirt");
}

static enum nr_rule_verdict check_emulated(struct nr_rule_ctx *c)
{
	const char *host_id;
	struct nr_emulation e;
	char fix[320], first[160] = "", guest[224] = "", label[200];
	enum nr_rule_verdict verdict;
	json_object *ev;

	if (!kvm_absent(c, &verdict))
		return verdict;
	if (!nr_emulation_tcg(c->levels, c->level, &e))
		return NR_RULE_PASS;
	host_id = e.host ? nr_mlevel_id(e.host) : NULL;
	ev = json_object_new_array();
	if (e.guest) {
		nr_mlevel_guest_label(e.guest, label, sizeof(label));
		snprintf(guest, sizeof(guest), " (its guest %s)", label);
		json_object *def = nr_mlevel_member(e.guest, "accel_defaulted", json_type_boolean);

		nr_rule_ev_add(ev, nr_mlevel_guest_artifact(e.host, e.guest), "%s runs %s: accel %s%s",
		               host_id ? host_id : "its host", label, nr_mlevel_guest_accel(e.guest, 0),
		               def && json_object_get_boolean(def)
		                       ? " (QEMU's default: no accelerator option)" : "");
	}
	if (e.domain)
		nr_rule_ev_fact(ev, nr_mlevel_facts(e.host), "libvirt.domains", "libvirt domain type '%s'",
		                nr_mlevel_string(e.domain, "type") ? nr_mlevel_string(e.domain, "type") : "?");
	if (strncmp(e.how, "its QEMU", 8) != 0)
		nr_rule_ev_fact(ev, c->facts, strncmp(e.how, "virt.hyp", 8) == 0 ? "virt.hypervisor"
		                                                                  : "virt.accel", "%s", e.how);
	nr_rule_ev_fact(ev, c->facts, "kvm.available",
	                "/dev/kvm absent on %s: the symptom (l1-no-kvm-device), explained by this", c->id);
	if (e.host && nr_mlevel_kvm_present(nr_mlevel_facts(e.host)) == 0)
		snprintf(first, sizeof(first), "load KVM on %s first (kvm-unavailable-l0), then ", host_id);
	emulated_fix(&e, fix, sizeof(fix));
	return nr_rule_fire(c, ev, "host", host_id ? host_id : "its host", "guest", guest,
	                    "first", first, "fix", fix, NULL);
}

static const struct nr_rule rules[] = {
	{
		.id = "kvm-unavailable-l0",
		.severity = NR_SEV_FAIL,
		.scope = NR_SCOPE_HOST,
		.arches = KVM_ARCHES,
		.title = "The host has no /dev/kvm",
		.inputs = "kvm.available, kvm.device, kvm.module, cpu.virt_ext, xen.domain",
		.message = "{level} has no /dev/kvm: KVM is not available there, so no guest on "
		           "{level} runs under KVM, nested or not",
		.hint = "{xen}load KVM on {level}: modprobe {module}{firmware}; if it fails, its dmesg "
		        "says why",
		.source = NR_SRC_KDOC "`Enabling \"nested\" (x86)` (step 1: ensure the KVM modules "
		          "are loaded)",
		.check = check_kvm_host,
	},
	{
		.id = "l1-no-kvm-device",
		.severity = NR_SEV_FAIL,
		.scope = NR_SCOPE_GUEST_HV,
		.arches = KVM_ARCHES,
		.title = "The guest hypervisor has no /dev/kvm: nested virt, not nested KVM",
		.inputs = "kvm.available, kvm.device, cpu.virt_ext",
		.message = "{level} has no /dev/kvm: the guests it starts run under TCG emulation "
		           "(nested virt, not nested KVM)",
		.hint = "{first}modprobe {module} on {level} and check that /dev/kvm appears",
		.source = NR_SRC_KDOC "`Reporting bugs from nested setups` (\"Ensure you are "
		          "actually running KVM on KVM\")",
		.check = check_kvm_l1,
	},
	{
		.id = "guest-accel-tcg",
		.severity = NR_SEV_WARN,
		.scope = NR_SCOPE_REACHED,
		.arches = NR_ARCH_ANY,
		.title = "A QEMU guest runs under TCG on a level that has KVM",
		.inputs = "guests[] (accel, accel_defaulted), kvm.available",
		.message = "guest {guest} on {level} runs under TCG emulation ({why}) although "
		           "{level} has a usable /dev/kvm",
		.hint = "start it with -accel kvm (or -enable-kvm); with libvirt, <domain type='kvm'>",
		.source = NR_SRC_KDOC "`Reporting bugs from nested setups`; QEMU "
		          "docs/system/invocation (-accel)",
		.check = check_guest_tcg,
	},
	{
		.id = "guest-accel-fallback",
		.severity = NR_SEV_WARN,
		.scope = NR_SCOPE_REACHED,
		.arches = NR_ARCH_ANY,
		.title = "A QEMU guest allows a TCG fallback and its level has no /dev/kvm",
		.inputs = "guests[] (accel), kvm.available",
		.message = "guest {guest} on {level} asks for {accel} but {level} has no /dev/kvm, so "
		           "QEMU fell back to TCG emulation",
		.hint = "make KVM work on {level} (see its other findings), and drop the TCG fallback "
		        "(-accel kvm alone) so that a missing KVM fails loudly instead of running slowly",
		.source = NR_SRC_KDOC "`Reporting bugs from nested setups`; QEMU "
		          "docs/system/invocation (-accel, -machine accel=)",
		.doc = "The fallback is concluded from the level's /dev/kvm: QEMU's own log line "
		       "(\"falling back to tcg\") and QMP are not collected yet.  With /dev/kvm "
		       "present the guest is assumed to have started on KVM.",
		.check = check_guest_fallback,
	},
	{
		.id = "l1-emulated-tcg",
		.severity = NR_SEV_FAIL,
		.scope = NR_SCOPE_GUEST_HV,
		.arches = KVM_ARCHES,
		.title = "The guest hypervisor is itself emulated by TCG: the cause of its missing /dev/kvm",
		.inputs = "kvm.available, virt.accel, virt.hypervisor; its host's guests[] (accel, level) "
		          "and libvirt.domains[] (type)",
		.message = "{level} is itself emulated by TCG on {host}{guest}: TCG gives it no hardware "
		           "virtualization, so {level} has no /dev/kvm and every guest it starts runs "
		           "under TCG too",
		.hint = "on {host}: {first}{fix}",
		.source = NR_SRC_KDOC "`Reporting bugs from nested setups` (\"Ensure you are actually "
		          "running KVM on KVM\"); libvirt formatdomain (domain type)",
		.doc = "The cause, stated on the level it explains; `l1-no-kvm-device` does not fire "
		       "then (its /dev/kvm is this finding's evidence), and the host's "
		       "`guest-accel-tcg` about the same guest is listed after it, explained by it. "
		       "Emulation is the level's own `virt.accel` or `virt.hypervisor` (`qemu-tcg`), "
		       "else its host's QEMU process linked to it asking for TCG alone.  `{fix}`: "
		       "`<domain type='kvm'>` (virsh edit) when the host's libvirt has a domain of "
		       "the guest's name, else `-accel kvm`; when the host has no /dev/kvm itself, "
		       "loading KVM there comes first.",
		.check = check_emulated,
	},
};

const struct nr_rule_group nr_rules_accel = NR_RULE_GROUP("KVM or TCG: is it really KVM on KVM?", rules);
