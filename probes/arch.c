/* SPDX-License-Identifier: MIT */
/* Architecture families: the unit in which probes declare where they apply. */
#include "probe.h"

#include <string.h>

enum nr_arch nr_arch_from_uname(const char *m)
{
	static const struct { const char *prefix; enum nr_arch arch; } map[] = {
		{ "x86_64", NR_ARCH_X86 }, { "i386", NR_ARCH_X86 }, { "i486", NR_ARCH_X86 },
		{ "i586", NR_ARCH_X86 }, { "i686", NR_ARCH_X86 }, { "amd64", NR_ARCH_X86 },
		{ "s390", NR_ARCH_S390 }, { "ppc", NR_ARCH_PPC }, { "powerpc", NR_ARCH_PPC },
		{ "aarch64", NR_ARCH_ARM }, { "arm", NR_ARCH_ARM }, { "riscv", NR_ARCH_RISCV },
		{ "loongarch", NR_ARCH_LOONGARCH }, { "sparc", NR_ARCH_SPARC },
		{ "mips", NR_ARCH_MIPS }, { "ia64", NR_ARCH_IA64 }, { "alpha", NR_ARCH_ALPHA },
	};
	size_t i;

	if (!m)
		return NR_ARCH_UNKNOWN;
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strncmp(m, map[i].prefix, strlen(map[i].prefix)) == 0)
			return map[i].arch;
	return NR_ARCH_UNKNOWN;
}

const char *nr_arch_family_name(enum nr_arch a)
{
	switch (a) {
	case NR_ARCH_X86: return "x86";
	case NR_ARCH_S390: return "s390";
	case NR_ARCH_PPC: return "ppc";
	case NR_ARCH_ARM: return "arm";
	case NR_ARCH_RISCV: return "riscv";
	case NR_ARCH_LOONGARCH: return "loongarch";
	case NR_ARCH_SPARC: return "sparc";
	case NR_ARCH_MIPS: return "mips";
	case NR_ARCH_IA64: return "ia64";
	case NR_ARCH_ALPHA: return "alpha";
	default: return "unknown";
	}
}

enum nr_arch nr_arch_from_family_name(const char *name)
{
	unsigned bit;

	for (bit = 1; name && bit <= NR_ARCH_LAST; bit <<= 1)
		if (strcmp(name, nr_arch_family_name((enum nr_arch)bit)) == 0)
			return (enum nr_arch)bit;
	return NR_ARCH_UNKNOWN;
}
