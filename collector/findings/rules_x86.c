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
		.title = "APIC virtualization is off in kvm_intel on the host",
		.inputs = "kvm.module, kvm.params.kvm_intel.enable_apicv",
		.message = "enable_apicv is off in kvm_intel on {level}: interrupts of its guests "
		           "exit to KVM, which slows nested guests (L2)",
		.hint = "echo 'options kvm_intel enable_apicv=1' >> /etc/modprobe.d/kvm-nested.conf, "
		        "then modprobe -r kvm_intel && modprobe kvm_intel with every guest stopped; if "
		        "it stays N, the CPU lacks APICv",
		.source = NR_SRC_KDOC "`Additional nested-related kernel parameters (x86)`",
		.check = check_intel_param,
		.arg = "enable_apicv",
	},
};

const struct nr_rule_group nr_rules_x86 = NR_RULE_GROUP("x86 KVM parameters on the host", rules);
