/* SPDX-License-Identifier: MIT */
/* nr_cpuinfo_parse on the 19 real machines, this machine, and bad input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "parse.h"

#define U NR_TRI_UNKNOWN
#define F NR_TRI_FALSE
#define T NR_TRI_TRUE

/* What docs/parsers.md promises for each real machine. */
struct expect {
	const char *machine;
	const char *arch;
	const char *vendor;
	const char *model;
	int ncpus;
	enum nr_tri vmx, svm, hyp, sie, lvz;
	const char *platform;
	const char *mach;
	const char *isa;
	const char *uname;   /* machine_name: what uname -m said there */
};

static const struct expect expected[] = {
	{ "x86_64-64cpu", "x86", "GenuineIntel",
	  "Intel(R) Xeon(R) CPU           X7550  @ 2.00GHz", 64, T, F, F, U, U, "", "", "", "x86_64" },
	{ "x86_64-64cpu-linux6.2", "x86", "GenuineIntel",
	  "11th Gen Intel(R) Core(TM) i7-1165G7 @ 2.80GHz", 8, T, F, F, U, U, "", "", "", "x86_64" },
	{ "x86_64-dell_e4310", "x86", "GenuineIntel",
	  "Intel(R) Core(TM) i5 CPU       M 560  @ 2.67GHz", 4, T, F, F, U, U, "", "", "", "x86_64" },
	{ "x86_64-epyc_7451", "x86", "AuthenticAMD", "AMD EPYC 7451 24-Core Processor", 96,
	  F, T, F, U, U, "", "", "", "x86_64" },
	/* A VirtualBox guest whose flags lack "hypervisor": lscpu found
	 * Oracle elsewhere (the VirtualBox PCI device), not in cpuinfo. */
	{ "vbox-win", "x86", "GenuineIntel", "Intel(R) Core(TM) i5-3317U CPU @ 1.70GHz", 2,
	  F, F, F, U, U, "", "", "", "x86_64" },
	/* s390 KVM guest: no "sie" (its L0 did not pass it on). */
	{ "s390-kvm", "s390", "IBM/S390", "", 3, U, U, U, F, U, "", "2817", "", "s390x" },
	{ "s390-zvm", "s390", "IBM/S390", "", 4, U, U, U, F, U, "", "2817", "", "s390x" },
	{ "s390-lpar", "s390", "IBM/S390", "", 17, U, U, U, F, U, "", "2817", "", "s390x" },
	{ "s390-lpar-drawer", "s390", "IBM/S390", "", 8, U, U, U, T, U, "", "2964", "", "s390x" },
	{ "ppc64-POWER7", "ppc", "", "POWER7 (architected), altivec supported", 16,
	  U, U, U, U, U, "pSeries", "CHRP IBM,8233-E8B", "", "" },
	{ "ppc-qemu", "ppc", "", "740/750", 1, U, U, U, U, U, "PowerMac", "Power Macintosh", "", "" },
	/* arm64 prints no model name: the first "CPU part" stands in. */
	{ "arm-A510-A710-A715-X3", "arm", "0x41", "0xd46", 8, U, U, U, U, U, "", "", "", "aarch64" },
	{ "armv7", "arm", "0x41", "ARMv7 Processor rev 4 (v7l)", 2, U, U, U, U, U, "", "", "", "armv7l" },
	{ "rv64-linux", "riscv", "", "sifive,u74-mc", 2, U, U, U, U, U, "", "", "rv64imafdc", "riscv64" },
	/* No "uarch" line: the isa stands in for the model. */
	{ "rv64-milkvpioneer", "riscv", "0x5b7", "rv64imafdcv", 64, U, U, U, U, U, "", "",
	  "rv64imafdcv", "riscv64" },
	{ "rv64-visionfive2", "riscv", "0x489", "sifive,u74-mc", 4, U, U, U, U, U, "", "",
	  "rv64imafdc_zicntr_zicsr_zifencei_zihpm_zba_zbb", "riscv64" },
	{ "loongarch-kvm_on_loongson_3c6000", "loongarch", "", "Loongson-3A5000", 32,
	  U, U, U, U, F, "", "generic-loongson-machine", "loongarch32r loongarch32s loongarch64",
	  "loongarch64" },
	{ "loongarch-loongson_3a5000_hv", "loongarch", "", "Loongson-3A5000-HV", 4,
	  U, U, U, U, T, "", "generic-loongson-machine", "loongarch32 loongarch64",
	  "loongarch64" },
	{ "sparc64", "sparc", "", "TI UltraSparc II  (BlackBird)", 6, U, U, U, U, U, "", "sun4u", "",
	  "sparc64" },
};

