/* SPDX-License-Identifier: MIT */
/* VMX MSR decoding: see parse_vmx.h. */
#include "parse_vmx.h"
#include "parse_text.h"
#include "util/hex.h"

#include <string.h>

const struct nr_vmx_msr_name nr_vmx_msrs[] = {
	{ 0x3A, "IA32_FEATURE_CONTROL" },
	{ 0x480, "IA32_VMX_BASIC" },        { 0x481, "IA32_VMX_PINBASED_CTLS" },
	{ 0x482, "IA32_VMX_PROCBASED_CTLS" }, { 0x483, "IA32_VMX_EXIT_CTLS" },
	{ 0x484, "IA32_VMX_ENTRY_CTLS" },   { 0x485, "IA32_VMX_MISC" },
	{ 0x486, "IA32_VMX_CR0_FIXED0" },   { 0x487, "IA32_VMX_CR0_FIXED1" },
	{ 0x488, "IA32_VMX_CR4_FIXED0" },   { 0x489, "IA32_VMX_CR4_FIXED1" },
	{ 0x48A, "IA32_VMX_VMCS_ENUM" },    { 0x48B, "IA32_VMX_PROCBASED_CTLS2" },
	{ 0x48C, "IA32_VMX_EPT_VPID_CAP" }, { 0x48D, "IA32_VMX_TRUE_PINBASED_CTLS" },
	{ 0x48E, "IA32_VMX_TRUE_PROCBASED_CTLS" }, { 0x48F, "IA32_VMX_TRUE_EXIT_CTLS" },
	{ 0x490, "IA32_VMX_TRUE_ENTRY_CTLS" }, { 0x491, "IA32_VMX_VMFUNC" },
};
const size_t nr_vmx_msr_count = sizeof(nr_vmx_msrs) / sizeof(nr_vmx_msrs[0]);

const char *nr_vmx_msr_name(uint32_t index)
{
	for (size_t i = 0; i < nr_vmx_msr_count; i++)
		if (nr_vmx_msrs[i].index == index)
			return nr_vmx_msrs[i].name;
	return NULL;
}

size_t nr_vmx_text_parse(const char *buf, size_t len, struct nr_vmx *out)
{
	struct nr_span line, idx, name, eq, val, extra;
	size_t pos = 0, n = 0, tp;
	uint64_t index, value;

	memset(out, 0, sizeof(*out));
	while (nr_text_next_line(buf, len, &pos, &line)) {
		tp = 0;
		if (!nr_span_next_token(line, " \t", &tp, &idx) || !nr_hex_parse_0x(idx.p, idx.len, 16, &index) ||
		    !nr_span_next_token(line, " \t", &tp, &name) ||
		    !nr_span_next_token(line, " \t", &tp, &eq) || !nr_span_eq(eq, "=") ||
		    !nr_span_next_token(line, " \t", &tp, &val) || !nr_hex_parse_0x(val.p, val.len, 16, &value) ||
		    nr_span_next_token(line, " \t", &tp, &extra))
			continue;
		if (index == NR_VMX_FEATURE_CONTROL) {
			out->feature_control = value;
			out->have_feature_control = true;
			n++;
		} else if (index >= NR_VMX_MSR_FIRST && index <= NR_VMX_MSR_LAST) {
			n += !out->have[index - NR_VMX_MSR_FIRST];
			out->msr[index - NR_VMX_MSR_FIRST] = value;
			out->have[index - NR_VMX_MSR_FIRST] = true;
		}
	}
	nr_vmx_decode(out);
	return n;
}

/* Allowed-1 bit b of a capability MSR (its high half), or UNKNOWN. */
static enum nr_tri allowed(const struct nr_vmx *v, uint32_t index, int b)
{
	if (!v->have[index - NR_VMX_MSR_FIRST])
		return NR_TRI_UNKNOWN;
	return (v->msr[index - NR_VMX_MSR_FIRST] >> (32 + b)) & 1 ? NR_TRI_TRUE : NR_TRI_FALSE;
}

/* Bit b of an MSR read as a whole. */
static enum nr_tri msr_bit(const struct nr_vmx *v, uint32_t index, int b)
{
	if (!v->have[index - NR_VMX_MSR_FIRST])
		return NR_TRI_UNKNOWN;
	return (v->msr[index - NR_VMX_MSR_FIRST] >> b) & 1 ? NR_TRI_TRUE : NR_TRI_FALSE;
}

static enum nr_tri and2(enum nr_tri a, enum nr_tri b)
{
	if (a == NR_TRI_FALSE || b == NR_TRI_FALSE)
		return NR_TRI_FALSE;
	return a == NR_TRI_TRUE && b == NR_TRI_TRUE ? NR_TRI_TRUE : NR_TRI_UNKNOWN;
}

