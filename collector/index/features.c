/* SPDX-License-Identifier: MIT */
/* Setup similarity: features, their codes, and the weighted Jaccard
 * score (the scoring is documented in features.h). */
#include "features.h"
#include "doc.h"
#include "util/grow.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CLASS_BITS 4
#define CLASS_MASK ((1u << CLASS_BITS) - 1)

static const unsigned weight[NR_FC_COUNT] = {
	[NR_FC_VERSION] = 60, [NR_FC_SERIES] = 40, [NR_FC_CPU] = 40, [NR_FC_FLAG] = 6,
	[NR_FC_FIRMWARE] = 20, [NR_FC_KVM] = 40, [NR_FC_PARAM] = 10, [NR_FC_CMDLINE] = 10,
	[NR_FC_ROLE] = 30, [NR_FC_GUEST] = 20, [NR_FC_SHAPE] = 100, [NR_FC_FINDING] = 40,
};

static const enum nr_feat_group group_of[NR_FC_COUNT] = {
	[NR_FC_VERSION] = NR_FG_VERSIONS, [NR_FC_SERIES] = NR_FG_VERSIONS,
	[NR_FC_CPU] = NR_FG_CPU, [NR_FC_FLAG] = NR_FG_CPU, [NR_FC_FIRMWARE] = NR_FG_CPU,
	[NR_FC_KVM] = NR_FG_PARAMETERS, [NR_FC_PARAM] = NR_FG_PARAMETERS, [NR_FC_CMDLINE] = NR_FG_PARAMETERS,
	[NR_FC_ROLE] = NR_FG_TOPOLOGY, [NR_FC_GUEST] = NR_FG_TOPOLOGY, [NR_FC_SHAPE] = NR_FG_TOPOLOGY,
	[NR_FC_FINDING] = NR_FG_FINDINGS,
};

/* Fact keys that describe a setup, and their class.  series: the value's
 * major.minor counts as a feature of its own. */
static const struct {
	const char *key;
	enum nr_feat_class c;
	int series;
} fact_class[] = {
	{ "kernel.release", NR_FC_VERSION, 1 },
	{ "qemu.versions.version", NR_FC_VERSION, 1 },
	{ "libvirt.version", NR_FC_VERSION, 1 },
	{ "arch", NR_FC_CPU, 0 },
	{ "cpu.vendor", NR_FC_CPU, 0 },
	{ "cpu.model", NR_FC_CPU, 0 },
	{ "cpu.virt_ext", NR_FC_CPU, 0 },
	{ "cpu.machine", NR_FC_CPU, 0 },
	{ "cpu.platform", NR_FC_CPU, 0 },
	{ "firmware.sys_vendor", NR_FC_FIRMWARE, 0 },
	{ "firmware.product_name", NR_FC_FIRMWARE, 0 },
	{ "kvm.available", NR_FC_KVM, 0 },
	{ "kvm.device", NR_FC_KVM, 0 },
	{ "kvm.module", NR_FC_KVM, 0 },
	{ "kvm.nested", NR_FC_KVM, 0 },
	{ "virt.role", NR_FC_ROLE, 0 },
	{ "virt.hypervisor", NR_FC_ROLE, 0 },
	{ "cpu.hypervisor_vendor", NR_FC_ROLE, 0 },
	{ "cpu.virt_type", NR_FC_ROLE, 0 },
	{ "pci.hypervisor", NR_FC_ROLE, 0 },
	{ "xen.domain", NR_FC_ROLE, 0 },
	{ "level.status", NR_FC_ROLE, 0 },
	{ "guests.binary", NR_FC_GUEST, 0 },
	{ "guests.accel", NR_FC_GUEST, 0 },
	{ "guests.cpu_model", NR_FC_GUEST, 0 },
	{ "guests.machine", NR_FC_GUEST, 0 },
	{ "guests.virt_ext_exposed", NR_FC_GUEST, 0 },
	{ "guests.cap_nested_hv", NR_FC_GUEST, 0 },
};

#define PARAM_PREFIX "kvm.params."

const char *nr_features_group_name(enum nr_feat_group g)
{
	static const char *const names[NR_FG_COUNT] = { "versions", "cpu", "parameters", "topology",
	                                                "findings" };

	return g < NR_FG_COUNT ? names[g] : "?";
}