static void check_machine(const struct expect *e)
{
	size_t len = 0;
	char *buf = nr_test_fixture_read(e->machine, "proc/cpuinfo", &len);
	struct nr_cpuinfo ci;

	assert_non_null(buf);
	assert_int_equal(nr_cpuinfo_parse(buf, len, &ci), 0);
	assert_string_equal(ci.arch_hint, e->arch);
	assert_string_equal(ci.vendor, e->vendor);
	assert_string_equal(ci.model, e->model);
	assert_int_equal(ci.ncpus, e->ncpus);
	assert_int_equal(ci.has_vmx, e->vmx);
	assert_int_equal(ci.has_svm, e->svm);
	assert_int_equal(ci.has_hypervisor, e->hyp);
	assert_int_equal(ci.has_sie, e->sie);
	assert_int_equal(ci.has_lvz, e->lvz);
	assert_string_equal(ci.platform, e->platform);
	assert_string_equal(ci.machine, e->mach);
	assert_string_equal(ci.isa, e->isa);
	assert_string_equal(ci.machine_name, e->uname);
	free(buf);
}

/* One cmocka test per machine, the expectation passed as its state. */
static void test_real_machine(void **state)
{
	NR_TEST_NEED_SHARED();
	check_machine(*state);
}

/* The table above covers every machine in the shared set. */
static void test_table_covers_every_machine(void **state)
{
	size_t n = 0;

	(void)state;
	for (const char *const *m = nr_test_real_machines; *m; m++, n++) {
		size_t i = 0;

		while (i < sizeof(expected) / sizeof(expected[0]) &&
		       strcmp(expected[i].machine, *m) != 0)
			i++;
		assert_true(i < sizeof(expected) / sizeof(expected[0]));
	}
	assert_int_equal(n, 19);
}

/* Every prefix of a real cpuinfo (cut mid-line, mid-key, mid-flag) parses
 * without reading past it; ASan checks the "past" part because the copy
 * is exactly as long as the prefix. */
static void test_truncated_everywhere(void **state)
{
	static const char *const machines[] = { "x86_64-dell_e4310", "s390-lpar-drawer",
	                                        "ppc-qemu", "armv7" };

	(void)state;
	NR_TEST_NEED_SHARED();
	for (size_t m = 0; m < sizeof(machines) / sizeof(machines[0]); m++) {
		size_t len = 0;
		char *buf = nr_test_fixture_read(machines[m], "proc/cpuinfo", &len);

		assert_non_null(buf);
		if (len > 3000)
			len = 3000;
		for (size_t cut = 0; cut <= len; cut++) {
			char *copy = malloc(cut ? cut : 1);
			struct nr_cpuinfo ci;

			memcpy(copy, buf, cut);
			(void)nr_cpuinfo_parse(copy, cut, &ci);
			assert_true(strlen(ci.model) < sizeof(ci.model));
			free(copy);
		}
		free(buf);
	}
}

/* A flags line cut before "vmx" is FALSE, not a crash; cut before the
 * flags key it is UNKNOWN. */
