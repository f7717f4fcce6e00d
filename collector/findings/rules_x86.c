/* SPDX-License-Identifier: MIT */
/* x86 KVM module parameters on the host (L0): nested itself, the
 * parameters that make L2 fast, and the kernels where nested was off by
 * default. */
#include "rule.h"
#include "level/facts.h"
#include "parse.h"
#include "util/version_cmp.h"

#include <stdio.h>
#include <string.h>

/* A KVM module parameter as a boolean: 1, 0, or -1 (absent or not Y/N). */
static int param_bool(json_object *facts, const char *module, const char *param)
{
	const char *v = nr_mlevel_kvm_param(facts, module, param);

	return v ? (int)nr_modparam_bool(v, strlen(v)) : -1;
}

/* No KVM at all is reported by kvm-unavailable-l0; these rules then have
 * nothing to say.  Otherwise a null module is unknown. */
static enum nr_rule_verdict no_module(struct nr_rule_ctx *c)
{
	if (nr_mlevel_kvm_present(c->facts) == 0)
		return NR_RULE_PASS;
	return nr_rule_unknown(c, "kvm.module");
}

static enum nr_rule_verdict check_nested(struct nr_rule_ctx *c)
{
	const char *module = nr_facts_str(c->facts, "kvm.module");
	const char *raw;
	json_object *ev;

	switch (nr_facts_bool(c->facts, "kvm.nested")) {
	case 1:
		return NR_RULE_PASS;
	case 0:
		break;
	default:
		return module ? nr_rule_unknown(c, "kvm.nested") : no_module(c);
	}
	raw = module ? nr_mlevel_kvm_param(c->facts, module, "nested") : NULL;
	ev = json_object_new_array();
	nr_rule_ev_fact(ev, c->facts, "kvm.nested", "%s nested = %s", module ? module : "kvm",
	                raw ? raw : "N");
	return nr_rule_fire(c, ev, "module", module ? module : "kvm", NULL);
}

/* What a kvm_intel parameter needs of the CPU: the words cpuinfo's "vmx
 * flags" line (Linux 5.8+) prints for it, and the decoded VMX capability
 * MSRs' names for the same (the fallback).  `word` alone is enough when
 * listed (the kernel's synthetic "apicv" stands for all three parts). */
struct cpu_cap {
	const char *param, *word;
	const char *flags[3], *features[3];
	const char *msr_words;   /* the MSRs' finding in words */
	bool unknown_warns;      /* nothing tells: warn (true) or could-not-check */
};

/* cpu_has_vmx_apicv(): APIC register virtualization, virtual-interrupt
 * delivery and posted interrupts.  Unknown is could-not-check: many
 * desktop CPUs lack it, so a warning there could not say it can be fixed. */
static const struct cpu_cap cap_apicv = {
	"enable_apicv", "apicv", { "vapic_reg", "vid", "posted_intr" },
	{ "apic_register_virtualization", "virtual_interrupt_delivery", "posted_interrupts" },
	"APIC register virtualization, virtual interrupt delivery and posted interrupts", false,
};
/* Every VMX CPU from Nehalem on has EPT, and Haswell on shadow VMCS: off
 * is almost always a setting, so unknown still warns (the hint says what
 * a CPU without it does). */
static const struct cpu_cap cap_ept = { "ept", "ept", { "ept" }, { "ept" }, "EPT", true };
static const struct cpu_cap cap_shadow = { "enable_shadow_vmcs", "shadow_vmcs", { "shadow_vmcs" },
	                                   { "shadow_vmcs" }, "shadow VMCS", true };

static bool flag_listed(json_object *flags, const char *name)
{
	size_t i, n = json_object_array_length(flags);

	for (i = 0; i < n; i++) {
		json_object *w = json_object_array_get_idx(flags, i);

		if (json_object_is_type(w, json_type_string) &&
		    strcmp(json_object_get_string(w), name) == 0)
			return true;
	}
	return false;
}

/* Whether the CPU can do what cap needs: 1, 0, or -1 when nothing tells;
 * how says which source, for the evidence. */
