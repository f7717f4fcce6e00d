/* SPDX-License-Identifier: MIT */
/* x86 CPUID as the cpuid probe writes it (probes/cpuid.c), and what it
 * says about virtualization: the vendor, vmx/svm, the hypervisor bit
 * (leaf 1 ECX bit 31), the hypervisor signature of leaves 0x40000000 and
 * 0x40000100, and AMD's SVM features (leaf 0x8000000A).  Part of the
 * parsers (parse.h's rules hold). */
#ifndef NR_PARSE_CPUID_H
#define NR_PARSE_CPUID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parse.h"

struct nr_cpuid_leaf {
	uint32_t leaf, subleaf;
	uint32_t eax, ebx, ecx, edx;
};

/* The artifact's lines: "0xLEAF 0xSUB: 0xEAX 0xEBX 0xECX 0xEDX" (a leaf
 * that could not be read says "error -N" instead and is not stored).
 * Fills at most max; returns how many. */
size_t nr_cpuid_text_parse(const char *buf, size_t len, struct nr_cpuid_leaf *out, size_t max);

/* One line of that text for a leaf read. */
int nr_cpuid_text_line(char *out, size_t outlen, const struct nr_cpuid_leaf *l);

enum nr_svm_feature {
	NR_SVM_NPT, NR_SVM_LBRV, NR_SVM_NRIPS, NR_SVM_TSC_SCALING, NR_SVM_VMCB_CLEAN,
	NR_SVM_FLUSH_BY_ASID, NR_SVM_DECODE_ASSISTS, NR_SVM_PAUSE_FILTER, NR_SVM_AVIC,
	NR_SVM_VLS, NR_SVM_VGIF, NR_SVM_FEATURE_COUNT
};

struct nr_cpuid {
	char vendor[13];          /* leaf 0: "GenuineIntel", "AuthenticAMD"; "" unknown */
	enum nr_tri hypervisor_bit;
	enum nr_tri vmx;          /* leaf 1 ECX bit 5 */
	enum nr_tri svm;          /* leaf 0x80000001 ECX bit 2 */
	/* Only with the hypervisor bit set (on bare metal these leaves hold
	 * junk): the printable signature of 0x40000000, and of 0x40000100,
	 * where KVM and Xen move theirs when they offer Hyper-V's interface
	 * at 0x40000000. */
	char signature[13];
	char signature2[13];
	/* The hypervisor the signatures name, the innermost interface first
	 * ("kvm" for "Microsoft Hv" + "KVMKVMKVM"): "kvm", "tcg", "hyperv",
	 * "vmware", "xen", "virtualbox", "bhyve", "parallels", "acrn", "qnx",
	 * "apple", "unknown" for a signature we do not know; "" none. */
	char hypervisor[16];
	bool has_svm_leaf;        /* leaf 0x8000000A read and in range */
	bool svm_features[NR_SVM_FEATURE_COUNT];
};

/* Returns 0, or -EINVAL when leaf 0 was not among the leaves. */
int nr_cpuid_decode(const struct nr_cpuid_leaf *leaves, size_t n, struct nr_cpuid *out);

/* "npt", "nrips" ... for facts. */
const char *nr_svm_feature_name(enum nr_svm_feature f);

#endif
