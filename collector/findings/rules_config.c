/* SPDX-License-Identifier: MIT */
/* What the configuration, the CPU's own capability reports and the
 * access control say (the os, packages, modules, cpuid, vmx-msr, libvirt
 * and security probes): a nested setting in modprobe.d the running
 * module never got, a live setting a reboot will lose, VMX features L0's
 * CPU lacks, a libvirt host-model CPU without vmx/svm, guests QMP or their
 * log say are not on KVM, and SELinux/AppArmor denials of QEMU. */
#include "rule.h"
#include "level/facts.h"
#include "parse_modconf.h"
#include "util/version_cmp.h"

#include <stdio.h>
#include <string.h>

#define KVM_NESTED_ARCHES (NR_ARCH_X86 | NR_ARCH_S390 | NR_ARCH_PPC)

/* The last modprobe.d or command-line directive setting module.param:
 * where it is ("/etc/modprobe.d/kvm.conf line 3"), for evidence. */
static void config_source(json_object *facts, const char *module, const char *param,
                          char *out, size_t outlen, char *src, size_t srclen)
{
	json_object *list = nr_facts_get(facts, "modules.config");
	size_t i, n = json_object_is_type(list, json_type_array) ? json_object_array_length(list) : 0;

	snprintf(out, outlen, "modprobe.d");
	snprintf(src, srclen, "?");
	for (i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(list, i);
		const char *m = nr_mlevel_string(e, "module"), *p = nr_mlevel_string(e, "param");
		const char *s = nr_mlevel_string(e, "source"), *k = nr_mlevel_string(e, "kind");
		json_object *line = nr_mlevel_member(e, "line", json_type_int);

		if (!m || !p || !s || !k || strcmp(m, module) || strcmp(p, param) || strcmp(k, "options"))
			continue;
		snprintf(src, srclen, "%s", s);
		if (line)
			snprintf(out, outlen, "%s line %d", s, json_object_get_int(line));
		else
			snprintf(out, outlen, "%s", s);
	}
}

/* modules.persistent.<module>.<param>, or NULL. */
static const char *persistent(json_object *facts, const char *module, const char *param)
{
	json_object *m = nr_mlevel_member(nr_mlevel_member(facts, "modules", json_type_object),
	                                   "persistent", json_type_object);

	return nr_mlevel_string(nr_mlevel_member(m, module, json_type_object), param);
}

static bool persistent_known(json_object *facts)
{
	return nr_mlevel_member(nr_mlevel_member(facts, "modules", json_type_object), "persistent",
	                        json_type_object) != NULL;
}

/* The vendor module whose nested these rules judge (s390: kvm itself).
 * False, with *v PASS or UNKNOWN, when there is none to judge: without
 * KVM at all they have nothing to say. */
static bool vendor_module(struct nr_rule_ctx *c, const char **module, enum nr_rule_verdict *v)
{
	*module = nr_facts_str(c->facts, "kvm.module");
	if (*module && strcmp(*module, "kvm") == 0 && nr_mlevel_arch(c->facts) != NR_ARCH_S390)
		*module = NULL;   /* plain kvm: the vendor module is not loaded */
	if (*module)
		return true;
	*v = nr_mlevel_kvm_present(c->facts) == 0 ? NR_RULE_PASS : nr_rule_unknown(c, "kvm.module");
	return false;
}

/* The inputs both nested rules judge: the vendor module, live nested
 * equal to `live` (else PASS), and the persistent value (NULL when
 * nothing sets it).  False, with *v, when the rule ends there. */
static bool nested_inputs(struct nr_rule_ctx *c, int live, const char **module,
                          const char **value, enum nr_rule_verdict *v)
{
	int now;

	*v = NR_RULE_PASS;
	if (!vendor_module(c, module, v))
		return false;
	now = nr_facts_bool(c->facts, "kvm.nested");
	if (now != live) {
		*v = now < 0 ? nr_rule_unknown(c, "kvm.nested") : NR_RULE_PASS;
		return false;
	}
	if (!persistent_known(c->facts)) {
		*v = nr_rule_unknown(c, "modules.persistent");
		return false;
	}
	*value = persistent(c->facts, *module, "nested");
	return true;
}

static enum nr_rule_verdict check_not_reloaded(struct nr_rule_ctx *c)
{
	const char *module, *value;
	char where[600], src[512];
	enum nr_rule_verdict v;
	json_object *ev;
	bool cmdline;

