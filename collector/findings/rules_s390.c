/* SPDX-License-Identifier: MIT */
/* s390x: the host's hpage parameter excludes nested, and a guest
 * hypervisor needs the sie CPU feature. */
#include "rule.h"
#include "level/facts.h"
#include "parse.h"

#include <string.h>

static int param_bool(json_object *facts, const char *param)
{
	const char *v = nr_mlevel_kvm_param(facts, "kvm", param);

	return v ? (int)nr_modparam_bool(v, strlen(v)) : -1;
}

static enum nr_rule_verdict check_hpage(struct nr_rule_ctx *c)
{
	int hpage = param_bool(c->facts, "hpage"), nested = param_bool(c->facts, "nested");
	json_object *ev;

	if (hpage == 0)
		return NR_RULE_PASS;
	if (hpage < 0) {
		if (nr_mlevel_kvm_present(c->facts) == 0)
			return NR_RULE_PASS;
		return nr_rule_unknown(c, "kvm.params.kvm.hpage");
	}
	ev = json_object_new_array();
	nr_rule_ev_artifact(ev, c->level, "kvm", "param-kvm.hpage", "kvm hpage = %s",
	                    nr_mlevel_kvm_param(c->facts, "kvm", "hpage"));
	if (nested >= 0)
		nr_rule_ev_artifact(ev, c->level, "kvm", "param-kvm.nested", "kvm nested = %s",
		                    nr_mlevel_kvm_param(c->facts, "kvm", "nested"));
	return nr_rule_fire(c, ev, "state",
	                    nested == 1 ? " together with nested=1" : nested == 0 ? ", so nested is off" : "",
	                    NULL);
}

static const char *sie_fix(const char *hv)
{
	if (hv && strcmp(hv, "zvm") == 0)
		return "z/VM does not pass SIE to its guests: run the KVM host in an LPAR, or as a "
		       "KVM guest started with -cpu host";
	return "start it with -cpu host (libvirt: <cpu mode='host-passthrough'/> or "
	       "host-model), with nested=1 and hpage=0 in its host's kvm module";
}

static const struct nr_rule_ext_gap gap_sie = { "cpu features: no sie", "virt.stack", sie_fix };

static const struct nr_rule rules[] = {
	{
		.id = "s390-hpage-with-nested",
		.severity = NR_SEV_FAIL,
		.scope = NR_SCOPE_HOST,
		.arches = NR_ARCH_S390,
		.title = "hpage is on in the host's s390 kvm module: nested cannot be",
		.inputs = "kvm.params.kvm.hpage, kvm.params.kvm.nested",
		.message = "hpage=1 in the kvm module on {level}{state}: hpage and nested are mutually "
		           "exclusive, so guests of {level} cannot run KVM themselves",
		.hint = "echo 'options kvm nested=1 hpage=0' > /etc/modprobe.d/kvm-nested.conf, then "
		        "modprobe -r kvm && modprobe kvm with every guest stopped (guests then lose "
		        "huge-page backing)",
		.source = NR_SRC_KDOC "`Enabling \"nested\" (s390x)`",
		.check = check_hpage,
	},
	{
		.id = "s390-l1-no-sie",
		.severity = NR_SEV_FAIL,
		.scope = NR_SCOPE_GUEST_HV,
		.arches = NR_ARCH_S390,
		.title = "The s390 guest hypervisor lacks the sie CPU feature",
		.inputs = "cpu.virt_ext (the sie feature in /proc/cpuinfo), kvm.available, virt.hypervisor",
		.message = "{level} has no sie CPU feature: {host} ({hv}) does not provide SIE, so "
		           "KVM on {level} cannot run guests",
		.hint = "on {host}: {fix}",
		.source = NR_SRC_KDOC "`Enabling \"nested\" (s390x)` (step 2)",
		.doc = "Fires only when /dev/kvm is known to be absent too: kernels older than the "
		       "sie hwcap do not list the feature even where SIE works.  "
		       "`{fix}`: for a KVM host, `-cpu host` (libvirt `host-passthrough` or "
		       "`host-model`) with nested=1 and hpage=0; for z/VM, which gives its guests no "
		       "SIE, run the KVM host in an LPAR or under KVM.",
		.check = nr_rule_check_ext_gap,
		.arg = &gap_sie,
	},
};

const struct nr_rule_group nr_rules_s390 = NR_RULE_GROUP("s390x", rules);