static void test_truncated_flags(void **state)
{
	const char *s = "processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: fpu vme vm";
	struct nr_cpuinfo ci;

	(void)state;
	assert_int_equal(nr_cpuinfo_parse(s, strlen(s), &ci), 0);
	assert_string_equal(ci.arch_hint, "x86");
	assert_int_equal(ci.has_vmx, NR_TRI_FALSE);
	assert_int_equal(nr_cpuinfo_parse(s, 38, &ci), 0);
	assert_int_equal(ci.has_vmx, NR_TRI_UNKNOWN);
}

/* This machine: an L1 KVM guest on AMD whose L0 does not pass svm on. */
static void test_local_kvm_guest(void **state)
{
	size_t len = 0;
	char *buf = nr_test_local_file("local/cpuinfo-kvm-guest-amd.txt", &len);
	struct nr_cpuinfo ci;

	(void)state;
	assert_non_null(buf);
	assert_int_equal(nr_cpuinfo_parse(buf, len, &ci), 0);
	assert_string_equal(ci.arch_hint, "x86");
	assert_string_equal(ci.vendor, "AuthenticAMD");
	assert_string_equal(ci.model, "AMD EPYC");
	assert_int_equal(ci.ncpus, 2);
	assert_int_equal(ci.has_hypervisor, NR_TRI_TRUE);
	assert_int_equal(ci.has_svm, NR_TRI_FALSE);
	assert_int_equal(ci.has_vmx, NR_TRI_FALSE);
	free(buf);
}

/* "vmx flags" (Linux 5.x+) is not "flags", and "vmx" must be a whole
 * token: "vmxe" or "nvmx" do not count. */
static void test_flag_tokens(void **state)
{
	const char *s = "vendor_id : GenuineIntel\n"
	                "flags : fpu nvmx vmxe svm_lock hypervisorx\n"
	                "vmx flags : vnmi ept vmx\n";
	struct nr_cpuinfo ci;

	(void)state;
	assert_int_equal(nr_cpuinfo_parse(s, strlen(s), &ci), 0);
	assert_int_equal(ci.has_vmx, NR_TRI_FALSE);
	assert_int_equal(ci.has_svm, NR_TRI_FALSE);
	assert_int_equal(ci.has_hypervisor, NR_TRI_FALSE);
}

static void test_empty_and_junk(void **state)
{
	struct nr_cpuinfo ci;
	unsigned char junk[4096];
	uint32_t x = 2463534242u;

	(void)state;
	assert_int_equal(nr_cpuinfo_parse("", 0, &ci), -EINVAL);
	assert_string_equal(ci.arch_hint, "");
	assert_int_equal(ci.has_vmx, NR_TRI_UNKNOWN);
	assert_int_equal(nr_cpuinfo_parse(NULL, 0, &ci), -EINVAL);
	for (int round = 0; round < 200; round++) {
		for (size_t i = 0; i < sizeof(junk); i++) {
			x ^= x << 13, x ^= x >> 17, x ^= x << 5; /* xorshift32 */
			junk[i] = (unsigned char)x;
			if (round % 2 && junk[i] % 7 == 0)
				junk[i] = (i % 3) ? ':' : '\n';
		}
		(void)nr_cpuinfo_parse((const char *)junk, sizeof(junk), &ci);
		assert_true(strlen(ci.vendor) < sizeof(ci.vendor));
	}
}

/* Values longer than the fields are cut, on a character boundary, and
 * the result is still valid, printable text. */
static void test_long_values(void **state)
{
	char buf[2048];
	struct nr_cpuinfo ci;
	size_t n = 0;

	(void)state;
	n += (size_t)snprintf(buf + n, sizeof(buf) - n, "vendor_id : ");
	for (int i = 0; i < 100; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "\xc3\xa9"); /* é */
	n += (size_t)snprintf(buf + n, sizeof(buf) - n, "\nmodel name : ");
	for (int i = 0; i < 300; i++)
		buf[n++] = 'M';
	buf[n] = '\0';
	assert_int_equal(nr_cpuinfo_parse(buf, n, &ci), 0);
	assert_int_equal(strlen(ci.vendor), 62); /* 31 whole "é" of 2 bytes */
	assert_int_equal(strlen(ci.model), sizeof(ci.model) - 1);
}

