/* SPDX-License-Identifier: MIT */
/* x86 CPUID: the vendor and vmx/svm bits, the hypervisor bit (leaf 1 ECX
 * bit 31), the hypervisor leaves 0x40000000 and 0x40000100 whose signature
 * names who runs this level ("KVMKVMKVM", "TCGTCGTCGTCG", "Microsoft Hv",
 * ...), and AMD's SVM feature leaf.  It is the strongest evidence of
 * "KVM or TCG": the signature comes from the hypervisor itself.
 *
 * Locally the CPUID instruction runs in-process (no root, no module, a few
 * microseconds); remotely /dev/cpu/0/cpuid is read with dd, which needs
 * root and the cpuid module.  What x86info -a is read for here, on
 * distributions that no longer ship x86info. */
#include "level/facts.h"
#include "parse_cpuid.h"
#include "probes.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define CPUID_DEV "/dev/cpu/0/cpuid"

static const uint64_t leaves[] = {
	0x0, 0x1, 0x40000000, 0x40000001, 0x40000100, 0x40000101, 0x80000000, 0x80000001,
	0x8000000A,
};
#define N_LEAVES (sizeof(leaves) / sizeof(leaves[0]))

int64_t nr_probe_clock_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Why a register device could not be read, as a skip reason (the msr and
 * cpuid probes share it). */
int nr_probe_regs_skip(struct nr_probe_ctx *ctx, const char *path, const char *module, int rc)
{
	switch (rc) {
	case -ENOENT:
		return nr_probe_skip(ctx, "no %s: the %s module is not loaded (modprobe %s)", path,
		                     module, module);
	case -EACCES:
	case -EPERM:
		return nr_probe_skip(ctx, "reading %s needs root; re-run with sudo", path);
	case -ENODATA:
		return nr_probe_skip(ctx, "%s was not recorded in this capture", path);
	case -ENOSYS:
		return nr_probe_skip(ctx, "cannot read %s on this level: it needs dd with "
		                     "iflag=skip_bytes,count_bytes (coreutils) and od", path);
	case -ETIMEDOUT:
	case -EINTR:
		return rc;
	default:
		return nr_probe_fail(ctx, rc, "cannot read %s: %s", path, strerror(-rc));
	}
}

static int cpuid_collect(struct nr_probe_ctx *ctx)
{
	unsigned char data[N_LEAVES * 16];
	char text[2048];
	int errs[N_LEAVES], rc;
	size_t used, i, ok = 0;
	int64_t t0 = nr_probe_clock_us(), dt;

	rc = nr_probe_read_regs(ctx, CPUID_DEV, leaves, N_LEAVES, 16, data, errs);
	dt = nr_probe_clock_us() - t0;
	if (rc < 0)
		return nr_probe_regs_skip(ctx, CPUID_DEV, "cpuid", rc);
	used = (size_t)snprintf(text, sizeof(text),
	                        "# CPUID (%s): leaf subleaf: eax ebx ecx edx\n", CPUID_DEV);
	for (i = 0; i < N_LEAVES && used < sizeof(text); i++) {
		struct nr_cpuid_leaf l = { (uint32_t)leaves[i], (uint32_t)(leaves[i] >> 32), 0, 0, 0, 0 };

		if (errs[i] < 0) {
			used += (size_t)snprintf(text + used, sizeof(text) - used, "0x%08x 0x%x: error %d\n",
			                         l.leaf, l.subleaf, errs[i]);
			continue;
		}
		memcpy(&l.eax, data + i * 16, 4);
		memcpy(&l.ebx, data + i * 16 + 4, 4);
		memcpy(&l.ecx, data + i * 16 + 8, 4);
		memcpy(&l.edx, data + i * 16 + 12, 4);
		if (nr_cpuid_text_line(text + used, sizeof(text) - used, &l) == 0)
			used += strlen(text + used);
		ok++;
	}
	nr_probe_note(ctx, "%zu of %zu leaves read in %lld us", ok, N_LEAVES, (long long)dt);
	return nr_probe_text(ctx, "cpuid", text, used < sizeof(text) ? used : sizeof(text) - 1);
}

static void cpuid_parse(const struct nr_artifacts *arts, json_object *facts)
{
	struct nr_cpuid_leaf l[32];
	struct nr_cpuid c;
	const char *buf, *path = nr_artifacts_path(arts, "cpuid");
	json_object *svm;
	char detail[96];
	size_t len, n, i;

	buf = nr_artifacts_get(arts, "cpuid", &len);
	n = buf ? nr_cpuid_text_parse(buf, len, l, 32) : 0;
	if (nr_cpuid_decode(l, n, &c) < 0)
		return;
	nr_facts_set(facts, "cpuid.vendor", nr_json_str_or_null(c.vendor));
	nr_facts_set(facts, "cpuid.hypervisor_bit", nr_json_tri(c.hypervisor_bit));
	nr_facts_set(facts, "cpuid.vmx", nr_json_tri(c.vmx));
	nr_facts_set(facts, "cpuid.svm", nr_json_tri(c.svm));
	nr_facts_set(facts, "cpuid.signature", nr_json_str_or_null(c.signature));
	nr_facts_set(facts, "cpuid.signature2", nr_json_str_or_null(c.signature2));
	nr_facts_set(facts, "cpuid.hypervisor", nr_json_str_or_null(c.hypervisor));
	if (c.has_svm_leaf) {
		svm = json_object_new_object();
		for (i = 0; i < NR_SVM_FEATURE_COUNT; i++)
			json_object_object_add(svm, nr_svm_feature_name((enum nr_svm_feature)i),
			                       json_object_new_boolean(c.svm_features[i]));
		nr_facts_set(facts, "cpuid.svm_features", svm);
	}
	if (c.hypervisor[0]) {
		snprintf(detail, sizeof(detail), "CPUID 0x40000000: \"%s\"%s%s%s", c.signature,
		         c.signature2[0] ? ", 0x40000100: \"" : "", c.signature2,
		         c.signature2[0] ? "\"" : "");
		nr_facts_evidence(facts, "cpuid.hypervisor", path, detail);
	} else if (c.hypervisor_bit == NR_TRI_FALSE) {
		nr_facts_evidence(facts, "cpuid.hypervisor_bit", path,
		                  "CPUID leaf 1 ECX bit 31 clear: no hypervisor");
	}
}

const struct nr_probe nr_probe_cpuid = {
	.name = "cpuid",
	.summary = "CPUID: vendor, vmx/svm, the hypervisor leaves and signature (in-process "
	           "locally; /dev/cpu/0/cpuid remotely)",
	.arches = NR_ARCH_X86,
	.collect = cpuid_collect,
	.parse = cpuid_parse,
};
