/* SPDX-License-Identifier: MIT */
/* Missing evidence: what the kernel document's "Reporting bugs from nested
 * setups" asks for and the bundle lacks, each with how to add it.  These
 * read the manifest's probe list and level tree, not facts. */
#include "rule.h"
#include "host_gap.h"
#include "level/facts.h"

#include <stdio.h>
#include <string.h>

/* An artifact a probe should have stored. */
struct wanted {
	const char *probe;
	const char *artifact;
};

/* The dmi probe's note that the machine has no DMI table, or NULL. */
static const char *dmi_no_table(json_object *notes)
{
	size_t i, n = notes ? json_object_array_length(notes) : 0;

	for (i = 0; i < n; i++) {
		const char *s = json_object_get_string(json_object_array_get_idx(notes, i));

		if (s && strncmp(s, NR_DMI_NO_TABLE, sizeof(NR_DMI_NO_TABLE) - 1) == 0)
			return s;
	}
	return NULL;
}

/* dmidecode failed because the machine has no DMI table: the evidence is
 * missing, and nothing installed or re-run would give it. */
static enum nr_rule_verdict check_no_dmi_table(struct nr_rule_ctx *c)
{
	json_object *p = nr_mlevel_probe(c->level, "dmi"), *ev;
	const char *note;

	if (!p || !nr_mlevel_string(p, "status"))
		return nr_rule_unknown(c, "probes[] (no entry for the probe)");
	note = dmi_no_table(nr_mlevel_member(p, "notes", json_type_array));
	if (!note)
		return NR_RULE_PASS;
	ev = json_object_new_array();
	nr_rule_ev_add(ev, NULL, "probe 'dmi': %s", note);
	return nr_rule_fire(c, ev, "reason", note, NULL);
}

static enum nr_rule_verdict check_artifact(struct nr_rule_ctx *c)
{
	const struct wanted *w = c->rule->arg;
	json_object *p = nr_mlevel_probe(c->level, w->probe), *notes, *ev;
	const char *status = nr_mlevel_string(p, "status"), *why = nr_mlevel_string(p, "error");
	char reason[400], first[160];
	bool deselected;

	if (!p || !status)
		return nr_rule_unknown(c, "probes[] (no entry for the probe)");
	/* A command that exited non-zero is missing, whatever it printed
	 * (dmidecode's header without a table): the checklist's rule too. */
	if (nr_mlevel_artifact_path(c->level, w->probe, w->artifact) &&
	    !nr_mlevel_artifact_failed(nr_mlevel_artifact(c->level, w->probe, w->artifact)))
		return NR_RULE_PASS;
	if (strcmp(status, "unsupported") == 0)
		return NR_RULE_PASS;   /* not for this architecture */
	notes = nr_mlevel_member(p, "notes", json_type_array);
	/* Nothing a reporter can install: evidence-no-dmi-table says so. */
	if (strcmp(w->probe, "dmi") == 0 && dmi_no_table(notes))
		return NR_RULE_PASS;
	/* An ok probe without the artifact says why in its notes. */
	if (!why && notes && json_object_array_length(notes) > 0)
		why = json_object_get_string(json_object_array_get_idx(notes, 0));
	snprintf(reason, sizeof(reason), "probe '%s' %s%s%s", w->probe, status, why ? ": " : "",
	         why ? why : "");
	/* Left out on purpose: say that first, then the usual fix. */
	deselected = why && (strstr(why, "--only") || strstr(why, "--skip"));
	snprintf(first, sizeof(first), "run the %s probe too (it was left out by --only or --skip); ",
	         w->probe);
	ev = json_object_new_array();
	nr_rule_ev_add(ev, NULL, "%s", reason);
	return nr_rule_fire(c, ev, "reason", reason, "first", deselected ? first : "", NULL);
}

