/* SPDX-License-Identifier: MIT */
/* CPU identity and virtualization extensions: /proc/cpuinfo and lscpu. */
#include "level/facts.h"
#include "parse.h"
#include "parse_vmx.h"
#include "probes.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int cpu_collect(struct nr_probe_ctx *ctx)
{
	static const char *const lscpu_argv[] = { "lscpu", NULL };
	int frc, lrc;

	frc = nr_probe_file(ctx, "cpuinfo", "/proc/cpuinfo");
	if (frc == -ETIMEDOUT)
		return frc;
	lrc = nr_probe_cmd(ctx, "lscpu", lscpu_argv, NULL);
	if (lrc == -ENOENT)
		nr_probe_note(ctx, "lscpu not installed (util-linux); only /proc/cpuinfo captured");
	if (frc < 0 && lrc < 0)
		return nr_probe_fail(ctx, -frc, "cannot read /proc/cpuinfo and lscpu is unavailable");
	return lrc == -ETIMEDOUT ? lrc : 0;
}

static const char *virt_ext_name(const struct nr_cpuinfo *ci)
{
	if (ci->has_vmx == NR_TRI_TRUE)
		return "vmx";
	if (ci->has_svm == NR_TRI_TRUE)
		return "svm";
	if (ci->has_sie == NR_TRI_TRUE)
		return "sie";
	if (ci->has_lvz == NR_TRI_TRUE)
		return "lvz";
	/* "none" only when a flags line was there to look at. */
	if (ci->has_vmx == NR_TRI_FALSE || ci->has_svm == NR_TRI_FALSE ||
	    ci->has_sie == NR_TRI_FALSE || ci->has_lvz == NR_TRI_FALSE)
		return "none";
	return NULL;
}

static void cpu_parse_cpuinfo(const struct nr_artifacts *arts, json_object *facts)
{
	const char *path = nr_artifacts_path(arts, "cpuinfo");
	struct nr_cpuinfo ci;
	const char *buf, *ext;
	size_t len;
	char detail[96];

	buf = nr_artifacts_get(arts, "cpuinfo", &len);
	if (!buf || nr_cpuinfo_parse(buf, len, &ci) < 0)
		return;
	nr_facts_set(facts, "cpu.vendor", nr_json_str_or_null(ci.vendor));
	nr_facts_set(facts, "cpu.model", nr_json_str_or_null(ci.model));
	nr_facts_set(facts, "cpu.platform", nr_json_str_or_null(ci.platform));
	nr_facts_set(facts, "cpu.machine", nr_json_str_or_null(ci.machine));
	if (ci.platform[0])
		nr_facts_evidence(facts, "cpu.platform", path, ci.platform);
	if (ci.machine[0])
		nr_facts_evidence(facts, "cpu.machine", path, ci.machine);
	if (ci.ncpus > 0)
		nr_facts_set(facts, "cpu.count", json_object_new_int(ci.ncpus));
	ext = virt_ext_name(&ci);
	nr_facts_set(facts, "cpu.virt_ext", nr_json_str_or_null(ext));
	if (ext) {
		snprintf(detail, sizeof(detail), "cpu flags: %s%s", strcmp(ext, "none") ? "" : "no ",
		         strcmp(ext, "none") ? ext : ci.has_sie == NR_TRI_FALSE ? "sie"
		                                   : ci.has_lvz == NR_TRI_FALSE ? "lvz"
		                                                                : "vmx or svm");
		nr_facts_evidence(facts, "cpu.virt_ext", path, detail);
	}
	nr_facts_set(facts, "cpu.hypervisor_flag", nr_json_tri(ci.has_hypervisor));
	if (ci.has_hypervisor != NR_TRI_UNKNOWN)
		nr_facts_evidence(facts, "cpu.hypervisor_flag", path,
		                  ci.has_hypervisor ? "flags: hypervisor" : "flags: no hypervisor bit");
}

static void cpu_parse_lscpu(const struct nr_artifacts *arts, json_object *facts)
{
	struct nr_lscpu ls;
	const char *buf;
	size_t len;

	buf = nr_artifacts_get(arts, "lscpu", &len);
	if (!buf || nr_lscpu_parse(buf, len, &ls) < 0)
		return;
	nr_facts_set(facts, "cpu.hypervisor_vendor", nr_json_str_or_null(ls.hypervisor_vendor));
	nr_facts_set(facts, "cpu.virt_type", nr_json_str_or_null(ls.virt_type));
	if (ls.hypervisor_vendor[0])
		nr_facts_evidence(facts, "cpu.hypervisor_vendor", nr_artifacts_path(arts, "lscpu"),
		                  ls.hypervisor_vendor);
	if (ls.virt_type[0])
		nr_facts_evidence(facts, "cpu.virt_type", nr_artifacts_path(arts, "lscpu"),
		                  ls.virt_type);
	if (!nr_facts_str(facts, "cpu.model"))
		nr_facts_set(facts, "cpu.model", nr_json_str_or_null(ls.model_name));
	if (!nr_facts_str(facts, "cpu.vendor"))
		nr_facts_set(facts, "cpu.vendor", nr_json_str_or_null(ls.vendor));
}

/* cpuinfo's "vmx flags": what the CPU's VMX can do, in the kernel's words,
 * which the rules weigh a KVM parameter against (apicv-disabled-l0). */
static void cpu_parse_vmx_flags(const struct nr_artifacts *arts, json_object *facts)
{
	struct nr_vmx_flags f;
	json_object *words;
	const char *buf;
	char detail[64];
	size_t len, i;

	buf = nr_artifacts_get(arts, "cpuinfo", &len);
	if (!buf || !nr_vmx_flags_parse(buf, len, &f))
		return;
	words = json_object_new_array();
	for (i = 0; i < f.n; i++)
		json_object_array_add(words, json_object_new_string(f.word[i]));
	nr_facts_set(facts, "vmx.flags", words);
	snprintf(detail, sizeof(detail), "vmx flags: %zu feature names", f.n);
	nr_facts_evidence(facts, "vmx.flags", nr_artifacts_path(arts, "cpuinfo"), detail);
}

static void cpu_parse(const struct nr_artifacts *arts, json_object *facts)
{
	cpu_parse_cpuinfo(arts, facts);
	cpu_parse_vmx_flags(arts, facts);
	cpu_parse_lscpu(arts, facts);
}

const struct nr_probe nr_probe_cpu = {
	.name = "cpu",
	.summary = "CPU model, flags and virtualization extensions (/proc/cpuinfo, lscpu)",
	.arches = NR_ARCH_ANY,
	.collect = cpu_collect,
	.parse = cpu_parse,
};
