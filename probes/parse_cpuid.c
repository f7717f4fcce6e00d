/* SPDX-License-Identifier: MIT */
/* CPUID decoding: see parse_cpuid.h. */
#include "parse_cpuid.h"
#include "parse_text.h"
#include "util/hex.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "0x1234abcd" (at most 8 hex digits) */
static bool hex32(struct nr_span s, uint32_t *v)
{
	uint64_t w;

	if (!nr_hex_parse_0x(s.p, s.len, 8, &w))
		return false;
	*v = (uint32_t)w;
	return true;
}

size_t nr_cpuid_text_parse(const char *buf, size_t len, struct nr_cpuid_leaf *out, size_t max)
{
	struct nr_span line, tok[6];
	size_t pos = 0, n = 0, tp, k;

	while (n < max && nr_text_next_line(buf, len, &pos, &line)) {
		struct nr_cpuid_leaf l;
		uint32_t *regs[6] = { &l.leaf, &l.subleaf, &l.eax, &l.ebx, &l.ecx, &l.edx };

		if (line.len == 0 || line.p[0] == '#')
			continue;
		tp = 0;
		for (k = 0; k < 6 && nr_span_next_token(line, " \t:", &tp, &tok[k]); k++)
			;
		if (k < 6 || nr_span_next_token(line, " \t:", &tp, &tok[0]))
			continue;   /* "error -5" lines, and junk */
		for (k = 0; k < 6 && hex32(tok[k], regs[k]); k++)
			;
		if (k == 6)
			out[n++] = l;
	}
	return n;
}

int nr_cpuid_text_line(char *out, size_t outlen, const struct nr_cpuid_leaf *l)
{
	int w = snprintf(out, outlen, "0x%08" PRIx32 " 0x%" PRIx32 ": 0x%08" PRIx32 " 0x%08" PRIx32
	                 " 0x%08" PRIx32 " 0x%08" PRIx32 "\n", l->leaf, l->subleaf, l->eax, l->ebx,
	                 l->ecx, l->edx);

	return w > 0 && (size_t)w < outlen ? 0 : -ENOSPC;
}

static const struct nr_cpuid_leaf *find(const struct nr_cpuid_leaf *l, size_t n, uint32_t leaf)
{
	for (size_t i = 0; i < n; i++)
		if (l[i].leaf == leaf && l[i].subleaf == 0)
			return &l[i];
	return NULL;
}

/* Twelve bytes of registers as text: NULs end it, trailing blanks go,
 * anything unprintable makes it no signature at all. */
static void regs_text(uint32_t a, uint32_t b, uint32_t c, char out[13])
{
	size_t i, n = 0;

	memcpy(out, &a, 4);
	memcpy(out + 4, &b, 4);
	memcpy(out + 8, &c, 4);
	out[12] = '\0';
	while (n < 12 && out[n])
		n++;
	out[n] = '\0';
	for (i = 0; i < n; i++)
		if ((unsigned char)out[i] < 0x20 || (unsigned char)out[i] > 0x7e) {
			out[0] = '\0';
			return;
		}
	while (n > 0 && out[n - 1] == ' ')
		out[--n] = '\0';
}

static const char *hv_name(const char *sig)
{
	static const struct { const char *needle, *name; } sigs[] = {
		{ "KVMKVMKVM", "kvm" },        { "TCGTCGTCGTCG", "tcg" },  { "Microsoft Hv", "hyperv" },
		{ "VMwareVMware", "vmware" },  { "XenVMMXenVMM", "xen" },  { "VBoxVBoxVBox", "virtualbox" },
		{ "bhyve bhyve", "bhyve" },    { "prl hyperv", "parallels" },
		{ "lrpepyh", "parallels" },    { "ACRNACRNACRN", "acrn" }, { "QNXQVMBSQG", "qnx" },
		{ "VirtualApple", "apple" },
	};
	size_t i;

	if (!sig[0])
		return NULL;
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (strstr(sig, sigs[i].needle))
			return sigs[i].name;
	return "unknown";
}

static enum nr_tri bit(const struct nr_cpuid_leaf *l, uint32_t reg, int b)
{
	return l ? ((reg >> b) & 1 ? NR_TRI_TRUE : NR_TRI_FALSE) : NR_TRI_UNKNOWN;
}

static void decode_svm(const struct nr_cpuid_leaf *l, size_t n, uint32_t max_ext,
                       struct nr_cpuid *out)
{
	/* AMD APM vol. 3, CPUID Fn8000_000A EDX */
	static const int bits[NR_SVM_FEATURE_COUNT] = { 0, 1, 3, 4, 5, 6, 7, 10, 13, 15, 16 };
	const struct nr_cpuid_leaf *a = max_ext >= 0x8000000Au ? find(l, n, 0x8000000Au) : NULL;
	size_t i;

	if (!a || out->svm != NR_TRI_TRUE)
		return;
	out->has_svm_leaf = true;
	for (i = 0; i < NR_SVM_FEATURE_COUNT; i++)
		out->svm_features[i] = (a->edx >> bits[i]) & 1;
}

int nr_cpuid_decode(const struct nr_cpuid_leaf *l, size_t n, struct nr_cpuid *out)
{
	const struct nr_cpuid_leaf *l0 = find(l, n, 0), *l1, *e0, *e1, *h0, *h1;
	uint32_t max_ext;
	char sig[13];
	const char *inner;

	memset(out, 0, sizeof(*out));
	out->hypervisor_bit = out->vmx = out->svm = NR_TRI_UNKNOWN;
	if (!l0)
		return -EINVAL;
	regs_text(l0->ebx, l0->edx, l0->ecx, sig);
	snprintf(out->vendor, sizeof(out->vendor), "%s", sig);
	l1 = l0->eax >= 1 ? find(l, n, 1) : NULL;
	out->hypervisor_bit = bit(l1, l1 ? l1->ecx : 0, 31);
	out->vmx = bit(l1, l1 ? l1->ecx : 0, 5);
	e0 = find(l, n, 0x80000000u);
	max_ext = e0 && e0->eax >= 0x80000000u && e0->eax < 0x80000100u ? e0->eax : 0;
	e1 = max_ext >= 0x80000001u ? find(l, n, 0x80000001u) : NULL;
	out->svm = bit(e1, e1 ? e1->ecx : 0, 2);
	decode_svm(l, n, max_ext, out);
	if (out->hypervisor_bit != NR_TRI_TRUE)
		return 0;
	if ((h0 = find(l, n, 0x40000000u)))
		regs_text(h0->ebx, h0->ecx, h0->edx, out->signature);
	/* A second interface at 0x40000100 is real only when it answers
	 * with a range of its own. */
	if ((h1 = find(l, n, 0x40000100u)) && h1->eax >= 0x40000100u && h1->eax < 0x40000200u)
		regs_text(h1->ebx, h1->ecx, h1->edx, out->signature2);
	inner = hv_name(out->signature2);
	if (!inner || strcmp(inner, "unknown") == 0)
		inner = hv_name(out->signature);
	if (inner)
		snprintf(out->hypervisor, sizeof(out->hypervisor), "%s", inner);
	return 0;
}

const char *nr_svm_feature_name(enum nr_svm_feature f)
{
	static const char *const names[NR_SVM_FEATURE_COUNT] = {
		"npt", "lbrv", "nrips", "tsc_scaling", "vmcb_clean", "flush_by_asid",
		"decode_assists", "pause_filter", "avic", "vls", "vgif",
	};

	return (unsigned)f < NR_SVM_FEATURE_COUNT ? names[f] : "?";
}