static uint32_t fnv1a32(const char *s, uint32_t h)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* The feature "<prefix>|<a><b>" of class c. */
static int add(struct nr_features *f, enum nr_feat_class c, const char *prefix, const char *a,
               const char *b)
{
	uint32_t h = fnv1a32(prefix, 2166136261u);
	uint32_t *grown;

	h = fnv1a32(b, fnv1a32(a, fnv1a32("|", h)));
	if (f->n >= NR_FEATURES_MAX)
		return 0;
	if (!(grown = nr_grow(f->codes, &f->cap, f->n, sizeof(*grown))))
		return -ENOMEM;
	f->codes = grown;
	f->codes[f->n++] = (h & ~CLASS_MASK) | (uint32_t)c;
	return 0;
}

/* The next word of *s (blank-separated) into out, cut to fit; 0 at the end. */
static int next_word(const char **s, char *out, size_t outlen)
{
	size_t len;

	*s += strspn(*s, " \t");
	len = strcspn(*s, " \t");
	if (len == 0)
		return 0;
	snprintf(out, outlen, "%.*s", (int)len, *s);
	*s += len;
	return 1;
}

/* Each word of kernel.cmdline as a feature: its words are settings, but
 * the root device and the image name say which machine, not which
 * setup. */
static int add_cmdline(struct nr_features *f, const char *prefix, const char *kv, const char *value)
{
	char word[NR_INDEX_VALUE_MAX + 1];
	int rc = 0;

	while (rc == 0 && next_word(&value, word, sizeof(word))) {
		if (strncmp(word, "root=", 5) == 0 || strncmp(word, "BOOT_IMAGE=", 11) == 0 ||
		    strncmp(word, "initrd=", 7) == 0)
			continue;
		rc = add(f, NR_FC_CMDLINE, prefix, kv, word);
	}
	return rc;
}

/* A word set (cpu.flags) as a MinHash sketch: for each of FLAG_SKETCH
 * seeds, the least hash of any word.  Two sets share a sketch value with
 * the probability of their Jaccard index, so the share of equal values
 * (each a feature) scores flags as their Jaccard index would, with 16
 * codes per level instead of 100-200: what keeps `similar` fast. */
#define FLAG_SKETCH 16

static int add_sketch(struct nr_features *f, const char *prefix, const char *key, const char *words)
{
	uint32_t least[FLAG_SKETCH];
	char word[NR_INDEX_WORD_MAX + 1], kv[NR_INDEX_KEY_MAX + 16], val[16];
	int i, any = 0, rc = 0;

	for (i = 0; i < FLAG_SKETCH; i++)
		least[i] = UINT32_MAX;
	while (next_word(&words, word, sizeof(word))) {
		for (i = 0; i < FLAG_SKETCH; i++) {
			uint32_t h = fnv1a32(word, 2166136261u ^ ((uint32_t)i * 0x9e3779b9u));

			if (h < least[i])
				least[i] = h;
		}
		any = 1;
	}
	for (i = 0; any && rc == 0 && i < FLAG_SKETCH; i++) {
		snprintf(kv, sizeof(kv), "%s#%d=", key, i);
		snprintf(val, sizeof(val), "%08x", least[i]);
		rc = add(f, NR_FC_FLAG, prefix, kv, val);
	}
	return rc;
}

int nr_features_add_fact(struct nr_features *f, int depth, const char *key, const char *value,
                         const char *vkey)
{
	char prefix[16], kv[NR_INDEX_KEY_MAX + 2];
	size_t i;
	int rc;

	snprintf(prefix, sizeof(prefix), "L%d", depth);
	snprintf(kv, sizeof(kv), "%s=", key);
	if (strcmp(key, "kernel.cmdline") == 0)
		return add_cmdline(f, prefix, kv, value);
	if (nr_index_word_set(key))
		return add_sketch(f, prefix, key, value);
	if (strncmp(key, PARAM_PREFIX, strlen(PARAM_PREFIX)) == 0)
		return add(f, NR_FC_PARAM, prefix, kv, value);
	for (i = 0; i < sizeof(fact_class) / sizeof(fact_class[0]); i++) {
		if (strcmp(key, fact_class[i].key) != 0)
			continue;
		rc = add(f, fact_class[i].c, prefix, kv, value);
		if (rc == 0 && fact_class[i].series && vkey[0]) {
			char series[NR_INDEX_VKEY_SERIES + 1];

			snprintf(series, sizeof(series), "%s", vkey);
			rc = add(f, NR_FC_SERIES, prefix, kv, series);
		}
		return rc;
	}
	return 0;
}

