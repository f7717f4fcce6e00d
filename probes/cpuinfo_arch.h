/* SPDX-License-Identifier: MIT */
/* Which architecture printed a /proc/cpuinfo, told from its shape: the
 * keys (and a few values) only one architecture's kernel prints.  Internal
 * to probes/ (parse_cpuinfo.c feeds it every line).
 *
 * Several architectures share generic keys ("processor", "features",
 * "cpu family", "cpu model", "MMU"), so those are no clue, or a clue only
 * by their value.  A shape with the clues of two architectures, or of one
 * we have no family for (parisc, sh, m68k, UML...), is no answer: the
 * family stays unknown rather than becoming a wrong one.
 */
#ifndef NR_CPUINFO_ARCH_H
#define NR_CPUINFO_ARCH_H

#include "parse_text.h"

#include <stdbool.h>
#include <stddef.h>

struct nr_cpuinfo_shape {
	unsigned clues;        /* one bit per architecture seen */
	int x86_family;        /* "cpu family", -1 unknown */
	bool x86_32bit_lines;  /* "f00f_bug" and kin: only 32-bit kernels print them */
	bool x86_misc_lines;   /* "fpu_exception": every x86 kernel prints it */
	bool arm_v8;           /* "CPU architecture: 8": only arm64 kernels print 8 */
	char arm_v7;           /* 'l' or 'b' of "(v7l)" in the model, else 0 */
	int riscv_xlen;        /* 32 or 64 from "isa: rv64...", else 0 */
	bool loongarch64;      /* "loongarch64" in "ISA" */
	bool s390_highgprs;    /* "highgprs" in features: a 64-bit kernel's hwcap */
	char sparc_type[8];    /* "sun4u", "sun4v", ... */
};

void nr_cpuinfo_shape_init(struct nr_cpuinfo_shape *s);
/* One "key: value" line (both trimmed). */
void nr_cpuinfo_shape_line(struct nr_cpuinfo_shape *s, struct nr_span key, struct nr_span val);
/* s390's "processor N: version = ..." lines, which have no fixed key. */
void nr_cpuinfo_shape_s390(struct nr_cpuinfo_shape *s);
/* The family name ("x86", "s390", "ppc", "arm", "riscv", "loongarch",
 * "sparc", "mips", "ia64", "alpha", or "" when unknown) into family, and
 * the machine name uname -m would print when the shape tells it ("x86_64",
 * "i686", "aarch64", "armv7l", "riscv64", "loongarch64", "s390x",
 * "sparc64", "ia64", "alpha"), else "", into machine. */
void nr_cpuinfo_shape_decide(const struct nr_cpuinfo_shape *s, char *family, size_t flen,
                             char *machine, size_t mlen);

#endif