	if (!nested_inputs(c, 0, &module, &value, &v))
		return v;
	if (!value || nr_modconf_bool(value) != NR_TRI_TRUE)
		return NR_RULE_PASS;
	config_source(c->facts, module, "nested", where, sizeof(where), src, sizeof(src));
	cmdline = strcmp(src, "/proc/cmdline") == 0;
	ev = json_object_new_array();
	nr_rule_ev_fact(ev, c->facts, "modules.persistent", "%s: %s nested=%s", where, module, value);
	nr_rule_ev_fact(ev, c->facts, "kvm.nested", "/sys/module/%s/parameters/nested: off", module);
	return nr_rule_fire(c, ev, "module", module, "value", value, "where", where, "why",
	                    cmdline ? "the module did not take it: check the module and parameter "
	                              "names on the kernel command line"
	                            : "the module was loaded before the setting was made and has not "
	                              "been reloaded since",
	                    NULL);
}

/* Whether a module's nested parameter is off unless set: kvm_intel before
 * 4.20, s390's kvm always; kvm_amd and kvm_hv have it on.  1, 0, or -1
 * (kernel.release unknown). */
static int default_off(json_object *facts, const char *module, const char **why)
{
	const char *release = nr_facts_str(facts, "kernel.release");
	int old;

	if (strcmp(module, "kvm") == 0) {
		*why = "s390's kvm has it off by default";
		return 1;
	}
	if (strcmp(module, "kvm_intel") != 0)
		return 0;
	if (!release || (old = nr_version_older(release, "4.20")) < 0)
		return -1;
	*why = "kvm_intel has it off by default before Linux 4.20";
	return old;
}

static enum nr_rule_verdict check_not_persistent(struct nr_rule_ctx *c)
{
	const char *module, *value, *why = "";
	char where[600], src[512], detail[700];
	enum nr_rule_verdict v;
	json_object *ev;
	int off;

	if (!nested_inputs(c, 1, &module, &value, &v))
		return v;
	if (value && nr_modconf_bool(value) == NR_TRI_TRUE)
		return NR_RULE_PASS;
	ev = json_object_new_array();
	nr_rule_ev_fact(ev, c->facts, "kvm.nested", "/sys/module/%s/parameters/nested: on", module);
	if (value) {
		config_source(c->facts, module, "nested", where, sizeof(where), src, sizeof(src));
		snprintf(detail, sizeof(detail), "%s sets nested=%s", where, value);
		nr_rule_ev_fact(ev, c->facts, "modules.persistent", "%s", detail);
		return nr_rule_fire(c, ev, "module", module, "why", detail, NULL);
	}
	off = default_off(c->facts, module, &why);
	if (off <= 0) {
		json_object_put(ev);
		return off < 0 ? nr_rule_unknown(c, "kernel.release") : NR_RULE_PASS;
	}
	snprintf(detail, sizeof(detail), "nothing in modprobe.d or on the kernel command line sets it, "
	         "and %s", why);
	nr_rule_ev_add(ev, NULL, "no 'options %s nested=...' in modprobe.d or on the kernel command line",
	               module);
	return nr_rule_fire(c, ev, "module", module, "why", detail, NULL);
}

/* The VMX feature a kvm_intel parameter needs. */
struct vmx_need {
	const char *feature;   /* vmx.features key */
	const char *param;     /* kvm_intel parameter */
	const char *what;      /* for the message */
	const char *impact;
};

static enum nr_rule_verdict check_vmx_feature(struct nr_rule_ctx *c)
{
	const struct vmx_need *need = c->rule->arg;
	const char *module = nr_facts_str(c->facts, "kvm.module"), *live, *pers;
	json_object *features = nr_facts_get(c->facts, "vmx.features"), *ev;
	char fact[96];
	int has;

