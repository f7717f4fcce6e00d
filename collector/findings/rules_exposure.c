/* SPDX-License-Identifier: MIT */
/* Whether the guest hypervisor (L1) is given VMX or SVM: as L0's QEMU
 * command line asks for it, and as L1's own /proc/cpuinfo shows it. */
#include "rule.h"
#include "level/facts.h"
#include "parse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ARGS 4096

/* What the guest's -cpu gives it of `ext` (vmx or svm; NULL: either),
 * re-read from its argv with the probes' own parser.  1, 0 or -1; *cpu
 * says what the command line said. */
static int guest_exposes(json_object *g, const char *ext, char *cpu, size_t cpulen)
{
	json_object *arr = nr_mlevel_member(g, "argv", json_type_array);
	size_t i, argc = arr ? json_object_array_length(arr) : 0;
	const char **argv = argc && argc <= MAX_ARGS ? calloc(argc, sizeof(*argv)) : NULL;
	struct nr_qemu_guest q;
	enum nr_tri t = NR_TRI_UNKNOWN;
	int parsed = -1;

	for (i = 0; argv && i < argc; i++)
		argv[i] = json_object_get_string(json_object_array_get_idx(arr, i));
	if (argv)
		parsed = nr_qemu_argv_parse(argv, argc, &q);
	free(argv);
	if (parsed < 0) {
		/* No argv to re-read: the fact recorded at collection is all. */
		json_object *v = nr_mlevel_member(g, "virt_ext_exposed", json_type_boolean);
		const char *m = nr_mlevel_string(g, "cpu_model");

		snprintf(cpu, cpulen, "-cpu %s", m ? m : "?");
		return v ? json_object_get_boolean(v) : -1;
	}
	if (!q.cpu_model[0] && strcmp(q.binary, "qemu-system-x86_64") == 0) {
		/* QEMU's default model, qemu64, has svm but no vmx. */
		snprintf(cpu, cpulen, "no -cpu option, so QEMU's default qemu64");
		q.vmx_exposed = NR_TRI_FALSE;
		q.svm_exposed = NR_TRI_TRUE;
		q.virt_ext_exposed = NR_TRI_UNKNOWN;
	} else {
		snprintf(cpu, cpulen, "-cpu %s", q.cpu_model[0] ? q.cpu_model : "?");
	}
	if (ext && strcmp(ext, "vmx") == 0)
		t = q.vmx_exposed;
	else if (ext && strcmp(ext, "svm") == 0)
		t = q.svm_exposed;
	else
		t = q.virt_ext_exposed;
	return (int)t;
}

static enum nr_rule_verdict check_guest_cmdline(struct nr_rule_ctx *c)
{
	json_object *guests = nr_mlevel_guests(c->facts);
	const char *ext = nr_mlevel_virt_ext_kind(c->facts);
	bool matched = nr_mlevel_guests_matched(c->facts);
	size_t i, n = guests ? json_object_array_length(guests) : 0, unknown = 0, fired = 0;

	if (!guests)
		return nr_rule_unknown(c, "guests");
	if (nr_mlevel_kvm_present(c->facts) == 0)
		return NR_RULE_PASS;   /* no KVM here: kvm-unavailable-l0 says so */
	for (i = 0; i < n; i++) {
		json_object *g = json_object_array_get_idx(guests, i), *child, *ev;
		const char *accel = nr_mlevel_guest_accel(g, 0), *model;
		char label[200], cpu[160];
		int exposed;

		/* With reached levels matched to guests, those are the L1s. */
		if (matched && !nr_mlevel_string(g, "level"))
			continue;
		/* The L1's own cpuinfo is better evidence: l1-no-virt-ext. */
		child = nr_mlevel_guest_child(c->levels, g);
		if (child && nr_facts_str(nr_mlevel_facts(child), "cpu.virt_ext"))
			continue;
		if (!accel || strcmp(accel, "kvm") != 0)
			continue;   /* TCG guests: the accel rules */
		exposed = guest_exposes(g, ext, cpu, sizeof(cpu));
		if (exposed != 0) {
			unknown += exposed < 0;
			continue;
		}
		nr_mlevel_guest_label(g, label, sizeof(label));
		model = nr_mlevel_string(g, "cpu_model");
		ev = json_object_new_array();
		nr_rule_ev_add(ev, nr_mlevel_guest_artifact(c->level, g), "%s: no %s", cpu,
		               ext ? ext : "vmx or svm");
		if (ext)
			nr_rule_ev_fact(ev, c->facts, "cpu.virt_ext", "%s's CPU has %s", c->id, ext);
		nr_rule_fire(c, ev, "guest", label, "ext", ext ? ext : "vmx (svm on AMD)",
		             "cpu", cpu, "model", model ? model : "qemu64", NULL);
		fired++;
	}
	return nr_rule_tally(c, fired, unknown, "guests[].virt_ext_exposed");
}