static int cpu_can(json_object *facts, const struct cpu_cap *cap, char *how, size_t howlen)
{
	json_object *vmx = nr_mlevel_member(facts, "vmx", json_type_object);
	json_object *flags = nr_mlevel_member(vmx, "flags", json_type_array);
	json_object *features = nr_mlevel_member(vmx, "features", json_type_object);
	size_t i, len = 0;
	int all = 1;

	if (flags) {
		if (flag_listed(flags, cap->word)) {
			snprintf(how, howlen, "cpuinfo vmx flags: %s", cap->word);
			return 1;
		}
		len = (size_t)snprintf(how, howlen, "cpuinfo vmx flags: no %s", cap->word);
		for (i = 0; i < 3 && cap->flags[i]; i++)
			if (!flag_listed(flags, cap->flags[i])) {
				all = 0;
				if (strcmp(cap->flags[i], cap->word) != 0)
					len += (size_t)snprintf(how + len, len < howlen ? howlen - len : 0,
					                        ", no %s", cap->flags[i]);
			}
		return all;
	}
	for (i = 0; features && i < 3 && cap->features[i]; i++) {
		int v = nr_facts_bool(features, cap->features[i]);

		if (v == 0) {
			snprintf(how, howlen, "VMX capability MSRs: no %s", cap->features[i]);
			return 0;
		}
		all &= v == 1;
	}
	if (features && all) {
		snprintf(how, howlen, "VMX capability MSRs: %s", cap->msr_words);
		return 1;
	}
	snprintf(how, howlen, "the CPU's VMX capabilities are not known");
	return -1;
}

/* A kvm_intel parameter off, judged against the CPU.  Two rules share
 * each capability: one speaks when the CPU has it (a setting to fix), the
 * other when it has none (nothing to fix). */
struct cap_rule {
	const struct cpu_cap *cap;
	bool cpu_has_it;
};

static enum nr_rule_verdict check_cap(struct nr_rule_ctx *c)
{
	const struct cap_rule *r = c->rule->arg;
	const char *module = nr_facts_str(c->facts, "kvm.module"), *value;
	char how[200], artifact[96], fact[96];
	json_object *ev;
	int on, cpu;

	if (!module)
		return no_module(c);
	if (strcmp(module, "kvm_intel") != 0)
		return NR_RULE_PASS;
	on = param_bool(c->facts, "kvm_intel", r->cap->param);
	if (on == 1)
		return NR_RULE_PASS;
	snprintf(fact, sizeof(fact), "kvm.params.kvm_intel.%s", r->cap->param);
	if (on < 0)
		return nr_rule_unknown(c, fact);
	cpu = cpu_can(c->facts, r->cap, how, sizeof(how));
	if (cpu < 0 && !r->cap->unknown_warns)
		return nr_rule_unknown(c, "vmx.flags and vmx.features (what the CPU can do)");
	if (cpu < 0)
		cpu = 1;
	if ((cpu == 1) != r->cpu_has_it)
		return NR_RULE_PASS;
	value = nr_mlevel_kvm_param(c->facts, "kvm_intel", r->cap->param);
	snprintf(artifact, sizeof(artifact), "param-kvm_intel.%s", r->cap->param);
	ev = json_object_new_array();
	nr_rule_ev_artifact(ev, c->level, "kvm", artifact, "kvm_intel %s = %s", r->cap->param, value);
	if (strncmp(how, "cpuinfo", 7) == 0)
		nr_rule_ev_artifact(ev, c->level, "cpu", "cpuinfo", "%s", how);
	else if (strncmp(how, "VMX", 3) == 0)
		nr_rule_ev_fact(ev, c->facts, "vmx.features", "%s", how);
	return nr_rule_fire(c, ev, "how", how, NULL);
}

static const struct cap_rule apicv_has = { &cap_apicv, true }, apicv_lacks = { &cap_apicv, false };
static const struct cap_rule ept_has = { &cap_ept, true }, ept_lacks = { &cap_ept, false };
static const struct cap_rule shadow_has = { &cap_shadow, true }, shadow_lacks = { &cap_shadow, false };

/* kvm_intel turned nested on by default in 4.20 (commit 1e58e5e59148,
 * "a nice way to conclude the 4.20 pull request"; the kernel document says
 * "v4.19"); kvm_amd has had it on since 2009 (commit 4b6e4dca701, and
 * shared/reference/001), so only kvm_intel is judged. */
static enum nr_rule_verdict check_old_default(struct nr_rule_ctx *c)
{
	const char *module = nr_facts_str(c->facts, "kvm.module");
	const char *release = nr_facts_str(c->facts, "kernel.release");
	enum nr_rule_verdict verdict;
	json_object *ev;

	if (!module)
		return no_module(c);
	if (strcmp(module, "kvm_intel") != 0 || nr_facts_bool(c->facts, "kvm.nested") == 1)
		return NR_RULE_PASS;
	if (!nr_rule_kernel_older(c, "4.20", &ev, &verdict))
		return verdict;
	nr_rule_ev_fact(ev, c->facts, "kvm.nested", "kvm_intel nested = %s",
	                nr_facts_bool(c->facts, "kvm.nested") == 0 ? "N" : "unknown");
	return nr_rule_fire(c, ev, "release", release, NULL);
}

