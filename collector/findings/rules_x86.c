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

/* ept, enable_shadow_vmcs, enable_apicv: arg names the parameter. */
static enum nr_rule_verdict check_intel_param(struct nr_rule_ctx *c)
{
	const char *param = c->rule->arg, *module = nr_facts_str(c->facts, "kvm.module");
	char artifact[96], fact[96];
	json_object *ev;
	int on;

	if (!module)
		return no_module(c);
	if (strcmp(module, "kvm_intel") != 0)
		return NR_RULE_PASS;
	on = param_bool(c->facts, "kvm_intel", param);
	if (on == 1)
		return NR_RULE_PASS;
	snprintf(fact, sizeof(fact), "kvm.params.kvm_intel.%s", param);
	if (on < 0)
		return nr_rule_unknown(c, fact);
	snprintf(artifact, sizeof(artifact), "param-kvm_intel.%s", param);
	ev = json_object_new_array();
	nr_rule_ev_artifact(ev, c->level, "kvm", artifact, "kvm_intel %s = %s", param,
	                    nr_mlevel_kvm_param(c->facts, "kvm_intel", param));
	return nr_rule_fire(c, ev, NULL);
}

/* Whether the CPU can do APICv as KVM needs it (cpu_has_vmx_apicv(): APIC
 * register virtualization, virtual-interrupt delivery and posted
 * interrupts): 1, 0, or -1 when nothing tells.  cpuinfo's "vmx flags"
 * names them (vapic_reg, vid, posted_intr; "apicv" is the kernel's word
 * for all three); the decoded capability MSRs are the fallback.  how says
 * which, for the evidence. */
static const char *const apicv_flags[] = { "vapic_reg", "vid", "posted_intr" };
static const char *const apicv_features[] = { "apic_register_virtualization",
	                                      "virtual_interrupt_delivery", "posted_interrupts" };

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

static int cpu_apicv(json_object *facts, char *how, size_t howlen)
{
	json_object *vmx = nr_mlevel_member(facts, "vmx", json_type_object);
	json_object *flags = nr_mlevel_member(vmx, "flags", json_type_array);
	json_object *features = nr_mlevel_member(vmx, "features", json_type_object);
	size_t i, len = 0;
	int all = 1;

	if (flags) {
		if (flag_listed(flags, "apicv")) {
			snprintf(how, howlen, "cpuinfo vmx flags: apicv");
			return 1;
		}
		len = (size_t)snprintf(how, howlen, "cpuinfo vmx flags: no apicv");
		for (i = 0; i < 3; i++)
			if (!flag_listed(flags, apicv_flags[i])) {
				all = 0;
				len += (size_t)snprintf(how + len, len < howlen ? howlen - len : 0, ", no %s",
				                        apicv_flags[i]);
			}
		return all;
	}
	for (i = 0; features && i < 3; i++) {
		int v = nr_facts_bool(features, apicv_features[i]);

		if (v == 0) {
			snprintf(how, howlen, "VMX capability MSRs: no %s", apicv_features[i]);
			return 0;
		}
		all &= v == 1;
	}
	if (features && all) {
		snprintf(how, howlen, "VMX capability MSRs: APIC register virtualization, virtual "
		         "interrupt delivery and posted interrupts");
		return 1;
	}
	return -1;
}

/* enable_apicv off, judged against the CPU: arg is true for the rule that
 * speaks when the CPU has APICv (a setting to fix), false for the one that
 * speaks when it has none (nothing to fix).  When nothing tells, both are
 * unknown: a warning there could not say whether it can be fixed. */
static enum nr_rule_verdict check_apicv(struct nr_rule_ctx *c)
{
	const bool *want = c->rule->arg;
	const char *module = nr_facts_str(c->facts, "kvm.module"), *value;
	char how[160];
	json_object *ev;
	int on, cpu;

	if (!module)
		return no_module(c);
	if (strcmp(module, "kvm_intel") != 0)
		return NR_RULE_PASS;
	on = param_bool(c->facts, "kvm_intel", "enable_apicv");
	if (on == 1)
		return NR_RULE_PASS;
	if (on < 0)
		return nr_rule_unknown(c, "kvm.params.kvm_intel.enable_apicv");
	cpu = cpu_apicv(c->facts, how, sizeof(how));
	if (cpu < 0)
		return nr_rule_unknown(c, "vmx.flags and vmx.features (whether the CPU has APICv)");
	if ((cpu == 1) != *want)
		return NR_RULE_PASS;
	value = nr_mlevel_kvm_param(c->facts, "kvm_intel", "enable_apicv");
	ev = json_object_new_array();
	nr_rule_ev_artifact(ev, c->level, "kvm", "param-kvm_intel.enable_apicv",
	                    "kvm_intel enable_apicv = %s", value);
	if (strncmp(how, "cpuinfo", 7) == 0)
		nr_rule_ev_artifact(ev, c->level, "cpu", "cpuinfo", "%s", how);
	else
		nr_rule_ev_fact(ev, c->facts, "vmx.features", "%s", how);
	return nr_rule_fire(c, ev, "how", how, NULL);
}

static const bool cpu_has_it = true, cpu_lacks_it = false;

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
		        "modprobe -r kvm_intel && modprobe kvm_intel with every guest stopped; if it "
		        "stays N, the CPU has no EPT",
		.source = NR_SRC_KDOC "`Additional nested-related kernel parameters (x86)`",
		.check = check_intel_param,
		.arg = "ept",
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
		        "kvm_intel with every guest stopped; if it stays N, the CPU lacks shadow VMCS "
		        "(it needs Haswell or newer)",
		.source = NR_SRC_KDOC "`Additional nested-related kernel parameters (x86)`",
		.check = check_intel_param,
		.arg = "enable_shadow_vmcs",
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
		.check = check_apicv,
		.arg = &cpu_has_it,
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
		.check = check_apicv,
		.arg = &cpu_lacks_it,
	},
};

const struct nr_rule_group nr_rules_x86 = NR_RULE_GROUP("x86 KVM parameters on the host", rules);