void nr_vmx_decode(struct nr_vmx *v)
{
	/* Secondary controls exist only when the primary controls allow
	 * activating them (bit 31); IA32_VMX_PROCBASED_CTLS2 is then read. */
	enum nr_tri sec_on = allowed(v, 0x482, 31);
	enum nr_tri *f = v->features;
#define SEC(b) and2(sec_on, allowed(v, 0x48B, (b)))
	/* EPT and VPID capabilities matter only when EPT (VPID) is there. */
	enum nr_tri ept = SEC(1);

	f[NR_VMX_VIRTUALIZE_APIC_ACCESSES] = SEC(0);
	f[NR_VMX_EPT] = ept;
	f[NR_VMX_VIRTUALIZE_X2APIC] = SEC(4);
	f[NR_VMX_VPID] = SEC(5);
	f[NR_VMX_UNRESTRICTED_GUEST] = SEC(7);
	f[NR_VMX_APIC_REGISTER_VIRT] = SEC(8);
	f[NR_VMX_VIRTUAL_INTR_DELIVERY] = SEC(9);
	f[NR_VMX_VMFUNC] = SEC(13);
	f[NR_VMX_SHADOW_VMCS] = and2(SEC(14), msr_bit(v, 0x485, 29));
	f[NR_VMX_PML] = SEC(17);
	f[NR_VMX_TSC_SCALING] = SEC(25);
#undef SEC
	f[NR_VMX_POSTED_INTERRUPTS] = allowed(v, 0x481, 7);
	f[NR_VMX_PREEMPTION_TIMER] = allowed(v, 0x481, 6);
	f[NR_VMX_EPT_AD] = and2(ept, msr_bit(v, 0x48C, 21));
	f[NR_VMX_EPT_1G_PAGES] = and2(ept, msr_bit(v, 0x48C, 17));
	f[NR_VMX_EPT_5LEVEL] = and2(ept, msr_bit(v, 0x48C, 7));
	f[NR_VMX_EPTP_SWITCHING] = and2(f[NR_VMX_VMFUNC], msr_bit(v, 0x491, 0));
	f[NR_VMX_VMWRITE_ANY_FIELD] = msr_bit(v, 0x485, 29);
	f[NR_VMX_TRUE_CONTROLS] = msr_bit(v, 0x480, 55);
}

bool nr_vmx_basic_valid(const struct nr_vmx *v)
{
	uint64_t size = (v->msr[0] >> 32) & 0x1fff;

	return v->have[0] && size > 0 && size <= 4096;
}

const char *nr_vmx_feature_name(enum nr_vmx_feature f)
{
	static const char *const names[NR_VMX_FEATURE_COUNT] = {
		"ept", "vpid", "unrestricted_guest", "shadow_vmcs", "apic_register_virtualization",
		"virtual_interrupt_delivery", "posted_interrupts", "vmfunc", "eptp_switching",
		"virtualize_apic_accesses", "virtualize_x2apic", "preemption_timer", "pml", "ept_ad",
		"ept_1g_pages", "ept_5level", "tsc_scaling", "vmwrite_any_field", "true_controls",
	};

	return (unsigned)f < NR_VMX_FEATURE_COUNT ? names[f] : "?";
}

const char *nr_vmx_feature_control(const struct nr_vmx *v)
{
	if (!v->have_feature_control)
		return NULL;
	if (!(v->feature_control & 1))
		return "unlocked";
	return v->feature_control & 4 ? "enabled" : "disabled";
}

static bool flag_word_ok(struct nr_span w)
{
	size_t i;

	if (w.len == 0 || w.len >= NR_VMX_FLAG_LEN)
		return false;
	for (i = 0; i < w.len; i++)
		if (!((w.p[i] >= 'a' && w.p[i] <= 'z') || (w.p[i] >= '0' && w.p[i] <= '9') ||
		      w.p[i] == '_'))
			return false;
	return true;
}

bool nr_vmx_flags_parse(const char *buf, size_t len, struct nr_vmx_flags *out)
{
	struct nr_span line, key, val, word;
	size_t pos = 0, wp = 0;

	memset(out, 0, sizeof(*out));
	while (nr_text_next_line(buf, len, &pos, &line)) {
		if (!nr_span_split(line, ':', &key, &val) || !nr_span_eq(nr_span_trim(key), "vmx flags"))
			continue;
		while (out->n < NR_VMX_FLAGS_MAX && nr_span_next_token(val, " \t", &wp, &word))
			if (flag_word_ok(word))
				nr_span_copy(word, out->word[out->n++], NR_VMX_FLAG_LEN);
		return true;
	}
	return false;
}

bool nr_vmx_flags_has(const struct nr_vmx_flags *f, const char *word)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->word[i], word) == 0)
			return true;
	return false;
}