static void guest_labels(json_object *facts, char *out, size_t outlen)
{
	json_object *guests = nr_mlevel_guests(facts);
	size_t i, n = guests ? json_object_array_length(guests) : 0, len = 0;

	snprintf(out, outlen, "none running");
	for (i = 0; i < n && len < outlen; i++) {
		char label[200];

		nr_mlevel_guest_label(json_object_array_get_idx(guests, i), label, sizeof(label));
		len += (size_t)snprintf(out + len, outlen - len, "%s%s", i ? ", " : "", label);
	}
}

static enum nr_rule_verdict check_no_l1(struct nr_rule_ctx *c)
{
	char guests[600];

	if (nr_mlevel_any_child(c->levels))
		return NR_RULE_PASS;
	guest_labels(c->facts, guests, sizeof(guests));
	return nr_rule_fire(c, NULL, "guests", guests, NULL);
}

/* "L3": a level by its depth in the nesting (nr_mlevel_nest_depth), plus
 * delta; fallback when the depth is unknown. */
static void level_name(struct nr_rule_ctx *c, int delta, const char *fallback, char *out,
                       size_t outlen)
{
	int d = nr_mlevel_nest_depth(c->levels, c->level);

	if (d < 0 || d + delta < 0)
		snprintf(out, outlen, "%s", fallback);
	else
		snprintf(out, outlen, "L%d", d + delta);
}

static enum nr_rule_verdict check_no_l0(struct nr_rule_ctx *c)
{
	const char *hv = nr_facts_str(c->facts, "virt.hypervisor");
	char host[16], why[400], fix[700], reason[420];
	json_object *ev;

	if (nr_mlevel_depth(c->level) != 0)
		return NR_RULE_PASS;
	level_name(c, -1, "L0", host, sizeof(host));
	ev = json_object_new_array();
	nr_rule_ev_fact(ev, c->facts, "virt.role", "%s is a guest of %s", c->id, hv ? hv : "?");
	if (nr_host_gap(c->facts, c->id, why, sizeof(why), fix, sizeof(fix), ev)) {
		snprintf(reason, sizeof(reason), ", and cannot be: %s", why);
	} else {
		snprintf(reason, sizeof(reason), ": the kernel document asks for %s's versions, "
		         "cpuinfo, dmesg and KVM parameters too", host);
		snprintf(fix, sizeof(fix), "run nest-report on the host and collect this machine "
		         "from there (nest-report --level l1=root@THIS-MACHINE); if you cannot, add "
		         "the host's kernel, QEMU and libvirt versions and KVM parameters to the "
		         "report by hand");
	}
	return nr_rule_fire(c, ev, "hv", hv ? hv : "an unidentified hypervisor", "host", host,
	                    "why", reason, "fix", fix, NULL);
}

static const char *reach_fix(const char *status)
{
	if (strcmp(status, "auth-failed") == 0)
		return "load the key into ssh-agent (ssh-add) or name it with IdentityFile in "
		       "~/.ssh/config, then re-run";
	if (strcmp(status, "hostkey-rejected") == 0)
		return "check the host key out of band, then update ~/.ssh/known_hosts (or pass "
		       "--accept-new-host-keys for a guest never seen before)";
	return "check the address and that sshd runs on it and is reachable from its parent "
	       "level (raise --connect-timeout on slow links), then re-run";
}

static enum nr_rule_verdict check_unreachable(struct nr_rule_ctx *c)
{
	const char *status = nr_mlevel_string(c->level, "status");
	const char *target = nr_mlevel_string(c->level, "target");
	json_object *errors = nr_mlevel_member(c->level, "errors", json_type_array);
	const char *error = errors && json_object_array_length(errors) > 0
	                            ? json_object_get_string(json_object_array_get_idx(errors, 0))
	                            : NULL;
	json_object *ev;