	if (!module || strcmp(module, "kvm_intel") != 0)
		return NR_RULE_PASS;   /* the parameter is kvm_intel's */
	if (!json_object_is_type(features, json_type_object))
		return nr_rule_unknown(c, "vmx.features");
	snprintf(fact, sizeof(fact), "vmx.features.%s", need->feature);
	has = nr_facts_bool(c->facts, fact);
	if (has < 0)
		return nr_rule_unknown(c, fact);
	pers = persistent(c->facts, "kvm_intel", need->param);
	/* Turned off on purpose: nothing is missed. */
	if (has == 1 || (pers && nr_modconf_bool(pers) == NR_TRI_FALSE))
		return NR_RULE_PASS;
	live = nr_mlevel_kvm_param(c->facts, "kvm_intel", need->param);
	ev = json_object_new_array();
	nr_rule_ev_fact(ev, c->facts, "vmx.features", "VMX capability MSRs: no %s", need->what);
	snprintf(fact, sizeof(fact), "param-kvm_intel.%s", need->param);
	nr_rule_ev_artifact(ev, c->level, "kvm", fact, "kvm_intel %s = %s%s%s", need->param,
	                    live ? live : "?", pers ? ", modprobe.d: " : "", pers ? pers : "");
	return nr_rule_fire(c, ev, "what", need->what, "param", need->param, "impact", need->impact,
	                    NULL);
}

static enum nr_rule_verdict check_host_model(struct nr_rule_ctx *c)
{
	json_object *hm = nr_facts_get(c->facts, "libvirt.host_model"), *ev;
	const char *ext = nr_facts_str(c->facts, "cpu.virt_ext"), *model;
	char fact[64];
	int offered;

	if (!nr_facts_str(c->facts, "libvirt.version"))
		return NR_RULE_PASS;   /* no libvirt here */
	if (!json_object_is_type(hm, json_type_object))
		return nr_rule_unknown(c, "libvirt.host_model");
	if (nr_facts_bool(c->facts, "libvirt.host_model.supported") != 1)
		return NR_RULE_PASS;
	if (!ext)
		return nr_rule_unknown(c, "cpu.virt_ext");
	/* A CPU without the extension is another finding's matter. */
	if (strcmp(ext, "vmx") != 0 && strcmp(ext, "svm") != 0)
		return NR_RULE_PASS;
	snprintf(fact, sizeof(fact), "libvirt.host_model.%s", ext);
	offered = nr_facts_bool(c->facts, fact);
	if (offered != 0)
		return offered < 0 ? nr_rule_unknown(c, fact) : NR_RULE_PASS;
	model = nr_facts_str(c->facts, "libvirt.host_model.model");
	ev = json_object_new_array();
	nr_rule_ev_fact(ev, c->facts, "libvirt.host_model", "host-model %s: no %s",
	                model ? model : "?", ext);
	nr_rule_ev_fact(ev, c->facts, "cpu.virt_ext", "%s's CPU flags: %s", c->id, ext);
	return nr_rule_fire(c, ev, "ext", ext, "model", model, "module",
	                    nr_mlevel_kvm_module_for(c->facts), NULL);
}

static json_object *domains(json_object *facts)
{
	return nr_mlevel_member(nr_mlevel_member(facts, "libvirt", json_type_object), "domains",
	                        json_type_array);
}

static enum nr_rule_verdict check_qmp(struct nr_rule_ctx *c)
{
	json_object *list = domains(c->facts);
	size_t i, n = list ? json_object_array_length(list) : 0, fired = 0;

	for (i = 0; i < n; i++) {
		json_object *d = json_object_array_get_idx(list, i), *ev;
		json_object *en = nr_mlevel_member(d, "qmp_kvm_enabled", json_type_boolean);
		json_object *pr = nr_mlevel_member(d, "qmp_kvm_present", json_type_boolean);
		const char *name = nr_mlevel_string(d, "name");
		bool present = pr && json_object_get_boolean(pr);

		if (!en || json_object_get_boolean(en) || !name)
			continue;
		ev = json_object_new_array();
		nr_rule_ev_fact(ev, c->facts, "libvirt.domains",
		                "query-kvm of '%s': {\"enabled\": false, \"present\": %s}", name,
		                pr ? (present ? "true" : "false") : "?");
		nr_rule_fire(c, ev, "guest", name, "present", pr ? (present ? "true" : "false") : "?",
		             "fix", present ? "KVM is there but the domain does not use it: set "
		                              "<domain type='kvm'> (virsh edit) and restart it"
		                            : "KVM is not available to QEMU there: make /dev/kvm usable "
		                              "(see the level's other findings), then restart the domain",
		             NULL);
		fired++;
	}
	return fired ? NR_RULE_FIRED : NR_RULE_PASS;
}

