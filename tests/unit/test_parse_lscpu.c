/* SPDX-License-Identifier: MIT */
/* nr_lscpu_parse on what lscpu printed on the 19 real machines, on this
 * machine, in the newer tree layout, and on bad input. */
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

struct expect {
	const char *machine;
	int cpus;
	const char *vendor;
	const char *model;
	const char *hypervisor;
	const char *hyp_vendor;
	const char *virt_type;
	const char *virtualization;
	const char *dispatching;
};

/* None of these lscpu dumps has an "Architecture:" line (util-linux's
 * test dumps are taken without uname), so architecture is "" throughout. */
static const struct expect expected[] = {
	{ "x86_64-64cpu", 64, "GenuineIntel", "Intel(R) Xeon(R) CPU           X7550  @ 2.00GHz",
	  "", "", "", "VT-x", "" },
	{ "x86_64-64cpu-linux6.2", 8, "GenuineIntel",
	  "11th Gen Intel(R) Core(TM) i7-1165G7 @ 2.80GHz", "", "", "", "VT-x", "" },
	{ "x86_64-dell_e4310", 4, "GenuineIntel",
	  "Intel(R) Core(TM) i5 CPU       M 560  @ 2.67GHz", "", "", "", "VT-x", "" },
	{ "x86_64-epyc_7451", 96, "AuthenticAMD", "AMD EPYC 7451 24-Core Processor",
	  "", "", "", "AMD-V", "" },
	{ "vbox-win", 2, "GenuineIntel", "Intel(R) Core(TM) i5-3317U CPU @ 1.70GHz",
	  "", "Oracle", "full", "", "" },
	/* s390: "Model name: -" means no data and is stored as "". */
	{ "s390-kvm", 3, "IBM/S390", "", "KVM/Linux", "KVM", "full", "", "horizontal" },
	{ "s390-zvm", 4, "IBM/S390", "", "z/VM 6.1.0", "IBM", "full", "", "horizontal" },
	/* 20 CPUs while cpuinfo's "# processors" says 17: 3 are offline. */
	{ "s390-lpar", 20, "IBM/S390", "", "PR/SM", "IBM", "full", "", "vertical" },
	{ "s390-lpar-drawer", 8, "IBM/S390", "", "PR/SM", "IBM", "full", "", "horizontal" },
	/* A PowerVM LPAR, yet no Hypervisor lines: lscpu had no device tree. */
	{ "ppc64-POWER7", 16, "", "POWER7 (architected), altivec supported", "", "", "", "", "" },
	{ "ppc-qemu", 1, "", "740/750", "", "", "", "", "" },
	/* Four "Model name:" lines (big.LITTLE): the first wins. */
	{ "arm-A510-A710-A715-X3", 8, "ARM", "Cortex-A510", "", "", "", "", "" },
	{ "armv7", 2, "ARM", "Cortex-A15", "", "", "", "", "" },
	{ "rv64-linux", 2, "", "sifive,u74-mc", "", "", "", "", "" },
	{ "rv64-milkvpioneer", 64, "0x5b7", "", "", "", "", "", "" },
	{ "rv64-visionfive2", 4, "0x489", "sifive,u74-mc", "", "", "", "", "" },
	{ "loongarch-kvm_on_loongson_3c6000", 32, "", "Loongson-3A5000", "", "", "", "", "" },
	{ "loongarch-loongson_3a5000_hv", 4, "", "Loongson-3A5000-HV", "", "", "", "", "" },
	{ "sparc64", 6, "", "TI UltraSparc II  (BlackBird)", "", "", "", "", "" },
};

#define NMACHINES (sizeof(expected) / sizeof(expected[0]))

static void test_real_machine(void **state)
{
	const struct expect *e = *state;
	char name[128];
	size_t len = 0;
	char *buf;
	struct nr_lscpu ls;

	NR_TEST_NEED_SHARED();
	snprintf(name, sizeof(name), "%s.lscpu", e->machine);
	buf = nr_test_fixture_file(name, &len);
	assert_non_null(buf);
	assert_int_equal(nr_lscpu_parse(buf, len, &ls), 0);
	assert_string_equal(ls.architecture, "");
	assert_int_equal(ls.cpus, e->cpus);
	assert_string_equal(ls.vendor, e->vendor);
	assert_string_equal(ls.model_name, e->model);
	assert_string_equal(ls.hypervisor, e->hypervisor);
	assert_string_equal(ls.hypervisor_vendor, e->hyp_vendor);
	assert_string_equal(ls.virt_type, e->virt_type);
	assert_string_equal(ls.virtualization, e->virtualization);
	assert_string_equal(ls.dispatching_mode, e->dispatching);
	free(buf);
}

static void test_table_covers_every_machine(void **state)
{
	size_t n = 0;

	(void)state;
	for (const char *const *m = nr_test_real_machines; *m; m++, n++) {
		size_t i = 0;

		while (i < NMACHINES && strcmp(expected[i].machine, *m) != 0)
			i++;
		assert_true(i < NMACHINES);
	}
	assert_int_equal(n, NMACHINES);
}

