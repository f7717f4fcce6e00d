/* SPDX-License-Identifier: MIT */
/* The architecture behind a /proc/cpuinfo: see cpuinfo_arch.h.
 *
 * Each clue below is a key (or key and value) printed by one
 * architecture's show_cpuinfo() alone, checked against the kernel sources
 * and util-linux's lscpu dumps.  Keys are case-sensitive on purpose: arm
 * prints "CPU architecture", openrisc "cpu architecture"; x86 "cpu
 * family", loongarch "CPU Family".
 */
#include "cpuinfo_arch.h"

#include <stdio.h>
#include <string.h>

enum {
	A_X86 = 1u << 0,
	A_S390 = 1u << 1,
	A_PPC = 1u << 2,
	A_ARM = 1u << 3,
	A_RISCV = 1u << 4,
	A_LOONG = 1u << 5,
	A_SPARC = 1u << 6,
	A_MIPS = 1u << 7,
	A_IA64 = 1u << 8,
	A_ALPHA = 1u << 9,
	A_OTHER = 1u << 10,   /* recognised, but no family of ours */
};

static const char *const family_names[] = { "x86", "s390", "ppc", "arm", "riscv", "loongarch",
	                                    "sparc", "mips", "ia64", "alpha" };

enum match { ANY, PREFIX, NUMBER };

static const struct clue {
	const char *key;
	enum match match;
	const char *value;   /* PREFIX: what the value starts with */
	unsigned arch;
} clues[] = {
	/* x86 (arch/x86/kernel/cpu/proc.c) */
	{ "cpuid level", ANY, NULL, A_X86 },      { "fpu_exception", ANY, NULL, A_X86 },
	{ "cpu family", NUMBER, NULL, A_X86 },    { "flags", ANY, NULL, A_X86 },
	/* s390 (arch/s390/kernel/processor.c) */
	{ "vendor_id", PREFIX, "IBM/S390", A_S390 }, { "# processors", ANY, NULL, A_S390 },
	{ "bogomips per cpu", ANY, NULL, A_S390 }, { "facilities", ANY, NULL, A_S390 },
	{ "max thread id", ANY, NULL, A_S390 },
	/* ppc (arch/powerpc/kernel/setup-common.c) */
	{ "timebase", ANY, NULL, A_PPC },          { "platform", ANY, NULL, A_PPC },
	/* arm and arm64 */
	{ "CPU implementer", ANY, NULL, A_ARM },   { "CPU architecture", ANY, NULL, A_ARM },
	{ "CPU variant", ANY, NULL, A_ARM },       { "CPU part", ANY, NULL, A_ARM },
	{ "CPU revision", ANY, NULL, A_ARM },      { "Processor", ANY, NULL, A_ARM },
	/* riscv */
	{ "hart", ANY, NULL, A_RISCV },            { "mmu", ANY, NULL, A_RISCV },
	{ "mvendorid", ANY, NULL, A_RISCV },       { "marchid", ANY, NULL, A_RISCV },
	{ "mimpid", ANY, NULL, A_RISCV },          { "uarch", ANY, NULL, A_RISCV },
	{ "hart isa", ANY, NULL, A_RISCV },        { "isa", PREFIX, "rv", A_RISCV },
	/* loongarch */
	{ "CPU Family", ANY, NULL, A_LOONG },      { "Model Name", ANY, NULL, A_LOONG },
	{ "ISA", ANY, NULL, A_LOONG },             { "CPU Revision", ANY, NULL, A_LOONG },
	{ "FPU Revision", ANY, NULL, A_LOONG },    { "TLB Entries", ANY, NULL, A_LOONG },
	{ "Address Sizes", ANY, NULL, A_LOONG },   { "Hardware Watchpoint", ANY, NULL, A_LOONG },
	/* sparc and sparc64 */
	{ "ncpus probed", ANY, NULL, A_SPARC },    { "ncpus active", ANY, NULL, A_SPARC },
	{ "prom", ANY, NULL, A_SPARC },            { "promlib", ANY, NULL, A_SPARC },
	{ "cpucaps", ANY, NULL, A_SPARC },         { "MMU Type", ANY, NULL, A_SPARC },
	{ "MMU type", ANY, NULL, A_SPARC },        { "type", PREFIX, "sun4", A_SPARC },
	/* mips ("cpu model" is alpha's and hexagon's too) */
	{ "isa", PREFIX, "mips", A_MIPS },         { "ASEs implemented", ANY, NULL, A_MIPS },
	{ "wait instruction", ANY, NULL, A_MIPS }, { "microsecond timers", ANY, NULL, A_MIPS },
	{ "tlb_entries", ANY, NULL, A_MIPS },      { "extra interrupt vector", ANY, NULL, A_MIPS },
	{ "hardware watchpoint", ANY, NULL, A_MIPS }, { "VCED exceptions", ANY, NULL, A_MIPS },
	{ "VCEI exceptions", ANY, NULL, A_MIPS },  { "Options implemented", ANY, NULL, A_MIPS },
	/* ia64 ("features" is s390's too: it made ia64 look like s390) */
	{ "arch", PREFIX, "IA-64", A_IA64 },       { "archrev", ANY, NULL, A_IA64 },
	{ "cpu regs", ANY, NULL, A_IA64 },         { "itc MHz", ANY, NULL, A_IA64 },
	/* alpha (arch/alpha/kernel/setup.c) */
	{ "cpu", PREFIX, "Alpha", A_ALPHA },       { "cpu variation", ANY, NULL, A_ALPHA },
	{ "cycle frequency [Hz]", ANY, NULL, A_ALPHA }, { "platform string", ANY, NULL, A_ALPHA },
	{ "cpus detected", ANY, NULL, A_ALPHA },   { "system variation", ANY, NULL, A_ALPHA },
	/* Architectures with no family of ours, recognised so that their
	 * look-alike keys ("cpu family", "flags", "MMU") never make one:
	 * parisc, sh, m68k/nios2 ("CPU"), UML and xtensa (x86-like
	 * vendor_id and flags), openrisc, microblaze. */
	{ "hversion", ANY, NULL, A_OTHER },        { "sversion", ANY, NULL, A_OTHER },
	{ "software id", ANY, NULL, A_OTHER },     { "cpu family", PREFIX, "PA-RISC", A_OTHER },
	{ "cpu type", ANY, NULL, A_OTHER },        { "cache type", ANY, NULL, A_OTHER },
	{ "cpu family", PREFIX, "sh", A_OTHER },   { "CPU", ANY, NULL, A_OTHER },
	{ "Clocking", ANY, NULL, A_OTHER },        { "Calibration", ANY, NULL, A_OTHER },
	{ "vendor_id", PREFIX, "User Mode Linux", A_OTHER },
	{ "vendor_id", PREFIX, "Tensilica", A_OTHER }, { "byte order", ANY, NULL, A_OTHER },
	{ "cpu architecture", ANY, NULL, A_OTHER }, { "CPU-Family", ANY, NULL, A_OTHER },
};