/* What to change on the hypervisor that runs a level, by its kind. */
static const char *expose_fix(const char *hv)
{
	static const struct { const char *hv, *fix; } fixes[] = {
		{ "virtualbox", "VBoxManage modifyvm VMNAME --nested-hw-virt on (VirtualBox 6.1 or later), "
		                "with the VM powered off" },
		{ "vmware", "tick 'Virtualize Intel VT-x/EPT or AMD-V/RVI' in the VM's processor "
		            "settings (vhv.enable = \"TRUE\" in its .vmx)" },
		{ "hyperv", "Set-VMProcessor -VMName VMNAME -ExposeVirtualizationExtensions $true, "
		            "with the VM off" },
		{ "xen", "nestedhvm=1 in the domain's xl configuration" },
		{ "qemu-tcg", "run it under KVM (-accel kvm): QEMU's TCG does not emulate VMX" },
	};
	size_t i;

	for (i = 0; hv && i < sizeof(fixes) / sizeof(fixes[0]); i++)
		if (strcmp(hv, fixes[i].hv) == 0)
			return fixes[i].fix;
	return "start it with -cpu host (or -cpu MODEL,vmx=on / svm=on; with libvirt "
	       "<cpu mode='host-passthrough'/>), and set nested=1 in its host's kvm_intel or "
	       "kvm_amd";
}

static const struct nr_rule_ext_gap gap_vmx = { "cpu flags: no vmx, no svm", "virt.hypervisor",
	                                         expose_fix };

static const struct nr_rule rules[] = {
	{
		.id = "guest-no-virt-ext",
		.severity = NR_SEV_WARN,
		.scope = NR_SCOPE_HOST,
		.arches = NR_ARCH_X86,
		.title = "A KVM guest of the host is started without vmx/svm in its CPU model",
		.inputs = "guests[] (argv, accel, cpu_model, virt_ext_exposed, level), cpu.virt_ext, "
		          "cpu.vendor, kvm.available",
		.message = "guest {guest} on {level} gets no {ext} from its command line ({cpu}): it "
		           "cannot run KVM guests of its own",
		.hint = "start it with -cpu host, or a named model plus {ext}=on (-cpu {model},{ext}=on); "
		        "with libvirt, <cpu mode='host-passthrough'/>",
		.source = NR_SRC_KDOC "`Starting a nested guest (x86)`",
		.doc = "When reached levels are matched to guests (`guests[].level`), only those "
		       "guests are judged, and a guest whose level reported its own cpuinfo is left "
		       "to `l1-no-virt-ext`.  Otherwise every KVM-accelerated guest of L0 is judged. "
		       "The command line is re-read with the probes' parser to tell vmx from svm "
		       "against the host's vendor; no `-cpu` means QEMU's default `qemu64` (svm, no "
		       "vmx).",
		.check = check_guest_cmdline,
	},
	{
		.id = "l1-no-virt-ext",
		.severity = NR_SEV_FAIL,
		.scope = NR_SCOPE_GUEST_HV,
		.arches = NR_ARCH_X86,
		.title = "The guest hypervisor's CPU shows no vmx/svm: it cannot run KVM",
		.inputs = "cpu.virt_ext, cpu.vendor, virt.hypervisor, kvm.available",
		.message = "{level} has no {ext} in its CPU flags: {host} ({hv}) does not expose "
		           "hardware virtualization to it, so KVM on {level} cannot start guests and "
		           "they fall back to TCG",
		.hint = "on {host}: {fix}",
		.source = NR_SRC_KDOC "`Starting a nested guest (x86)` and `Reporting bugs from "
		          "nested setups`",
		.doc = "Fires only when /dev/kvm is known to be absent too: the missing flag alone "
		       "proves nothing (PVM gives a guest a working /dev/kvm without vmx or svm), so "
		       "with /dev/kvm unknown the rule could not check.  `{fix}` depends on L1's "
		       "hypervisor: KVM: `-cpu host` or "
		       "`-cpu MODEL,vmx=on`, libvirt `host-passthrough`, nested=1 on the host; "
		       "VirtualBox: `VBoxManage modifyvm VMNAME --nested-hw-virt on`; VMware: "
		       "`vhv.enable = \"TRUE\"`; Hyper-V: `Set-VMProcessor -ExposeVirtualizationExtensions "
		       "$true`; Xen: `nestedhvm=1`; TCG: run it under KVM.",
		.check = nr_rule_check_ext_gap,
		.arg = &gap_vmx,
	},
};

const struct nr_rule_group nr_rules_exposure =
	NR_RULE_GROUP("Virtualization extensions exposed to the guest hypervisor", rules);
