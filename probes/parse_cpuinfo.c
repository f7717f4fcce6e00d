/* SPDX-License-Identifier: MIT */
/* /proc/cpuinfo parser: see parse.h.
 *
 * Each architecture prints its own keys, so parsing is two passes over
 * the same lines: the first records what it saw (and clues about the
 * architecture), the second, once the architecture is known, decides which
 * flags line to believe.  Keys are compared case-sensitively on purpose:
 * armv7 prints both "Processor" (the model) and "processor" (an index).
 */
#include "parse.h"
#include "parse_text.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

enum clue {
	CLUE_X86 = 1u << 0,
	CLUE_S390 = 1u << 1,
	CLUE_PPC = 1u << 2,
	CLUE_ARM = 1u << 3,
	CLUE_RISCV = 1u << 4,
	CLUE_LOONG = 1u << 5,
	CLUE_SPARC = 1u << 6,
	CLUE_MIPS = 1u << 7,
};

enum action {
	ACT_CLUE,       /* only tells the architecture */
	ACT_VENDOR,
	ACT_VENDOR_ID,  /* x86 or s390, told by the value */
	ACT_MODEL,
	ACT_PLATFORM,
	ACT_MACHINE,
	ACT_ISA,        /* loongarch "ISA" */
	ACT_ISA_LC,     /* riscv or mips "isa", told by the value */
	ACT_PROCESSOR,
	ACT_S390_NCPUS,
	ACT_SPARC_NCPUS,
	ACT_FLAGS,      /* x86 "flags" */
	ACT_FEATURES,   /* s390 "features" */
	ACT_FEATURES_UC, /* arm, loongarch "Features" */
	ACT_PART,       /* arm "CPU part", model of last resort */
};

struct rule {
	const char *key;
	enum action act;
	unsigned clue;
};

static const struct rule rules[] = {
	{ "vendor_id", ACT_VENDOR_ID, 0 },
	{ "CPU implementer", ACT_VENDOR, CLUE_ARM },
	{ "mvendorid", ACT_VENDOR, CLUE_RISCV },
	{ "model name", ACT_MODEL, 0 },
	{ "Model Name", ACT_MODEL, CLUE_LOONG },
	{ "cpu", ACT_MODEL, 0 },
	{ "Processor", ACT_MODEL, CLUE_ARM },
	{ "uarch", ACT_MODEL, CLUE_RISCV },
	{ "cpu model", ACT_MODEL, CLUE_MIPS },
	{ "platform", ACT_PLATFORM, CLUE_PPC },
	{ "machine", ACT_MACHINE, 0 },
	{ "type", ACT_MACHINE, CLUE_SPARC },
	{ "system type", ACT_MACHINE, 0 },
	{ "ISA", ACT_ISA, CLUE_LOONG },
	{ "isa", ACT_ISA_LC, 0 },
	{ "processor", ACT_PROCESSOR, 0 },
	{ "# processors", ACT_S390_NCPUS, CLUE_S390 },
	{ "ncpus active", ACT_SPARC_NCPUS, CLUE_SPARC },
	{ "flags", ACT_FLAGS, CLUE_X86 },
	{ "features", ACT_FEATURES, CLUE_S390 },
	{ "Features", ACT_FEATURES_UC, 0 },
	{ "CPU part", ACT_PART, CLUE_ARM },
	{ "CPU architecture", ACT_CLUE, CLUE_ARM },
	{ "hart", ACT_CLUE, CLUE_RISCV },
	{ "cpucaps", ACT_CLUE, CLUE_SPARC },
	{ "timebase", ACT_CLUE, CLUE_PPC },
	{ "CPU Family", ACT_CLUE, CLUE_LOONG },
	{ "cpu family", ACT_CLUE, CLUE_X86 },
	{ "bogomips per cpu", ACT_CLUE, CLUE_S390 },
};

/* Most specific first: a clue of a rarer architecture beats the generic
 * x86 keys that junk or a foreign kernel might also print. */