/* This machine (util-linux 2.38.1): a KVM guest without VT-x/AMD-V. */
static void test_local_kvm_guest(void **state)
{
	size_t len = 0;
	char *buf = nr_test_local_file("local/lscpu-kvm-guest-amd.txt", &len);
	struct nr_lscpu ls;

	(void)state;
	assert_non_null(buf);
	assert_int_equal(nr_lscpu_parse(buf, len, &ls), 0);
	assert_string_equal(ls.architecture, "x86_64");
	assert_string_equal(ls.vendor, "AuthenticAMD");
	assert_string_equal(ls.model_name, "AMD EPYC");
	assert_string_equal(ls.hypervisor_vendor, "KVM");
	assert_string_equal(ls.virt_type, "full");
	assert_string_equal(ls.virtualization, "");
	assert_int_equal(ls.cpus, 2);
	free(buf);
}

/* util-linux 2.39+ indents keys under headings; "BIOS Model name" and
 * "Virtualization features" are other keys, not prefixes to match. */
static void test_tree_layout(void **state)
{
	size_t len = 0;
	char *buf = nr_test_local_file("lscpu/l1-kvm-guest-vtx-tree.txt", &len);
	struct nr_lscpu ls;

	(void)state;
	assert_non_null(buf);
	assert_int_equal(nr_lscpu_parse(buf, len, &ls), 0);
	assert_string_equal(ls.architecture, "x86_64");
	assert_string_equal(ls.vendor, "GenuineIntel");
	assert_string_equal(ls.model_name, "Intel Core Processor (Skylake, IBRS)");
	assert_string_equal(ls.virtualization, "VT-x");
	assert_string_equal(ls.hypervisor_vendor, "KVM");
	assert_string_equal(ls.virt_type, "full");
	assert_string_equal(ls.hypervisor, "");
	assert_int_equal(ls.cpus, 4);
	free(buf);
}

/* Every prefix of a real lscpu output, in an exact-size copy. */
static void test_truncated_everywhere(void **state)
{
	size_t len = 0;
	char *buf;

	(void)state;
	NR_TEST_NEED_SHARED();
	buf = nr_test_fixture_file("s390-zvm.lscpu", &len);
	assert_non_null(buf);
	for (size_t cut = 0; cut <= len; cut++) {
		char *copy = malloc(cut ? cut : 1);
		struct nr_lscpu ls;

		memcpy(copy, buf, cut);
		(void)nr_lscpu_parse(copy, cut, &ls);
		free(copy);
	}
	free(buf);
}

/* Cut in the middle of a value: what is there is kept, nothing invented. */
static void test_truncated_value(void **state)
{
	const char *s = "Hypervisor vendor:   KVM\nVirtualization type: fu";
	struct nr_lscpu ls;

	(void)state;
	assert_int_equal(nr_lscpu_parse(s, strlen(s), &ls), 0);
	assert_string_equal(ls.hypervisor_vendor, "KVM");
	assert_string_equal(ls.virt_type, "fu");
	assert_int_equal(nr_lscpu_parse(s, 10, &ls), -EINVAL);
}

static void test_empty_and_junk(void **state)
{
	unsigned char junk[8192];
	uint32_t x = 88172645u;
	struct nr_lscpu ls;

	(void)state;
	assert_int_equal(nr_lscpu_parse("", 0, &ls), -EINVAL);
	assert_int_equal(nr_lscpu_parse(NULL, 0, &ls), -EINVAL);
	assert_int_equal(nr_lscpu_parse("no colon here\n\n", 15, &ls), -EINVAL);
	for (int round = 0; round < 100; round++) {
		for (size_t i = 0; i < sizeof(junk); i++) {
			x ^= x << 13, x ^= x >> 17, x ^= x << 5;
			junk[i] = (unsigned char)x;
		}
		(void)nr_lscpu_parse((const char *)junk, sizeof(junk), &ls);
		assert_true(strlen(ls.hypervisor) < sizeof(ls.hypervisor));
	}
}

static void test_long_lines(void **state)
{
	char buf[4096];
	size_t n;
	struct nr_lscpu ls;

	(void)state;
	n = (size_t)snprintf(buf, sizeof(buf), "Virtualization type: ");
	memset(buf + n, 'x', 3000);
	n += 3000;
	n += (size_t)snprintf(buf + n, sizeof(buf) - n, "\nCPU(s): 99999999999999\nArchitecture: s390x");
	assert_int_equal(nr_lscpu_parse(buf, n, &ls), 0);
	assert_int_equal(strlen(ls.virt_type), sizeof(ls.virt_type) - 1);
	assert_int_equal(ls.cpus, 0); /* overflow: unknown, not wrapped */
	assert_string_equal(ls.architecture, "s390x"); /* no final newline */
}

static void test_nul_inside(void **state)
{
	const char s[] = "Hypervisor vendor: K\0M\nCPU(s): 4\0\nVendor ID: IBM/S390";
	struct nr_lscpu ls;

	(void)state;
	assert_int_equal(nr_lscpu_parse(s, sizeof(s) - 1, &ls), 0);
	assert_string_equal(ls.hypervisor_vendor, "K?M");
	assert_int_equal(ls.cpus, 0); /* "4\0" is not a number */
	assert_string_equal(ls.vendor, "IBM/S390");
}

int main(void)
{
	const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_table_covers_every_machine),
		cmocka_unit_test(test_local_kvm_guest),
		cmocka_unit_test(test_tree_layout),
		cmocka_unit_test(test_truncated_everywhere),
		cmocka_unit_test(test_truncated_value),
		cmocka_unit_test(test_empty_and_junk),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_nul_inside),
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
	return _cmocka_run_group_tests("lscpu", tests, n, NULL, NULL);
}
