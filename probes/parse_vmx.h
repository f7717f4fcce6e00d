/* SPDX-License-Identifier: MIT */
/* Intel VMX capability MSRs (IA32_VMX_BASIC 0x480 .. IA32_VMX_VMFUNC
 * 0x491, and IA32_FEATURE_CONTROL 0x3A) as the vmx-msr probe writes them
 * (probes/vmx_msr.c), decoded into the features nested KVM cares about:
 * what `rdmsr 0x48B` and `rdmsr 0x485` are read for in the Fedora nVMX
 * test bed (shared/reference/004), named.  Intel SDM vol. 3, appendix A
 * and section 25.6.  Part of the parsers (parse.h's rules hold). */
#ifndef NR_PARSE_VMX_H
#define NR_PARSE_VMX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parse.h"

#define NR_VMX_FEATURE_CONTROL 0x3Au
#define NR_VMX_MSR_FIRST 0x480u
#define NR_VMX_MSR_LAST 0x491u

/* The MSRs read, in order, with their SDM names. */
struct nr_vmx_msr_name {
	uint32_t index;
	const char *name;
};
extern const struct nr_vmx_msr_name nr_vmx_msrs[];
extern const size_t nr_vmx_msr_count;

enum nr_vmx_feature {
	NR_VMX_EPT, NR_VMX_VPID, NR_VMX_UNRESTRICTED_GUEST, NR_VMX_SHADOW_VMCS,
	NR_VMX_APIC_REGISTER_VIRT, NR_VMX_VIRTUAL_INTR_DELIVERY, NR_VMX_POSTED_INTERRUPTS,
	NR_VMX_VMFUNC, NR_VMX_EPTP_SWITCHING, NR_VMX_VIRTUALIZE_APIC_ACCESSES,
	NR_VMX_VIRTUALIZE_X2APIC, NR_VMX_PREEMPTION_TIMER, NR_VMX_PML, NR_VMX_EPT_AD,
	NR_VMX_EPT_1G_PAGES, NR_VMX_EPT_5LEVEL, NR_VMX_TSC_SCALING, NR_VMX_VMWRITE_ANY_FIELD,
	NR_VMX_TRUE_CONTROLS, NR_VMX_FEATURE_COUNT
};

struct nr_vmx {
	bool have[NR_VMX_MSR_LAST - NR_VMX_MSR_FIRST + 1];   /* read */
	uint64_t msr[NR_VMX_MSR_LAST - NR_VMX_MSR_FIRST + 1];
	bool have_feature_control;
	uint64_t feature_control;
	/* Each feature as the MSRs allow it; UNKNOWN when an MSR it needs
	 * was not read.  shadow_vmcs is what KVM requires for
	 * enable_shadow_vmcs: the VMCS-shadowing control and VMWRITE to
	 * any field (IA32_VMX_MISC bit 29). */
	enum nr_tri features[NR_VMX_FEATURE_COUNT];
};

/* The artifact's lines: "0xINDEX NAME = 0xVALUE" (a register that could
 * not be read says "error -N" and is not stored).  Returns how many MSRs
 * were read; 0 when none (out still filled with unknowns). */
size_t nr_vmx_text_parse(const char *buf, size_t len, struct nr_vmx *out);

/* IA32_VMX_BASIC was read and is one a VMX CPU gives: its VMCS size
 * (bits 44:32) is 1..4096.  QEMU's TCG answers every unknown MSR with 0:
 * a 0 there means "no VMX", not "VMX without features". */
bool nr_vmx_basic_valid(const struct nr_vmx *v);

/* Decode out->msr into out->features. */
void nr_vmx_decode(struct nr_vmx *out);

/* "ept", "shadow_vmcs" ... for facts. */
const char *nr_vmx_feature_name(enum nr_vmx_feature f);

/* The SDM name of an MSR we read ("IA32_VMX_BASIC"), or NULL. */
const char *nr_vmx_msr_name(uint32_t index);

/* IA32_FEATURE_CONTROL: "enabled" (locked, VMX allowed outside SMX),
 * "disabled" (locked without it: the firmware turned VT-x off),
 * "unlocked" (the kernel sets it when KVM loads); NULL not read. */
const char *nr_vmx_feature_control(const struct nr_vmx *v);

/* ---- /proc/cpuinfo's "vmx flags" line --------------------------------- */

#define NR_VMX_FLAGS_MAX 64
#define NR_VMX_FLAG_LEN 32

/* The kernel's names for the CPU's VMX features, as Linux 5.8 and later
 * print them in /proc/cpuinfo (arch/x86/include/asm/vmxfeatures.h):
 * "ept", "vapic_reg", "vid", "posted_intr", and the synthetic "apicv"
 * (all three of those) ... */
struct nr_vmx_flags {
	size_t n;
	char word[NR_VMX_FLAGS_MAX][NR_VMX_FLAG_LEN];
};

/* The first "vmx flags" line of a cpuinfo (every CPU repeats it).  Words
 * that are not 1 to 31 bytes of [a-z0-9_] are skipped, and at most
 * NR_VMX_FLAGS_MAX kept.  Returns false when there is no such line (an
 * older kernel, no VMX, or not x86): unknown, not "no features". */
bool nr_vmx_flags_parse(const char *buf, size_t len, struct nr_vmx_flags *out);

/* Whether word is among them. */
bool nr_vmx_flags_has(const struct nr_vmx_flags *f, const char *word);

#endif