static const struct {
	unsigned clue;
	const char *name;
} arch_order[] = {
	{ CLUE_S390, "s390" },   { CLUE_LOONG, "loongarch" }, { CLUE_RISCV, "riscv" },
	{ CLUE_MIPS, "mips" },   { CLUE_SPARC, "sparc" },     { CLUE_PPC, "ppc" },
	{ CLUE_ARM, "arm" },     { CLUE_X86, "x86" },
};

struct scan {
	struct nr_cpuinfo *out;
	unsigned clues;
	bool matched;
	bool model_set;
	int processors;
	int s390_ncpus;
	int sparc_ncpus;
	struct nr_span flags, features, features_uc, isa_lc, part;
};

static const struct rule *rule_find(struct nr_span key)
{
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (nr_span_eq(key, rules[i].key))
			return &rules[i];
	return NULL;
}

/* Keep the first non-empty value of a span-valued key. */
static void keep_first(struct nr_span *slot, struct nr_span val)
{
	if (!slot->p && val.len > 0)
		*slot = val;
}

static void copy_first(char *dst, size_t size, struct nr_span val)
{
	if (dst[0] == '\0')
		nr_span_copy(val, dst, size);
}

/* s390 prints "processor 0: version = FF,  identification = ..,  machine = 2817". */
static void s390_processor_line(struct scan *sc, struct nr_span val)
{
	size_t pos = 0;
	struct nr_span item, k, v;

	sc->clues |= CLUE_S390;
	sc->matched = true;
	while (nr_span_next_token(val, ",", &pos, &item))
		if (nr_span_split(item, '=', &k, &v) && nr_span_eq(k, "machine"))
			copy_first(sc->out->machine, sizeof(sc->out->machine), v);
}

static bool is_s390_processor_key(struct nr_span key)
{
	return nr_span_starts(key, "processor ") && key.len > 10 &&
	       key.p[10] >= '0' && key.p[10] <= '9';
}

static void apply_value_clue(struct scan *sc, enum action act, struct nr_span val)
{
	if (act == ACT_VENDOR_ID)
		sc->clues |= nr_span_eq(val, "IBM/S390") ? CLUE_S390 : CLUE_X86;
	else if (act == ACT_ISA_LC && nr_span_starts(val, "rv"))
		sc->clues |= CLUE_RISCV;
	else if (act == ACT_ISA_LC && nr_span_starts(val, "mips"))
		sc->clues |= CLUE_MIPS;
}

static void count_into(int *counter, struct nr_span val)
{
	int n;

	if (*counter == 0 && nr_span_to_int(val, &n))
		*counter = n;
}

static void apply_rule(struct scan *sc, const struct rule *r, struct nr_span val)
{
	struct nr_cpuinfo *o = sc->out;

	sc->clues |= r->clue;
	apply_value_clue(sc, r->act, val);
	switch (r->act) {
	case ACT_VENDOR:
	case ACT_VENDOR_ID:
		copy_first(o->vendor, sizeof(o->vendor), val);
		break;
	case ACT_MODEL:
		if (!sc->model_set && val.len > 0) {
			nr_span_copy(val, o->model, sizeof(o->model));
			sc->model_set = true;
		}
		break;
	case ACT_PLATFORM:
		copy_first(o->platform, sizeof(o->platform), val);
		break;
	case ACT_MACHINE:
		copy_first(o->machine, sizeof(o->machine), val);
		break;
	case ACT_ISA:
		copy_first(o->isa, sizeof(o->isa), val);
		break;
	case ACT_ISA_LC:
		copy_first(o->isa, sizeof(o->isa), val);
		keep_first(&sc->isa_lc, val);
		break;
	case ACT_PROCESSOR:
		if (sc->processors < 1 << 30)
			sc->processors++;
		break;
	case ACT_S390_NCPUS:
		count_into(&sc->s390_ncpus, val);
		break;
	case ACT_SPARC_NCPUS:
		count_into(&sc->sparc_ncpus, val);
		break;
	case ACT_FLAGS:
		keep_first(&sc->flags, val);
		break;
	case ACT_FEATURES:
		keep_first(&sc->features, val);
		break;
	case ACT_FEATURES_UC:
		keep_first(&sc->features_uc, val);
		break;
	case ACT_PART:
		keep_first(&sc->part, val);
		break;
	case ACT_CLUE:
		break;
	}
}