/* NUL bytes and controls inside values become '?', they do not cut the
 * line; a value without a final newline is still read. */
static void test_nul_and_no_newline(void **state)
{
	const char s[] = "vendor_id\t: Genuine\0Intel\x01\nmodel name\t: Last line";
	struct nr_cpuinfo ci;

	(void)state;
	assert_int_equal(nr_cpuinfo_parse(s, sizeof(s) - 1, &ci), 0);
	assert_string_equal(ci.vendor, "Genuine?Intel?");
	assert_string_equal(ci.model, "Last line");
}

/* Invalid UTF-8 (stray bytes, overlong forms, surrogates, a sequence
 * cut by the end of the value) becomes '?'; valid multibyte text stays. */
static void test_invalid_utf8(void **state)
{
	const char *s = "vendor_id : a\xff\xc0\xaf\xed\xa0\x80\xe2\x82\xac\xf0\x9f\x98\x80\n"
	                "model name : x\xe2\x82";
	struct nr_cpuinfo ci;

	(void)state;
	assert_int_equal(nr_cpuinfo_parse(s, strlen(s), &ci), 0);
	/* \xff, \xc0 \xaf, \xed \xa0 \x80: one '?' per bad byte; € and 😀 kept */
	assert_string_equal(ci.vendor, "a??????\xe2\x82\xac\xf0\x9f\x98\x80");
	assert_string_equal(ci.model, "x??");
}

/* CRLF line ends (a cpuinfo pasted through Windows) parse the same. */
static void test_crlf(void **state)
{
	const char *s = "processor : 0\r\nvendor_id : AuthenticAMD\r\nflags : fpu svm\r\n";
	struct nr_cpuinfo ci;

	(void)state;
	assert_int_equal(nr_cpuinfo_parse(s, strlen(s), &ci), 0);
	assert_string_equal(ci.vendor, "AuthenticAMD");
	assert_int_equal(ci.has_svm, NR_TRI_TRUE);
	assert_int_equal(ci.ncpus, 1);
}

/* mips: the last architecture in arch_hint's list has no real fixture;
 * this is the shape of a MIPS 24Kc (OpenWrt) cpuinfo. */
static void test_mips_shape(void **state)
{
	const char *s = "system type\t\t: Atheros AR9344 rev 2\n"
	                "machine\t\t\t: TP-LINK TL-WDR3600/4300/4310\n"
	                "processor\t\t: 0\n"
	                "cpu model\t\t: MIPS 74Kc V5.0\n"
	                "isa\t\t\t: mips1 mips2 mips32r1 mips32r2\n";
	struct nr_cpuinfo ci;

	(void)state;
	assert_int_equal(nr_cpuinfo_parse(s, strlen(s), &ci), 0);
	assert_string_equal(ci.arch_hint, "mips");
	assert_string_equal(ci.model, "MIPS 74Kc V5.0");
	assert_string_equal(ci.machine, "Atheros AR9344 rev 2");
	assert_int_equal(ci.ncpus, 1);
}

/* Architectures the shared set lacks, each in the shape its kernel's
 * show_cpuinfo() prints (written here, modelled on util-linux's lscpu
 * dumps where it has them: ia64, i386, sparc64 T1).  The family is that
 * architecture's, or unknown where we have none: never another one. */