/* vendor_id values of x86 CPUs (CPUID leaf 0's string, as the kernel
 * prints it), so that a vendor_id alone still says x86. */
static const char *const x86_vendors[] = {
	"GenuineIntel", "AuthenticAMD", "HygonGenuine", "CentaurHauls", "Shanghai",
	"CyrixInstead", "GenuineTMx86", "TransmetaCPU", "NexGenDriven", "RiseRiseRise",
	"SiS SiS SiS", "UMC UMC UMC", "Geode by NSC", "Vortex86 SoC",
};

void nr_cpuinfo_shape_init(struct nr_cpuinfo_shape *s)
{
	memset(s, 0, sizeof(*s));
	s->x86_family = -1;
}

static bool clue_matches(const struct clue *c, struct nr_span val)
{
	int n;

	switch (c->match) {
	case PREFIX:
		return nr_span_starts(val, c->value);
	case NUMBER:
		return nr_span_to_int(val, &n);
	default:
		return true;
	}
}

/* What the line says about the machine name, beyond the family. */
static void machine_detail(struct nr_cpuinfo_shape *s, struct nr_span key, struct nr_span val)
{
	const char *v7;
	int n;

	if (nr_span_eq(key, "cpu family") && nr_span_to_int(val, &n) && s->x86_family < 0)
		s->x86_family = n;
	else if (nr_span_eq(key, "f00f_bug") || nr_span_eq(key, "fdiv_bug") ||
	         nr_span_eq(key, "coma_bug"))
		s->x86_32bit_lines = true;
	else if (nr_span_eq(key, "fpu_exception"))
		s->x86_misc_lines = true;
	else if (nr_span_eq(key, "CPU architecture") && nr_span_eq(val, "8"))
		s->arm_v8 = true;
	else if ((nr_span_eq(key, "model name") || nr_span_eq(key, "Processor")) && !s->arm_v7 &&
	         val.len >= 5 && (v7 = memchr(val.p, '(', val.len)) != NULL &&
	         (size_t)(val.p + val.len - v7) >= 5 && memcmp(v7, "(v7", 3) == 0 &&
	         (v7[3] == 'l' || v7[3] == 'b') && v7[4] == ')')
		s->arm_v7 = v7[3];
	else if (nr_span_eq(key, "isa") && !s->riscv_xlen)
		s->riscv_xlen = nr_span_starts(val, "rv64") ? 64 : nr_span_starts(val, "rv32") ? 32 : 0;
	else if (nr_span_eq(key, "ISA"))
		s->loongarch64 |= nr_span_has_token(val, " \t", "loongarch64");
	else if (nr_span_eq(key, "features"))
		s->s390_highgprs |= nr_span_has_token(val, " \t", "highgprs");
	else if (nr_span_eq(key, "type") && !s->sparc_type[0] && nr_span_starts(val, "sun4"))
		nr_span_copy(val, s->sparc_type, sizeof(s->sparc_type));
}