static enum nr_rule_verdict check_log(struct nr_rule_ctx *c)
{
	json_object *list = domains(c->facts);
	size_t i, n = list ? json_object_array_length(list) : 0, fired = 0;

	for (i = 0; i < n; i++) {
		json_object *d = json_object_array_get_idx(list, i), *ev;
		json_object *lines = nr_mlevel_member(d, "log_accel", json_type_array);
		const char *name = nr_mlevel_string(d, "name"), *last;
		char art[320];

		if (!name || !lines || json_object_array_length(lines) == 0)
			continue;
		last = json_object_get_string(json_object_array_get_idx(lines,
		                                                       json_object_array_length(lines) - 1));
		snprintf(art, sizeof(art), "log-%s.log", name);
		ev = json_object_new_array();
		for (size_t k = 0; k < json_object_array_length(lines) && k < 4; k++)
			nr_rule_ev_artifact(ev, c->level, "libvirt", art, "%s",
			                    json_object_get_string(json_object_array_get_idx(lines, k)));
		nr_rule_fire(c, ev, "guest", name, "line", last ? last : "?", NULL);
		fired++;
	}
	return fired ? NR_RULE_FIRED : NR_RULE_PASS;
}

static enum nr_rule_verdict check_denials(struct nr_rule_ctx *c)
{
	json_object *total = nr_facts_get(c->facts, "security.denials_total");
	json_object *list = nr_facts_get(c->facts, "security.denials"), *ev;
	const char *se = nr_facts_str(c->facts, "security.selinux");
	const char *aa = nr_facts_str(c->facts, "security.apparmor");
	char first[400] = "", count[24];
	size_t i, n;

	if (!json_object_is_type(total, json_type_int)) {
		if (se && aa && strcmp(se, "disabled") == 0 && strcmp(aa, "disabled") == 0)
			return NR_RULE_PASS;
		return nr_rule_unknown(c, "security.denials_total");
	}
	if (json_object_get_int(total) <= 0)
		return NR_RULE_PASS;
	ev = json_object_new_array();
	n = json_object_is_type(list, json_type_array) ? json_object_array_length(list) : 0;
	for (i = 0; i < n && i < 4; i++) {
		json_object *d = json_object_array_get_idx(list, i);

		nr_rule_ev_fact(ev, c->facts, "security.denials", "%s: %s denied %s on %s (%s)",
		                nr_mlevel_string(d, "lsm") ? nr_mlevel_string(d, "lsm") : "?",
		                nr_mlevel_string(d, "comm") ? nr_mlevel_string(d, "comm") : "?",
		                nr_mlevel_string(d, "what") ? nr_mlevel_string(d, "what") : "?",
		                nr_mlevel_string(d, "target") ? nr_mlevel_string(d, "target") : "?",
		                nr_mlevel_string(d, "subject") ? nr_mlevel_string(d, "subject") : "?");
		if (i == 0)
			snprintf(first, sizeof(first), "%s denied %s on %s",
			         nr_mlevel_string(d, "comm") ? nr_mlevel_string(d, "comm") : "?",
			         nr_mlevel_string(d, "what") ? nr_mlevel_string(d, "what") : "?",
			         nr_mlevel_string(d, "target") ? nr_mlevel_string(d, "target") : "?");
	}
	snprintf(count, sizeof(count), "%d", json_object_get_int(total));
	return nr_rule_fire(c, ev, "count", count, "first", first[0] ? first : "?", NULL);
}

static const struct vmx_need need_shadow = {
	"shadow_vmcs", "enable_shadow_vmcs", "shadow VMCS (VMCS shadowing with VMWRITE to any field)",
	"every VMREAD and VMWRITE of a guest hypervisor exits to L0, which makes L2 slow"
};
static const struct vmx_need need_ept = {
	"ept", "ept", "EPT",
	"guests run on shadow page tables, and an L2 far slower still"
};

#define SRC_004 "shared/reference/004 (Fedora nVMX test bed): "