	if (nr_mlevel_reached(c->level))
		return NR_RULE_PASS;
	if (!status)
		return nr_rule_unknown(c, "status");
	ev = json_object_new_array();
	nr_rule_ev_add(ev, NULL, "status %s%s%s", status, error ? ": " : "", error ? error : "");
	return nr_rule_fire(c, ev, "target", target ? target : "no target", "status", status,
	                    "error", error ? error : "no error recorded", "fix", reach_fix(status),
	                    NULL);
}

/* No QEMU command line for the guests this level runs: arg says which. */
static enum nr_rule_verdict check_cmdline(struct nr_rule_ctx *c)
{
	json_object *guests = nr_mlevel_guests(c->facts);
	const char *qemu = nr_mlevel_probe_status(c->level, "qemu"), *which = c->rule->arg;
	char guest[16];
	json_object *ev;

	if (!guests)
		return nr_rule_unknown(c, "guests");
	if (json_object_array_length(guests) > 0)
		return NR_RULE_PASS;
	if (!qemu || strcmp(qemu, "ok") != 0)
		return nr_rule_unknown(c, "guests (the qemu probe did not complete)");
	/* libvirt's per-domain logs hold the command line too. */
	if (nr_mlevel_has_artifact_prefix(c->level, "libvirt", "log-"))
		return NR_RULE_PASS;
	/* The guests of a level at depth N are L(N+1), whatever the run
	 * calls the level: the fifth level of an s390 stack runs L5s. */
	level_name(c, 1, which, guest, sizeof(guest));
	ev = json_object_new_array();
	nr_rule_ev_add(ev, NULL, "no QEMU process in /proc, no libvirt domain log");
	return nr_rule_fire(c, ev, "which", guest, NULL);
}

static const struct wanted want_dmesg = { "dmesg", "dmesg" };
static const struct wanted want_cpuinfo = { "cpu", "cpuinfo" };
static const struct wanted want_lscpu = { "cpu", "lscpu" };
static const struct wanted want_dmidecode = { "dmi", "dmidecode" };
static const struct wanted want_x86info = { "x86info", "x86info-a" };
static const struct wanted want_sysinfo = { "s390", "sysinfo" };

#define SRC_REPORT NR_SRC_KDOC "`Reporting bugs from nested setups`"