int nr_features_add_finding(struct nr_features *f, int depth, const char *rule)
{
	char prefix[16];

	if (strcmp(rule, NR_RULE_COULD_NOT_CHECK) == 0)
		return 0;   /* missing evidence is not a setup */
	snprintf(prefix, sizeof(prefix), "L%d", depth);
	return add(f, NR_FC_FINDING, prefix, "finding=", rule);
}

int nr_features_add_shape(struct nr_features *f, const char *shape)
{
	return add(f, NR_FC_SHAPE, "", "shape=", shape);
}

static int cmp_code(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

void nr_features_finish(struct nr_features *f)
{
	size_t i, o = 0;

	if (f->n == 0)
		return;
	qsort(f->codes, f->n, sizeof(*f->codes), cmp_code);
	for (i = 0; i < f->n; i++)
		if (o == 0 || f->codes[i] != f->codes[o - 1])
			f->codes[o++] = f->codes[i];
	f->n = o;
}

void nr_features_drop_class(struct nr_features *f, enum nr_feat_class c)
{
	size_t i, o = 0;

	for (i = 0; i < f->n; i++)
		if ((f->codes[i] & CLASS_MASK) != (uint32_t)c)
			f->codes[o++] = f->codes[i];
	f->n = o;
}

void nr_features_release(struct nr_features *f)
{
	free(f->codes);
	memset(f, 0, sizeof(*f));
}

char *nr_features_encode(const struct nr_features *f)
{
	static const char hex[] = "0123456789abcdef";
	char *out = malloc(f->n * 8 + 1), *p = out;
	size_t i;
	int k;

	if (!out)
		return NULL;
	for (i = 0; i < f->n; i++)
		for (k = 28; k >= 0; k -= 4)
			*p++ = hex[(f->codes[i] >> k) & 0xf];
	*p = '\0';
	return out;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int nr_features_decode(const char *hex, struct nr_features *f)
{
	size_t len = strlen(hex), i, n = len / 8;
	uint32_t v;
	int k, d;

	if (len % 8 || n > NR_FEATURES_MAX)
		return -EBADMSG;
	if (n > f->cap) {
		uint32_t *grown = realloc(f->codes, (n ? n : 1) * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		f->codes = grown;
		f->cap = n ? n : 1;
	}
	for (i = 0; i < n; i++) {
		for (v = 0, k = 0; k < 8; k++) {
			if ((d = hexval(hex[i * 8 + (size_t)k])) < 0)
				return -EBADMSG;
			v = (v << 4) | (uint32_t)d;
		}
		if ((v & CLASS_MASK) >= NR_FC_COUNT || (i > 0 && v <= f->codes[i - 1]))
			return -EBADMSG;   /* not one of ours, or not sorted */
		f->codes[i] = v;
	}
	f->n = n;
	return 0;
}

void nr_features_compare(const struct nr_features *a, const struct nr_features *b,
                         struct nr_similarity *out)
{
	unsigned long shared[NR_FG_COUNT] = { 0 }, uni[NR_FG_COUNT] = { 0 }, s = 0, u = 0;
	size_t i = 0, j = 0;
	uint32_t code;
	int g;

	while (i < a->n || j < b->n) {
		if (j >= b->n || (i < a->n && a->codes[i] < b->codes[j])) {
			code = a->codes[i++];
		} else if (i >= a->n || b->codes[j] < a->codes[i]) {
			code = b->codes[j++];
		} else {
			code = a->codes[i++];
			j++;
			shared[group_of[code & CLASS_MASK]] += weight[code & CLASS_MASK];
		}
		uni[group_of[code & CLASS_MASK]] += weight[code & CLASS_MASK];
	}
	for (g = 0; g < NR_FG_COUNT; g++) {
		out->group[g] = uni[g] ? (int)(shared[g] * 1000 / uni[g]) : -1;
		s += shared[g];
		u += uni[g];
	}
	out->score = u ? (unsigned)(s * 1000 / u) : 0;
}