static const struct nr_rule rules[] = {
	{
		.id = "nested-disabled-l0",
		.severity = NR_SEV_FAIL,
		.scope = NR_SCOPE_HOST,
		.arches = NR_ARCH_X86 | NR_ARCH_S390 | NR_ARCH_PPC,
		.title = "The host's KVM module has nested virtualization off",
		.inputs = "kvm.module, kvm.nested (/sys/module/MODULE/parameters/nested)",
		.message = "nested KVM is disabled in {module} on {level}: its guests cannot use KVM "
		           "themselves, so every L2 would run under TCG emulation",
		.hint = "echo 'options {module} nested=1' > /etc/modprobe.d/kvm-nested.conf, then "
		        "reload the module with every guest stopped: modprobe -r {module} && "
		        "modprobe {module}",
		.source = NR_SRC_KDOC "`Enabling \"nested\" (x86)` and `Enabling \"nested\" (s390x)`",
		.check = check_nested,
	},
	{
		.id = "nested-default-off-old-kernel",
		.severity = NR_SEV_INFO,
		.scope = NR_SCOPE_HOST,
		.arches = NR_ARCH_X86,
		.title = "The host's kernel predates nested=1 as kvm_intel's default",
		.inputs = "kvm.module, kvm.nested, kernel.release",
		.message = "{level} runs kernel {release}, older than 4.20: kvm_intel ships with nested "
		           "KVM off by default there, and it is not known to be on",
		.hint = "set it explicitly: echo 'options kvm_intel nested=1' > "
		        "/etc/modprobe.d/kvm-nested.conf, then modprobe -r kvm_intel && modprobe "
		        "kvm_intel (or upgrade the kernel)",
		.source = NR_SRC_KDOC "`Enabling \"nested\" (x86)`; the KVM list review of "
		          "its first draft (commit 1e58e5e, Linux 4.20)",
		.check = check_old_default,
	},
	{
		.id = "ept-disabled-l0",
		.severity = NR_SEV_WARN,
		.scope = NR_SCOPE_HOST,
		.arches = NR_ARCH_X86,
		.title = "EPT is off in kvm_intel on the host: L2 guests are slow",
		.inputs = "kvm.module, kvm.params.kvm_intel.ept",
		.message = "ept is off in kvm_intel on {level}: nested guests (L2) run much slower "
		           "with shadow paging",
		.hint = "echo 'options kvm_intel ept=1' >> /etc/modprobe.d/kvm-nested.conf, then "
		        "modprobe -r kvm_intel && modprobe kvm_intel with every guest stopped",
		.source = NR_SRC_KDOC "`Additional nested-related kernel parameters (x86)`",
		.doc = "Judged against the CPU as `apicv-disabled-l0` is: when cpuinfo's `vmx flags` "
		       "or the VMX capability MSRs show no EPT, `ept-unsupported-l0` speaks instead; "
		       "when neither tells, this rule still warns (every VMX CPU from Nehalem on has "
		       "EPT).",
		.check = check_cap,
		.arg = &ept_has,
	},
	{
		.id = "ept-unsupported-l0",
		.severity = NR_SEV_INFO,
		.scope = NR_SCOPE_HOST,
		.arches = NR_ARCH_X86,
		.title = "EPT is off in kvm_intel because the host's CPU has none",
		.inputs = "kvm.module, kvm.params.kvm_intel.ept, vmx.flags (cpuinfo), vmx.features "
		          "(VMX capability MSRs)",
		.message = "ept is off in kvm_intel on {level} because its CPU has no EPT ({how}): "
		           "nested guests (L2) run with shadow paging, and no setting changes that",
		.hint = "nothing to fix in KVM: EPT needs a CPU from Nehalem on; if this level is "
		        "itself a guest, give it a CPU model with EPT (host-passthrough)",
		.source = NR_SRC_KDOC "`Additional nested-related kernel parameters (x86)`",
		.check = check_cap,
		.arg = &ept_lacks,
	},
	{
		.id = "shadow-vmcs-disabled-l0",
		.severity = NR_SEV_WARN,
		.scope = NR_SCOPE_HOST,
		.arches = NR_ARCH_X86,
		.title = "Shadow VMCS is off in kvm_intel on the host: L2 guests are slow",
		.inputs = "kvm.module, kvm.params.kvm_intel.enable_shadow_vmcs",
		.message = "enable_shadow_vmcs is off in kvm_intel on {level}: every VMREAD/VMWRITE "
		           "of an L1 hypervisor traps to L0, so nested guests (L2) run slower",
		.hint = "echo 'options kvm_intel enable_shadow_vmcs=1' >> "
		        "/etc/modprobe.d/kvm-nested.conf, then modprobe -r kvm_intel && modprobe "
		        "kvm_intel with every guest stopped",
		.source = NR_SRC_KDOC "`Additional nested-related kernel parameters (x86)`",
		.doc = "Judged against the CPU as `apicv-disabled-l0` is: when cpuinfo's `vmx flags` "
		       "or the VMX capability MSRs show no shadow VMCS, `shadow-vmcs-unsupported-l0` "
		       "speaks instead; when neither tells, this rule still warns.",
		.check = check_cap,
		.arg = &shadow_has,
	},
	{
		.id = "shadow-vmcs-unsupported-l0",
		.severity = NR_SEV_INFO,
		.scope = NR_SCOPE_HOST,
		.arches = NR_ARCH_X86,
		.title = "Shadow VMCS is off in kvm_intel because the host's CPU has none",
		.inputs = "kvm.module, kvm.params.kvm_intel.enable_shadow_vmcs, vmx.flags (cpuinfo), "
		          "vmx.features (VMX capability MSRs)",
		.message = "enable_shadow_vmcs is off in kvm_intel on {level} because its CPU has no "
		           "shadow VMCS ({how}): every VMREAD/VMWRITE of an L1 hypervisor traps to L0, "
		           "and no setting changes that",
		.hint = "nothing to fix in KVM: shadow VMCS is a feature of server parts and of some "
		        "client CPUs from Haswell on; keep it in mind when comparing L2 performance "
		        "with such a host",
		.source = NR_SRC_KDOC "`Additional nested-related kernel parameters (x86)`",
		.check = check_cap,
		.arg = &shadow_lacks,
	},
	{
		.id = "apicv-disabled-l0",
		.severity = NR_SEV_WARN,
		.scope = NR_SCOPE_HOST,
		.arches = NR_ARCH_X86,
		.title = "APIC virtualization is off in kvm_intel on a host whose CPU has it",
		.inputs = "kvm.module, kvm.params.kvm_intel.enable_apicv, vmx.flags (cpuinfo), "
		          "vmx.features (VMX capability MSRs)",
		.message = "enable_apicv is off in kvm_intel on {level}, though its CPU has APICv "
		           "({how}): interrupts of its guests exit to KVM, which slows nested guests "
		           "(L2)",
		.hint = "echo 'options kvm_intel enable_apicv=1' >> /etc/modprobe.d/kvm-nested.conf, "
		        "then modprobe -r kvm_intel && modprobe kvm_intel with every guest stopped",
		.source = NR_SRC_KDOC "`Additional nested-related kernel parameters (x86)`; Linux "
		          "arch/x86/kvm/vmx/capabilities.h, cpu_has_vmx_apicv()",
		.doc = "Only when the CPU is known to have APICv: cpuinfo's `vmx flags` (Linux 5.8+) "
		       "lists `apicv` (or `vapic_reg`, `vid` and `posted_intr`), or the VMX "
		       "capability MSRs allow all three.  When neither tells, the rule could not "
		       "check; when the CPU has none, `apicv-unsupported-l0` speaks instead.",
		.check = check_cap,
		.arg = &apicv_has,
	},
	{
		.id = "apicv-unsupported-l0",
		.severity = NR_SEV_INFO,
		.scope = NR_SCOPE_HOST,
		.arches = NR_ARCH_X86,
		.title = "APIC virtualization is off in kvm_intel because the host's CPU has none",
		.inputs = "kvm.module, kvm.params.kvm_intel.enable_apicv, vmx.flags (cpuinfo), "
		          "vmx.features (VMX capability MSRs)",
		.message = "enable_apicv is off in kvm_intel on {level} because its CPU does not "
		           "support APICv ({how}): interrupts of its guests exit to KVM, and no "
		           "setting changes that",
		.hint = "nothing to fix in KVM: APICv needs a CPU with APIC register virtualization, "
		        "virtual-interrupt delivery and posted interrupts (server parts from Ivy "
		        "Bridge-EP on; many desktop and laptop CPUs lack them); keep this in mind when "
		        "comparing interrupt-heavy L2 performance with such a host",
		.source = NR_SRC_KDOC "`Additional nested-related kernel parameters (x86)`; Linux "
		          "arch/x86/kvm/vmx/capabilities.h, cpu_has_vmx_apicv()",
		.check = check_cap,
		.arg = &apicv_lacks,
	},
};

const struct nr_rule_group nr_rules_x86 = NR_RULE_GROUP("x86 KVM parameters on the host", rules);