static const struct nr_rule rules[] = {
	{
		.id = "evidence-level-unreachable",
		.severity = NR_SEV_INFO,
		.scope = NR_SCOPE_EVERY,
		.arches = NR_ARCH_ANY,
		.title = "A level of the topology could not be collected",
		.inputs = "status, target, errors of the level",
		.message = "{level} ({target}) could not be collected: {status}: {error}",
		.hint = "{fix}",
		.source = SRC_REPORT,
		.doc = "`{fix}` by status: `auth-failed`: load the key into ssh-agent or name it with "
		       "IdentityFile; `hostkey-rejected`: check the key, then update known_hosts (or "
		       "`--accept-new-host-keys` for a new guest); otherwise: check the address and "
		       "sshd, raise `--connect-timeout`.",
		.check = check_unreachable,
	},
	{
		.id = "evidence-no-l1",
		.severity = NR_SEV_INFO,
		.scope = NR_SCOPE_HOST,
		.arches = NR_ARCH_ANY,
		.title = "Only the host was collected, no guest hypervisor",
		.inputs = "the level tree (no level deeper than 0), guests[]",
		.message = "only {level} was collected: the kernel document asks for the same "
		           "versions, cpuinfo, dmesg and KVM parameters from L1 (guests seen on "
		           "{level}: {guests})",
		.hint = "collect L1 in the same run: nest-report --level l1=root@L1-ADDRESS",
		.source = SRC_REPORT ", `Information to collect (generic)`",
		.check = check_no_l1,
	},
	{
		.id = "evidence-no-l0",
		.severity = NR_SEV_INFO,
		.scope = NR_SCOPE_GUEST_HV,
		.arches = NR_ARCH_ANY,
		.title = "nest-report ran inside a guest, and its host was not collected",
		.inputs = "depth, virt.role, virt.hypervisor, virt.stack, firmware.sys_vendor, "
		          "firmware.product_name",
		.message = "{level} is itself a guest of {hv}, and its host ({host}) was not "
		           "collected{why}",
		.hint = "{fix}",
		.source = SRC_REPORT ", `Information to collect (generic)`",
		.doc = "`{host}` is the host's depth in the nesting (`L0`, or deeper by s390's "
		       "/proc/sysinfo).  Where nest-report can run on the host (KVM, QEMU, Xen, an "
		       "unnamed hypervisor), `{fix}` asks to collect this machine from there, or to "
		       "add the host's versions and KVM parameters by hand.  Where it cannot, "
		       "`{why}` says so and `{fix}` names what can be had instead: z/VM (its level "
		       "from /proc/sysinfo, `vmcp query cplevel`), VirtualBox, Hyper-V and Azure, "
		       "VMware, Parallels (the product's version and its nested-virtualization "
		       "switch), Firecracker (the platform), and public clouds recognised by DMI: "
		       "Amazon EC2 (the instance type, which is the DMI product name), Google "
		       "Compute Engine and Alibaba Cloud (the machine type from the metadata "
		       "server).  A firmware partition (an s390 or POWER LPAR) is a host, not a "
		       "guest: this rule never fires there.",
		.check = check_no_l0,
	},
	{
		.id = "evidence-no-dmesg",
		.severity = NR_SEV_INFO,
		.scope = NR_SCOPE_REACHED,
		.arches = NR_ARCH_ANY,
		.title = "No kernel log (dmesg) from a level",
		.inputs = "the dmesg probe's status and artifacts",
		.message = "the full dmesg of {level} is missing ({reason})",
		.hint = "{first}re-run nest-report with sudo on {level} (kernel.dmesg_restrict keeps the "
		        "kernel log from other users); if dmesg itself is missing, install util-linux",
		.source = SRC_REPORT ", `Information to collect (generic)`",
		.check = check_artifact,
		.arg = &want_dmesg,
	},
	{
		.id = "evidence-no-cpuinfo",
		.severity = NR_SEV_INFO,
		.scope = NR_SCOPE_REACHED,
		.arches = NR_ARCH_ANY,
		.title = "No /proc/cpuinfo from a level",
		.inputs = "the cpu probe's status and artifacts",
		.message = "/proc/cpuinfo of {level} is missing ({reason})",
		.hint = "{first}check that /proc is mounted and readable on {level}, then re-run",
		.source = SRC_REPORT ", `Information to collect (generic)`",
		.check = check_artifact,
		.arg = &want_cpuinfo,
	},
	{
		.id = "evidence-no-lscpu",
		.severity = NR_SEV_INFO,
		.scope = NR_SCOPE_REACHED,
		.arches = NR_ARCH_ANY,
		.title = "No lscpu output from a level",
		.inputs = "the cpu probe's status and artifacts",
		.message = "lscpu output of {level} is missing ({reason})",
		.hint = "{first}install util-linux on {level} (it provides lscpu), then re-run",
		.source = SRC_REPORT ", `Information to collect (generic)`",
		.check = check_artifact,
		.arg = &want_lscpu,
	},
	{
		.id = "evidence-no-dmidecode",
		.severity = NR_SEV_INFO,
		.scope = NR_SCOPE_REACHED,
		.arches = NR_ARCH_X86,
		.title = "No dmidecode output from an x86 level",
		.inputs = "the dmi probe's status and artifacts",
		.message = "dmidecode output of {level} is missing ({reason})",
		.hint = "{first}install dmidecode on {level} and re-run nest-report with sudo",
		.source = SRC_REPORT ", `x86-specific info to collect`",
		.doc = "A machine with no DMI table at all (the dmi probe's note `" NR_DMI_NO_TABLE "`) "
		       "gets `evidence-no-dmi-table` instead: nothing to install there.",
		.check = check_artifact,
		.arg = &want_dmidecode,
	},
	{
		.id = "evidence-no-dmi-table",
		.severity = NR_SEV_INFO,
		.scope = NR_SCOPE_REACHED,
		.arches = NR_ARCH_X86,
		.title = "An x86 level has no DMI table for dmidecode to print",
		.inputs = "the dmi probe's status and notes",
		.message = "dmidecode output of {level} is missing: {reason}; the firmware (or the "
		           "hypervisor) provides no SMBIOS, so there is nothing to install or re-run",
		.hint = "nothing to fix on {level}; the platform's identity comes from CPUID, dmesg "
		        "and /sys/class/dmi instead. If {level} is a QEMU guest, its SMBIOS tables "
		        "come with the machine type (-machine pc or q35, -smbios) and are missing on "
		        "microvm and Firecracker",
		.source = SRC_REPORT ", `x86-specific info to collect`",
		.check = check_no_dmi_table,
	},
	{
		.id = "evidence-no-x86info",
		.severity = NR_SEV_INFO,
		.scope = NR_SCOPE_REACHED,
		.arches = NR_ARCH_X86,
		.title = "No x86info -a output from an x86 level",
		.inputs = "the x86info probe's status and artifacts",
		.message = "x86info -a output of {level} is missing ({reason})",
		.hint = "{first}install x86info on {level} (package x86info) and re-run nest-report with sudo",
		.source = SRC_REPORT ", `x86-specific info to collect`",
		.check = check_artifact,
		.arg = &want_x86info,
	},
	{
		.id = "evidence-no-sysinfo",
		.severity = NR_SEV_INFO,
		.scope = NR_SCOPE_REACHED,
		.arches = NR_ARCH_S390,
		.title = "No /proc/sysinfo from an s390x level",
		.inputs = "the s390 probe's status and artifacts",
		.message = "/proc/sysinfo of {level} is missing ({reason})",
		.hint = "{first}check that /proc/sysinfo is readable on {level}, then re-run",
		.source = SRC_REPORT ", `s390x-specific info to collect`",
		.check = check_artifact,
		.arg = &want_sysinfo,
	},
	{
		.id = "evidence-no-l1-cmdline",
		.severity = NR_SEV_INFO,
		.scope = NR_SCOPE_HOST,
		.arches = NR_ARCH_ANY,
		.title = "No QEMU command line of L1 on the host",
		.inputs = "guests[], the qemu probe's status, libvirt domain logs",
		.message = "no QEMU process was running on {level} and no libvirt domain log was "
		           "found, so the report has no {which} command line",
		.hint = "start the {which} guest before running nest-report, or attach its libvirt "
		        "log (/var/log/libvirt/qemu/NAME.log)",
		.source = SRC_REPORT ", `Information to collect (generic)`",
		.check = check_cmdline,
		.arg = "L1",
	},
	{
		.id = "evidence-no-l2-cmdline",
		.severity = NR_SEV_INFO,
		.scope = NR_SCOPE_GUEST_HV,
		.arches = NR_ARCH_ANY,
		.title = "No QEMU command line of L2 on the guest hypervisor",
		.inputs = "guests[], the qemu probe's status, libvirt domain logs",
		.message = "no QEMU process was running on {level} and no libvirt domain log was "
		           "found, so the report has no {which} command line",
		.hint = "start the {which} guest before running nest-report, or attach its libvirt "
		        "log (/var/log/libvirt/qemu/NAME.log)",
		.source = SRC_REPORT ", `Information to collect (generic)`",
		.doc = "`{which}` names the missing guests by their depth in the nesting: `L2` "
		       "under an L1, `L5` on the fifth level of an s390 stack (/proc/sysinfo's "
		       "VMnn blocks count), whatever the run calls the level.",
		.check = check_cmdline,
		.arg = "L2",
	},
};

const struct nr_rule_group nr_rules_evidence = NR_RULE_GROUP("Missing evidence", rules);