static const struct nr_rule rules[] = {
	{
		.id = "nested-set-not-live",
		.severity = NR_SEV_WARN,
		.scope = NR_SCOPE_REACHED,
		.arches = KVM_NESTED_ARCHES,
		.title = "nested is set in modprobe.d (or on the command line) but off in the running module",
		.inputs = "kvm.module, kvm.nested, modules.persistent, modules.config",
		.message = "{module} nested is set to {value} in {where}, but the {module} running on "
		           "{level} has it off: {why}",
		.hint = "stop every guest on {level}, then modprobe -r {module} && modprobe {module} (or "
		        "reboot), and check /sys/module/{module}/parameters/nested",
		.source = NR_SRC_KDOC "`Enabling \"nested\" (x86)` (steps 3 and 4: persist the option, "
		          "then unload and reload the module)",
		.check = check_not_reloaded,
	},
	{
		.id = "nested-live-not-persistent",
		.severity = NR_SEV_WARN,
		.scope = NR_SCOPE_REACHED,
		.arches = KVM_NESTED_ARCHES,
		.title = "nested is on in the running module, but a reboot turns it off",
		.inputs = "kvm.module, kvm.nested, modules.persistent, modules.config, kernel.release",
		.message = "{module} nested is on on {level} now, but not at the next boot: {why}",
		.hint = "echo 'options {module} nested=1' > /etc/modprobe.d/kvm-nested.conf (and remove "
		        "any setting that turns it off)",
		.source = NR_SRC_KDOC "`Enabling \"nested\" (x86)` (step 3: \"for the nested KVM "
		          "configuration to persist across reboots\"); shared/reference/002",
		.doc = "Only modules whose nested is off unless set are judged when nothing sets it: "
		       "kvm_intel before Linux 4.20 and s390's kvm.  An explicit nested=0 that a later "
		       "reload will pick up is judged on every module.",
		.check = check_not_persistent,
	},
	{
		.id = "l0-vmx-no-shadow-vmcs",
		.severity = NR_SEV_WARN,
		.scope = NR_SCOPE_HOST,
		.arches = NR_ARCH_X86,
		.title = "The host's CPU offers no shadow VMCS, so enable_shadow_vmcs cannot take effect",
		.inputs = "vmx.features.shadow_vmcs (IA32_VMX_PROCBASED_CTLS2 bit 46, IA32_VMX_MISC bit 29), "
		          "kvm.params.kvm_intel.enable_shadow_vmcs, modules.persistent",
		.message = "{level}'s CPU offers no {what} (its VMX capability MSRs say so), so kvm_intel "
		           "{param} cannot be on: {impact}",
		.hint = "nothing to set on {level}: the CPU lacks it (Haswell and later have it), or, if "
		        "{level} is itself a VM, its hypervisor does not offer it",
		.source = SRC_004 "2.4 \"Ensure Shadow VMCS is enabled on L0\" (rdmsr 0x48B, 0x485); "
		          NR_SRC_KDOC "`Additional nested-related kernel parameters (x86)`",
		.check = check_vmx_feature,
		.arg = &need_shadow,
	},
	{
		.id = "l0-vmx-no-ept",
		.severity = NR_SEV_WARN,
		.scope = NR_SCOPE_HOST,
		.arches = NR_ARCH_X86,
		.title = "The host's CPU offers no EPT, so kvm_intel's ept cannot take effect",
		.inputs = "vmx.features.ept (IA32_VMX_PROCBASED_CTLS2 bit 33), kvm.params.kvm_intel.ept, "
		          "modules.persistent",
		.message = "{level}'s CPU offers no {what} (its VMX capability MSRs say so), so kvm_intel "
		           "{param} cannot be on: {impact}",
		.hint = "nothing to set on {level}: the CPU lacks it, or, if {level} is itself a VM, its "
		        "hypervisor does not offer it",
		.source = NR_SRC_KDOC "`Additional nested-related kernel parameters (x86)` (\"ensure the "
		          "above are enabled (particularly enable_shadow_vmcs and ept)\")",
		.check = check_vmx_feature,
		.arg = &need_ept,
	},
	{
		.id = "l0-host-model-no-virt-ext",
		.severity = NR_SEV_WARN,
		.scope = NR_SCOPE_HOST,
		.arches = NR_ARCH_X86,
		.title = "libvirt's host-model CPU on the host lacks vmx/svm although the CPU has it",
		.inputs = "libvirt.host_model (virsh domcapabilities), cpu.virt_ext, libvirt.version",
		.message = "libvirt on {level} gives guests a host-model CPU ({model}) without {ext}, "
		           "although {level}'s CPU has it: a guest hypervisor defined with <cpu "
		           "mode='host-model'> gets no {ext} and cannot run KVM",
		.hint = "turn nested on in {module} on {level} (libvirt offers {ext} only when KVM can nest) "
		        "and restart libvirtd so that it probes QEMU again; or give the guest <cpu "
		        "mode='host-passthrough'/> or <feature policy='require' name='{ext}'/>",
		.source = SRC_004 "3.2 \"Expose virt extensions in guest hypervisor\"; libvirt "
		          "formatdomaincaps (host-model)",
		.check = check_host_model,
	},
	{
		.id = "l1-host-model-no-virt-ext",
		.severity = NR_SEV_INFO,
		.scope = NR_SCOPE_GUEST_HV,
		.arches = NR_ARCH_X86,
		.title = "A guest hypervisor's libvirt host-model CPU lacks vmx/svm",
		.inputs = "libvirt.host_model (virsh domcapabilities), cpu.virt_ext, libvirt.version",
		.message = "libvirt on {level} gives its guests a host-model CPU ({model}) without {ext}, "
		           "although {level}'s CPU has it: its guests cannot be hypervisors themselves "
		           "(a third level of nesting)",
		.hint = "only needed for deeper nesting: turn nested on in {module} on {level} and restart "
		        "libvirtd there, or use <cpu mode='host-passthrough'/> for that guest",
		.source = SRC_004 "3.2 \"Expose virt extensions in guest hypervisor\"; libvirt "
		          "formatdomaincaps (host-model)",
		.check = check_host_model,
	},
	{
		.id = "guest-qmp-not-kvm",
		.severity = NR_SEV_WARN,
		.scope = NR_SCOPE_REACHED,
		.arches = NR_ARCH_ANY,
		.title = "QMP query-kvm says a running guest is not on KVM",
		.inputs = "libvirt.domains[] (qmp_kvm_enabled, qmp_kvm_present)",
		.message = "guest '{guest}' on {level} does not run on KVM (QMP query-kvm: enabled false, "
		           "present {present}): it runs under TCG emulation, nested virt rather than "
		           "nested KVM",
		.hint = "{fix}",
		.source = NR_SRC_KDOC "`Reporting bugs from nested setups` (\"Ensure you are actually "
		          "running KVM on KVM\"); QEMU QMP reference (query-kvm)",
		.doc = "Asked as root of running domains whose type is not 'kvm' (those start with "
		       "-accel kvm alone, so they run on KVM or not at all, and the query would mark "
		       "them tainted).",
		.check = check_qmp,
	},
	{
		.id = "guest-log-kvm-failed",
		.severity = NR_SEV_WARN,
		.scope = NR_SCOPE_REACHED,
		.arches = NR_ARCH_ANY,
		.title = "A guest's QEMU log says KVM was not used at its last start",
		.inputs = "libvirt.domains[].log_accel (/var/log/libvirt/qemu/NAME.log)",
		.message = "the log of guest '{guest}' on {level} says KVM was not used at its last start: "
		           "\"{line}\"",
		.hint = "check that /dev/kvm on {level} exists and that QEMU's user may open it (owner, "
		        "mode, the kvm group); after a fallback to TCG, restart the guest once KVM works",
		.source = NR_SRC_KDOC "`Reporting bugs from nested setups`; QEMU's accel messages "
		          "(\"falling back to tcg\", \"failed to initialize kvm\")",
		.check = check_log,
	},
	{
		.id = "mac-denials-virt",
		.severity = NR_SEV_WARN,
		.scope = NR_SCOPE_REACHED,
		.arches = NR_ARCH_ANY,
		.title = "SELinux or AppArmor denied QEMU or libvirt something since boot",
		.inputs = "security.denials_total, security.denials (audit log, kernel log), "
		          "security.selinux, security.apparmor",
		.message = "{count} SELinux/AppArmor denial(s) of QEMU or libvirt on {level} since boot; "
		           "the first: {first}",
		.hint = "read them with ausearch -m AVC,USER_AVC -ts boot -i (SELinux) or journalctl -k "
		        "| grep DENIED (AppArmor), and fix the label (restorecon, or a path libvirt "
		        "labels) or the profile rather than turning enforcement off",
		.source = SRC_004 "1.1 (the test bed runs SELinux Enforcing); the issue's \"recent AVC "
		          "denials for qemu/libvirt\"",
		.check = check_denials,
	},
};

const struct nr_rule_group nr_rules_config =
	NR_RULE_GROUP("Configuration, CPU capabilities and access control", rules);
