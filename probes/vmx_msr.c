/* SPDX-License-Identifier: MIT */
/* Intel VMX capability MSRs, IA32_VMX_BASIC (0x480) to IA32_VMX_VMFUNC
 * (0x491), and IA32_FEATURE_CONTROL (0x3A), read through the msr driver
 * (/dev/cpu/0/msr: root and `modprobe msr`) and decoded into what nested
 * KVM needs: EPT, VPID, unrestricted guest, shadow VMCS, APIC-register
 * virtualization, posted interrupts, VMFUNC.  The Fedora nVMX test bed
 * reads 0x48B and 0x485 with rdmsr to see whether shadow VMCS is there
 * (shared/reference/004); this reads them all in well under a
 * millisecond.  In an L1 these are what L0's KVM offers it for L2. */
#include "level/facts.h"
#include "parse_vmx.h"
#include "probes.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define MSR_DEV "/dev/cpu/0/msr"
#define MAX_MSRS 32

static int vmx_msr_collect(struct nr_probe_ctx *ctx)
{
	uint64_t offsets[MAX_MSRS], value;
	unsigned char data[MAX_MSRS * 8];
	int errs[MAX_MSRS], rc;
	char text[2048];
	size_t used, i, ok = 0, n = nr_vmx_msr_count < MAX_MSRS ? nr_vmx_msr_count : MAX_MSRS;
	int64_t t0, dt;

	for (i = 0; i < n; i++)
		offsets[i] = nr_vmx_msrs[i].index;
	t0 = nr_probe_clock_us();
	rc = nr_probe_read_regs(ctx, MSR_DEV, offsets, n, 8, data, errs);
	dt = nr_probe_clock_us() - t0;
	if (rc < 0)
		return nr_probe_regs_skip(ctx, MSR_DEV, "msr", rc);
	used = (size_t)snprintf(text, sizeof(text), "# MSRs (%s): index name = value\n", MSR_DEV);
	for (i = 0; i < n && used < sizeof(text); i++) {
		memcpy(&value, data + i * 8, 8);   /* the device returns the MSR little-endian */
		if (errs[i] < 0)
			used += (size_t)snprintf(text + used, sizeof(text) - used, "0x%llx %s: error %d (%s)\n",
			                         (unsigned long long)offsets[i], nr_vmx_msrs[i].name, errs[i],
			                         strerror(-errs[i]));
		else
			used += (size_t)snprintf(text + used, sizeof(text) - used, "0x%llx %s = 0x%016llx\n",
			                         (unsigned long long)offsets[i], nr_vmx_msrs[i].name,
			                         (unsigned long long)value);
		ok += errs[i] == 0;
	}
	nr_probe_note(ctx, "%zu of %zu MSRs read in %lld us", ok, n, (long long)dt);
	rc = nr_probe_text(ctx, "msr", text, used < sizeof(text) ? used : sizeof(text) - 1);
	memcpy(&value, data + 8, 8);   /* IA32_VMX_BASIC */
	if (rc == 0 && (errs[1] < 0 || ((value >> 32) & 0x1fff) == 0))
		return nr_probe_skip(ctx, "no VMX capability MSRs: not an Intel VT-x CPU, or VT-x "
		                     "is not offered to this level%s", errs[1] < 0 ? ""
		                     : " (IA32_VMX_BASIC reads 0, as under QEMU's TCG)");
	return rc;
}

static void vmx_msr_parse(const struct nr_artifacts *arts, json_object *facts)
{
	struct nr_vmx v;
	const char *buf, *path = nr_artifacts_path(arts, "msr"), *fc;
	json_object *features, *msrs;
	char hex[24], detail[160];
	size_t len, i;

	buf = nr_artifacts_get(arts, "msr", &len);
	if (!buf || nr_vmx_text_parse(buf, len, &v) == 0)
		return;
	fc = nr_vmx_feature_control(&v);
	nr_facts_set(facts, "vmx.feature_control", nr_json_str_or_null(fc));
	if (fc)
		nr_facts_evidence(facts, "vmx.feature_control", path, fc);
	msrs = json_object_new_object();
	for (i = 0; i <= NR_VMX_MSR_LAST - NR_VMX_MSR_FIRST; i++) {
		if (!v.have[i])
			continue;
		snprintf(hex, sizeof(hex), "0x%016llx", (unsigned long long)v.msr[i]);
		json_object_object_add(msrs, nr_vmx_msr_name(NR_VMX_MSR_FIRST + (uint32_t)i),
		                       json_object_new_string(hex));
	}
	nr_facts_set(facts, "vmx.msrs", msrs);
	if (!nr_vmx_basic_valid(&v))
		return;   /* no (real) IA32_VMX_BASIC: no VMX here, features unknown */
	features = json_object_new_object();
	for (i = 0; i < NR_VMX_FEATURE_COUNT; i++)
		json_object_object_add(features, nr_vmx_feature_name((enum nr_vmx_feature)i),
		                       nr_json_tri(v.features[i]));
	nr_facts_set(facts, "vmx.features", features);
	snprintf(detail, sizeof(detail), "IA32_VMX_PROCBASED_CTLS2 %s, IA32_VMX_MISC %s",
	         v.have[0x48B - NR_VMX_MSR_FIRST] ? "read" : "not read",
	         v.have[0x485 - NR_VMX_MSR_FIRST] ? "read" : "not read");
	nr_facts_evidence(facts, "vmx.features", path, detail);
}

const struct nr_probe nr_probe_vmx_msr = {
	.name = "vmx-msr",
	.summary = "Intel VMX capability MSRs 0x480-0x491 decoded: EPT, VPID, shadow VMCS, "
	           "APICv, posted interrupts (/dev/cpu/0/msr, root)",
	.arches = NR_ARCH_X86,
	.collect = vmx_msr_collect,
	.parse = vmx_msr_parse,
};