static const struct shape {
	const char *what;
	const char *text;
	const char *arch, *uname, *model, *vendor;
} shapes[] = {
	/* ia64's "features" line once made it s390. */
	{ "ia64 rx1620",
	  "processor  : 0\nvendor     : GenuineIntel\narch       : IA-64\nfamily     : Itanium 2\n"
	  "model      : 2\nrevision   : 1\narchrev    : 0\nfeatures   : branchlong\n"
	  "cpu number : 0\ncpu regs   : 4\ncpu MHz    : 1599.000967\nitc MHz    : 1599.967674\n"
	  "BogoMIPS   : 2392.06\nsiblings   : 1\n",
	  "ia64", "ia64", "Itanium 2", "GenuineIntel" },
	{ "ia64 9040",
	  "processor  : 0\nvendor     : GenuineIntel\narch       : IA-64\nfamily     : 32\n"
	  "model      : 0\nmodel name : Dual-Core Intel(R) Itanium(R) Processor 9040\n"
	  "features   : branchlong, 16-byte atomic ops\ncpu regs   : 4\n",
	  "ia64", "ia64", "Dual-Core Intel(R) Itanium(R) Processor 9040", "GenuineIntel" },
	{ "alpha EV67",
	  "cpu\t\t\t: Alpha\ncpu model\t\t: EV67\ncpu variation\t\t: 7\ncpu revision\t\t: 0\n"
	  "cpu serial number\t: \nsystem type\t\t: Tsunami\nsystem variation\t: Clipper\n"
	  "cycle frequency [Hz]\t: 667000000 est.\nBogoMIPS\t\t: 1332.74\n"
	  "platform string\t\t: Compaq AlphaServer ES40\ncpus detected\t\t: 2\n",
	  "alpha", "alpha", "EV67", "" },
	{ "mips 1004Kc",
	  "system type\t\t: MediaTek MT7621 ver:1 eco:3\nmachine\t\t\t: Ubiquiti EdgeRouter X\n"
	  "processor\t\t: 0\ncpu model\t\t: MIPS 1004Kc V2.15\nBogoMIPS\t\t: 586.13\n"
	  "wait instruction\t: yes\nmicrosecond timers\t: yes\ntlb_entries\t\t: 32\n"
	  "ASEs implemented\t: mips16 dsp mt\n",
	  "mips", "", "MIPS 1004Kc V2.15", "" },
	/* A 32-bit x86 kernel names the machine after the CPU family. */
	{ "i386 Xen PV",
	  "processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 23\n"
	  "model name\t: Intel(R) Xeon(R) CPU           L5420  @ 2.50GHz\nfdiv_bug\t: no\n"
	  "hlt_bug\t\t: no\nf00f_bug\t: no\ncoma_bug\t: no\nfpu\t\t: yes\nfpu_exception\t: yes\n"
	  "cpuid level\t: 10\nwp\t\t: yes\nflags\t\t: fpu tsc msr pae vmx lm\n",
	  "x86", "i686", "Intel(R) Xeon(R) CPU           L5420  @ 2.50GHz", "GenuineIntel" },
	{ "i486",
	  "processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 4\nf00f_bug\t: no\n"
	  "fpu_exception\t: yes\ncpuid level\t: 1\nflags\t\t: fpu vme\n",
	  "x86", "i486", "", "GenuineIntel" },
	{ "sparc32 sun4m",
	  "cpu\t\t: Fujitsu  MB86904\nfpu\t\t: Fujitsu MB86904 or Sun Microsystems SPARC\n"
	  "promlib\t\t: Version 3 Revision 2\nprom\t\t: 2.25\ntype\t\t: sun4m\n"
	  "ncpus probed\t: 1\nncpus active\t: 1\nCpu0Bogo\t: 109.77\nMMU type\t: Fujitsu Swift\n",
	  "sparc", "sparc", "Fujitsu  MB86904", "" },
	{ "sparc64 T1",
	  "cpu\t\t: UltraSparc T1 (Niagara)\nfpu\t\t: UltraSparc T1 integrated FPU\npmu\t\t: niagara\n"
	  "prom\t\t: OBP 4.30.4.b 2010/07/09 13:43\ntype\t\t: sun4v\nncpus probed\t: 24\n"
	  "ncpus active\t: 24\nMMU Type\t: Hypervisor (sun4v)\n",
	  "sparc", "sparc64", "UltraSparc T1 (Niagara)", "" },
	/* 32-bit arm other than v7: no machine name (armv5tejl is not in
	 * its "(v5l)"). */
	{ "armv5",
	  "Processor\t: ARM926EJ-S rev 5 (v5l)\nBogoMIPS\t: 226.09\nFeatures\t: swp half thumb\n"
	  "CPU implementer\t: 0x41\nCPU architecture: 5TEJ\nHardware\t: Marvell SheevaPlug\n",
	  "arm", "", "ARM926EJ-S rev 5 (v5l)", "0x41" },
	/* Look-alike keys of architectures with no family here. */
	{ "parisc",
	  "processor\t: 0\ncpu family\t: PA-RISC 2.0\ncpu\t\t: PA8800 (Mako)\n"
	  "capabilities\t: os64 iopdir_fdc nva_supported (0x05)\nmodel\t\t: 9000/800/rp3440\n"
	  "hversion\t: 0x00008910\nsversion\t: 0x00000491\nbogomips\t: 1598.02\nsoftware id\t: 1\n",
	  "", "", "PA8800 (Mako)", "" },
	{ "sh4",
	  "machine\t\t: RTS7751R2D\nprocessor\t: 0\ncpu family\t: sh4\ncpu type\t: SH7751R\n"
	  "cut\t\t: unknown\ncpu flags\t: fpu ptea\ncache type\t: split (harvard)\n",
	  "", "", "", "" },
	{ "m68k",
	  "CPU:\t\t68040\nMMU:\t\t68040\nFPU:\t\t68040\nClocking:\t24.8MHz\n"
	  "BogoMips:\t16.46\nCalibration:\t82304 loops\n",
	  "", "", "", "" },
	{ "UML",
	  "processor\t: 0\nvendor_id\t: User Mode Linux\nmodel name\t: UML\nmode\t\t: skas\n"
	  "host\t\t: Linux host 6.1.0 x86_64\nfpu\t\t: yes\nflags\t\t: fpu vme de pse tsc\n",
	  "", "", "UML", "User Mode Linux" },
	/* Clues of two architectures: no answer rather than either. */
	{ "x86 and s390 mixed",
	  "vendor_id\t: IBM/S390\n# processors    : 2\ncpuid level\t: 13\nflags\t\t: fpu vmx\n",
	  "", "", "", "IBM/S390" },
};

