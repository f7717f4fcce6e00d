/* SPDX-License-Identifier: MIT */
/* /proc/cpuinfo parser: see parse.h.
 *
 * Each architecture prints its own keys, so parsing is two passes over
 * the same lines: the first records what it saw (and feeds every line to
 * cpuinfo_arch.c, which tells the architecture), the second, once the
 * architecture is known, decides which flags line to believe.  Keys are compared case-sensitively on purpose:
 * armv7 prints both "Processor" (the model) and "processor" (an index).
 */
#include "cpuinfo_arch.h"
#include "parse.h"
#include "parse_text.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

enum action {
	ACT_VENDOR,
	ACT_MODEL,      /* ranked: the lowest rank seen first wins */
	ACT_PLATFORM,
	ACT_MACHINE,
	ACT_ISA,        /* loongarch "ISA", riscv or mips "isa" */
	ACT_PROCESSOR,
	ACT_S390_NCPUS,
	ACT_SPARC_NCPUS,
	ACT_FLAGS,      /* x86 "flags" */
	ACT_FEATURES,   /* s390 "features" (ia64's is not read) */
	ACT_FEATURES_UC, /* arm, loongarch "Features" */
};

struct rule {
	const char *key;
	enum action act;
	int rank;       /* ACT_MODEL only */
};

/* Which line fills which field; the architecture is cpuinfo_arch.c's. */
static const struct rule rules[] = {
	{ "vendor_id", ACT_VENDOR, 0 },
	{ "vendor", ACT_VENDOR, 0 },              /* ia64 */
	{ "CPU implementer", ACT_VENDOR, 0 },
	{ "mvendorid", ACT_VENDOR, 0 },
	{ "model name", ACT_MODEL, 1 },
	{ "Model Name", ACT_MODEL, 1 },
	{ "Processor", ACT_MODEL, 1 },
	{ "uarch", ACT_MODEL, 1 },
	{ "cpu model", ACT_MODEL, 1 },            /* mips, alpha ("EV67") */
	{ "cpu", ACT_MODEL, 2 },                  /* ppc, sparc; alpha says "Alpha" */
	{ "family", ACT_MODEL, 3 },               /* ia64 "Itanium 2" */
	{ "CPU part", ACT_MODEL, 4 },             /* arm64 prints no model name */
	{ "platform", ACT_PLATFORM, 0 },
	{ "machine", ACT_MACHINE, 0 },
	{ "type", ACT_MACHINE, 0 },
	{ "system type", ACT_MACHINE, 0 },
	{ "ISA", ACT_ISA, 0 },
	{ "isa", ACT_ISA, 0 },
	{ "processor", ACT_PROCESSOR, 0 },
	{ "# processors", ACT_S390_NCPUS, 0 },
	{ "ncpus active", ACT_SPARC_NCPUS, 0 },
	{ "flags", ACT_FLAGS, 0 },
	{ "features", ACT_FEATURES, 0 },
	{ "Features", ACT_FEATURES_UC, 0 },
};

struct scan {
	struct nr_cpuinfo *out;
	struct nr_cpuinfo_shape shape;
	bool matched;
	int model_rank;         /* of the model kept; 0: none yet */
	int processors;
	int s390_ncpus;
	int sparc_ncpus;
	struct nr_span flags, features, features_uc, isa;
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

	nr_cpuinfo_shape_s390(&sc->shape);
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

static void count_into(int *counter, struct nr_span val)
{
	int n;

	if (*counter == 0 && nr_span_to_int(val, &n))
		*counter = n;
}

static void apply_rule(struct scan *sc, const struct rule *r, struct nr_span val)
{
	struct nr_cpuinfo *o = sc->out;

	switch (r->act) {
	case ACT_VENDOR:
		copy_first(o->vendor, sizeof(o->vendor), val);
		break;
	case ACT_MODEL:
		if (val.len > 0 && (!sc->model_rank || r->rank < sc->model_rank)) {
			nr_span_copy(val, o->model, sizeof(o->model));
			sc->model_rank = r->rank;
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
		keep_first(&sc->isa, val);
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
	}
}

static void scan_line(struct scan *sc, struct nr_span line)
{
	struct nr_span key, val;
	const struct rule *r;
	unsigned before = sc->shape.clues;

	if (!nr_span_split(line, ':', &key, &val))
		return;
	if (is_s390_processor_key(key)) {
		s390_processor_line(sc, val);
		return;
	}
	nr_cpuinfo_shape_line(&sc->shape, key, val);
	r = rule_find(key);
	if (r)
		apply_rule(sc, r, val);
	sc->matched |= r || sc->shape.clues != before;
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

/* riscv without "uarch": its isa stands in for the model. */
static void decide_model(struct scan *sc)
{
	struct nr_cpuinfo *o = sc->out;

	if (!sc->model_rank && sc->isa.p && strcmp(o->arch_hint, "riscv") == 0)
		nr_span_copy(sc->isa, o->model, sizeof(o->model));
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
	nr_cpuinfo_shape_init(&sc.shape);
	while (nr_text_next_line(buf, len, &pos, &line))
		scan_line(&sc, line);
	if (!sc.matched)
		return -EINVAL;
	nr_cpuinfo_shape_decide(&sc.shape, out->arch_hint, sizeof(out->arch_hint), out->machine_name,
	                        sizeof(out->machine_name));
	decide_flags(&sc);
	decide_model(&sc);
	decide_ncpus(&sc);
	return 0;
}