static void scan_line(struct scan *sc, struct nr_span line)
{
	struct nr_span key, val;
	const struct rule *r;

	if (!nr_span_split(line, ':', &key, &val))
		return;
	if (is_s390_processor_key(key)) {
		s390_processor_line(sc, val);
		return;
	}
	r = rule_find(key);
	if (!r)
		return;
	sc->matched = true;
	apply_rule(sc, r, val);
}

static const char *arch_from_clues(unsigned clues)
{
	for (size_t i = 0; i < sizeof(arch_order) / sizeof(arch_order[0]); i++)
		if (clues & arch_order[i].clue)
			return arch_order[i].name;
	return "";
}

static enum nr_tri flag_in(struct nr_span line, const char *flag)
{
	if (!line.p)
		return NR_TRI_UNKNOWN;
	return nr_span_has_token(line, " \t", flag) ? NR_TRI_TRUE : NR_TRI_FALSE;
}

/* Only the flags line of the architecture found is believed, and only for
 * flags that architecture can print. */
static void decide_flags(struct scan *sc)
{
	struct nr_cpuinfo *o = sc->out;
	const char *arch = o->arch_hint;

	if (strcmp(arch, "x86") == 0) {
		o->has_vmx = flag_in(sc->flags, "vmx");
		o->has_svm = flag_in(sc->flags, "svm");
		o->has_hypervisor = flag_in(sc->flags, "hypervisor");
	} else if (strcmp(arch, "s390") == 0) {
		o->has_sie = flag_in(sc->features, "sie");
	} else if (strcmp(arch, "loongarch") == 0) {
		o->has_lvz = flag_in(sc->features_uc, "lvz");
	}
}

static void decide_model(struct scan *sc)
{
	struct nr_cpuinfo *o = sc->out;

	if (sc->model_set)
		return;
	if (sc->part.p)
		nr_span_copy(sc->part, o->model, sizeof(o->model));
	else if (sc->isa_lc.p && strcmp(o->arch_hint, "riscv") == 0)
		nr_span_copy(sc->isa_lc, o->model, sizeof(o->model));
}

static void decide_ncpus(struct scan *sc)
{
	if (sc->s390_ncpus > 0)
		sc->out->ncpus = sc->s390_ncpus;
	else if (sc->processors > 0)
		sc->out->ncpus = sc->processors;
	else
		sc->out->ncpus = sc->sparc_ncpus;
}

static void cpuinfo_init(struct nr_cpuinfo *out)
{
	memset(out, 0, sizeof(*out));
	out->has_vmx = NR_TRI_UNKNOWN;
	out->has_svm = NR_TRI_UNKNOWN;
	out->has_sie = NR_TRI_UNKNOWN;
	out->has_hypervisor = NR_TRI_UNKNOWN;
	out->has_lvz = NR_TRI_UNKNOWN;
}

int nr_cpuinfo_parse(const char *buf, size_t len, struct nr_cpuinfo *out)
{
	struct scan sc = { .out = out };
	struct nr_span line;
	size_t pos = 0;

	cpuinfo_init(out);
	while (nr_text_next_line(buf, len, &pos, &line))
		scan_line(&sc, line);
	if (!sc.matched)
		return -EINVAL;
	snprintf(out->arch_hint, sizeof(out->arch_hint), "%s", arch_from_clues(sc.clues));
	decide_flags(&sc);
	decide_model(&sc);
	decide_ncpus(&sc);
	return 0;
}