static void test_other_shapes(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		const struct shape *sh = &shapes[i];
		struct nr_cpuinfo ci;

		print_message("  %s\n", sh->what);
		assert_int_equal(nr_cpuinfo_parse(sh->text, strlen(sh->text), &ci), 0);
		assert_string_equal(ci.arch_hint, sh->arch);
		assert_string_equal(ci.machine_name, sh->uname);
		assert_string_equal(ci.model, sh->model);
		assert_string_equal(ci.vendor, sh->vendor);
		/* No family, no flags believed: "vmx" of a mixed shape is no fact. */
		if (!sh->arch[0])
			assert_int_equal(ci.has_vmx, NR_TRI_UNKNOWN);
	}
}

#define NMACHINES (sizeof(expected) / sizeof(expected[0]))

int main(void)
{
	const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_table_covers_every_machine),
		cmocka_unit_test(test_truncated_everywhere),
		cmocka_unit_test(test_truncated_flags),
		cmocka_unit_test(test_local_kvm_guest),
		cmocka_unit_test(test_flag_tokens),
		cmocka_unit_test(test_empty_and_junk),
		cmocka_unit_test(test_long_values),
		cmocka_unit_test(test_nul_and_no_newline),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_mips_shape),
		cmocka_unit_test(test_other_shapes),
	};
	struct CMUnitTest tests[NMACHINES + sizeof(fixed) / sizeof(fixed[0])];
	size_t n = 0;

	for (size_t i = 0; i < NMACHINES; i++) {
		struct CMUnitTest t = cmocka_unit_test_prestate(test_real_machine,
		                                                (void *)&expected[i]);

		t.name = expected[i].machine;
		tests[n++] = t;
	}
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		tests[n++] = fixed[i];
	return _cmocka_run_group_tests("cpuinfo", tests, n, NULL, NULL);
}