void nr_cpuinfo_shape_line(struct nr_cpuinfo_shape *s, struct nr_span key, struct nr_span val)
{
	size_t i;

	for (i = 0; i < sizeof(clues) / sizeof(clues[0]); i++)
		if (nr_span_eq(key, clues[i].key) && clue_matches(&clues[i], val))
			s->clues |= clues[i].arch;
	if (nr_span_eq(key, "vendor_id"))
		for (i = 0; i < sizeof(x86_vendors) / sizeof(x86_vendors[0]); i++)
			if (nr_span_eq(val, x86_vendors[i]))
				s->clues |= A_X86;
	machine_detail(s, key, val);
}

void nr_cpuinfo_shape_s390(struct nr_cpuinfo_shape *s)
{
	s->clues |= A_S390;
}

/* uname -m where the shape proves it; "" where it cannot (ppc's
 * endianness, mips's word size, a 32-bit arm other than v7). */
static const char *machine_name(const struct nr_cpuinfo_shape *s, unsigned arch, char *buf,
                                size_t len)
{
	switch (arch) {
	case A_X86:
		/* 32-bit kernels name the machine "i%d86" after the CPU family,
		 * at most 6 (arch/x86/kernel/cpu/bugs.c). */
		if (s->x86_32bit_lines && s->x86_family >= 3) {
			snprintf(buf, len, "i%d86", s->x86_family > 6 ? 6 : s->x86_family);
			return buf;
		}
		return s->x86_misc_lines && !s->x86_32bit_lines ? "x86_64" : "";
	case A_ARM:
		if (s->arm_v8)
			return "aarch64";
		if (s->arm_v7) {
			snprintf(buf, len, "armv7%c", s->arm_v7);
			return buf;
		}
		return "";
	case A_RISCV:
		return s->riscv_xlen == 64 ? "riscv64" : s->riscv_xlen == 32 ? "riscv32" : "";
	case A_LOONG:
		return s->loongarch64 ? "loongarch64" : "";
	case A_S390:
		return s->s390_highgprs ? "s390x" : "";
	case A_SPARC:
		/* sun4u and sun4v are 64-bit only; the older sun4* 32-bit. */
		if (!s->sparc_type[0])
			return "";
		return strcmp(s->sparc_type, "sun4u") == 0 || strcmp(s->sparc_type, "sun4v") == 0
		               ? "sparc64" : "sparc";
	case A_IA64:
		return "ia64";
	case A_ALPHA:
		return "alpha";
	default:
		return "";
	}
}

void nr_cpuinfo_shape_decide(const struct nr_cpuinfo_shape *s, char *family, size_t flen,
                             char *machine, size_t mlen)
{
	unsigned arch = s->clues;
	char buf[16];
	size_t i;

	family[0] = '\0';
	machine[0] = '\0';
	/* Exactly one architecture, or no answer. */
	if (arch == 0 || (arch & (arch - 1)) != 0 || arch == A_OTHER)
		return;
	for (i = 0; i < sizeof(family_names) / sizeof(family_names[0]); i++)
		if (arch == 1u << i)
			snprintf(family, flen, "%s", family_names[i]);
	snprintf(machine, mlen, "%s", machine_name(s, arch, buf, sizeof(buf)));
}
