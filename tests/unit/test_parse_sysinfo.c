/* SPDX-License-Identifier: MIT */
/* nr_sysinfo_parse on the four real s390 machines, on written nested
 * stacks, and on bad input. */
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

static char *real_sysinfo(const char *machine, size_t *len)
{
	char *buf = nr_test_fixture_read(machine, "proc/sysinfo", len);

	assert_non_null(buf);
	return buf;
}

/* A KVM guest: one level above it, KVM/Linux, inside LPAR R17LP39.  The
 * real dump has a single VMnn block (VM00), not several. */
static void test_s390_kvm(void **state)
{
	size_t len = 0;
	char *buf;
	struct nr_sysinfo si;

	(void)state;
	NR_TEST_NEED_SHARED();
	buf = real_sysinfo("s390-kvm", &len);
	assert_int_equal(nr_sysinfo_parse(buf, len, &si), 0);
	assert_string_equal(si.manufacturer, "IBM");
	assert_string_equal(si.type, "2817");
	assert_true(si.has_lpar);
	assert_string_equal(si.lpar_name, "R17LP39");
	assert_int_equal(si.lpar_number, 41);
	assert_int_equal(si.vm_count, 1);
	assert_int_equal(si.vm[0].index, 0);
	assert_string_equal(si.vm[0].name, "KVMguest");
	assert_string_equal(si.vm[0].control_program, "KVM/Linux");
	free(buf);
}

/* A z/VM guest: "z/VM    6.1.0" is collapsed to one space. */
static void test_s390_zvm(void **state)
{
	size_t len = 0;
	char *buf;
	struct nr_sysinfo si;

	(void)state;
	NR_TEST_NEED_SHARED();
	buf = real_sysinfo("s390-zvm", &len);
	assert_int_equal(nr_sysinfo_parse(buf, len, &si), 0);
	assert_string_equal(si.type, "2817");
	assert_string_equal(si.lpar_name, "R17LP45");
	assert_int_equal(si.lpar_number, 47);
	assert_int_equal(si.vm_count, 1);
	assert_string_equal(si.vm[0].name, "R1745003");
	assert_string_equal(si.vm[0].control_program, "z/VM 6.1.0");
	free(buf);
}

static void check_lpar_only(const char *machine, const char *type, const char *lpar, int number)
{
	size_t len = 0;
	char *buf = real_sysinfo(machine, &len);
	struct nr_sysinfo si;

	assert_int_equal(nr_sysinfo_parse(buf, len, &si), 0);
	assert_string_equal(si.manufacturer, "IBM");
	assert_string_equal(si.type, type);
	assert_true(si.has_lpar);
	assert_string_equal(si.lpar_name, lpar);
	assert_int_equal(si.lpar_number, number);
	assert_int_equal(si.vm_count, 0);
	free(buf);
}

/* Linux straight in an LPAR: no VM level at all. */
static void test_s390_lpar(void **state)
{
	(void)state;
	NR_TEST_NEED_SHARED();
	check_lpar_only("s390-lpar", "2817", "R35LP37", 39);
}

static void test_s390_lpar_drawer(void **state)
{
	(void)state;
	NR_TEST_NEED_SHARED();
	check_lpar_only("s390-lpar-drawer", "2964", "S35LP67", 71);
}

/* Written from the s390-kvm dump plus a second level (the kernel's
 * VM%02d format): an L2 KVM guest whose L1 runs in z/VM. */
static void test_kvm_in_zvm(void **state)
{
	size_t len = 0;
	char *buf = nr_test_local_file("sysinfo/s390-kvm-in-zvm.txt", &len);
	struct nr_sysinfo si;

	(void)state;
	assert_non_null(buf);
	assert_int_equal(nr_sysinfo_parse(buf, len, &si), 0);
	assert_int_equal(si.vm_count, 2);
	assert_int_equal(si.vm[0].index, 0);
	assert_string_equal(si.vm[0].name, "L2GUEST");
	assert_string_equal(si.vm[0].control_program, "KVM/Linux");
	assert_int_equal(si.vm[1].index, 1);
	assert_string_equal(si.vm[1].name, "LINUXL1");
	assert_string_equal(si.vm[1].control_program, "z/VM 7.3.0");
	free(buf);
}

/* KVM on KVM on LPAR: the kernel doc's four-level s390 stack. */
static void test_kvm_in_kvm(void **state)
{
	size_t len = 0;
	char *buf = nr_test_local_file("sysinfo/s390-kvm-in-kvm.txt", &len);
	struct nr_sysinfo si;

	(void)state;
	assert_non_null(buf);
	assert_int_equal(nr_sysinfo_parse(buf, len, &si), 0);
	assert_true(si.has_lpar);
	assert_int_equal(si.vm_count, 2);
	assert_string_equal(si.vm[0].control_program, "KVM/Linux");
	assert_string_equal(si.vm[1].control_program, "KVM/Linux");
	assert_string_equal(si.vm[1].name, "L2HYP");
	free(buf);
}

/* Blocks out of order are sorted; more than NR_SYSINFO_MAX_VM are
 * capped; a VM key without digits or with a huge index is not a VM. */
static void test_order_and_cap(void **state)
{
	char buf[4096];
	size_t n = 0;
	struct nr_sysinfo si;

	(void)state;
	for (int i = 9; i >= 0; i--)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n,
		                      "VM%02d Name: G%d\nVM%02d Control Program: CP%d\n", i, i, i, i);
	n += (size_t)snprintf(buf + n, sizeof(buf) - n, "VM Name: x\nVM12345 Name: y\n");
	assert_int_equal(nr_sysinfo_parse(buf, n, &si), 0);
	assert_int_equal(si.vm_count, NR_SYSINFO_MAX_VM);
	for (int i = 1; i < si.vm_count; i++)
		assert_true(si.vm[i - 1].index < si.vm[i].index);
	/* The first 8 seen were 9..2. */
	assert_int_equal(si.vm[0].index, 2);
	assert_string_equal(si.vm[0].control_program, "CP2");
	assert_false(si.has_lpar);
	assert_int_equal(si.lpar_number, -1);
}

static void test_truncated_everywhere(void **state)
{
	size_t len = 0;
	char *buf;

	(void)state;
	NR_TEST_NEED_SHARED();
	buf = real_sysinfo("s390-zvm", &len);
	for (size_t cut = 0; cut <= len; cut++) {
		char *copy = malloc(cut ? cut : 1);
		struct nr_sysinfo si;

		memcpy(copy, buf, cut);
		(void)nr_sysinfo_parse(copy, cut, &si);
		assert_true(si.vm_count >= 0 && si.vm_count <= 1);
		free(copy);
	}
	free(buf);
}

/* Cut in the middle of "VM00 Control Program: z/VM": the VM is there,
 * its control program is what was read. */
static void test_truncated_vm_block(void **state)
{
	const char *s = "LPAR Number: 7\nVM00 Name: A\nVM00 Control Program: z/V";
	struct nr_sysinfo si;

	(void)state;
	assert_int_equal(nr_sysinfo_parse(s, strlen(s), &si), 0);
	assert_int_equal(si.lpar_number, 7);
	assert_int_equal(si.vm_count, 1);
	assert_string_equal(si.vm[0].control_program, "z/V");
}

static void test_bad_input(void **state)
{
	unsigned char junk[4096];
	uint32_t x = 123456789u;
	char long_line[512];
	struct nr_sysinfo si;
	const char nul[] = "Manufacturer: I\0M\nLPAR Number: 4\0 1\nVM00 Name: \x7f\x80";

	(void)state;
	assert_int_equal(nr_sysinfo_parse("", 0, &si), -EINVAL);
	assert_int_equal(nr_sysinfo_parse(NULL, 0, &si), -EINVAL);
	assert_int_equal(si.lpar_number, -1);
	for (int round = 0; round < 100; round++) {
		for (size_t i = 0; i < sizeof(junk); i++) {
			x ^= x << 13, x ^= x >> 17, x ^= x << 5;
			junk[i] = (unsigned char)x;
		}
		(void)nr_sysinfo_parse((const char *)junk, sizeof(junk), &si);
		assert_true(si.vm_count >= 0 && si.vm_count <= NR_SYSINFO_MAX_VM);
	}
	memset(long_line, 'Z', sizeof(long_line));
	memcpy(long_line, "VM00 Name: ", 11);
	assert_int_equal(nr_sysinfo_parse(long_line, sizeof(long_line), &si), 0);
	assert_int_equal(strlen(si.vm[0].name), sizeof(si.vm[0].name) - 1);
	assert_int_equal(nr_sysinfo_parse(nul, sizeof(nul) - 1, &si), 0);
	assert_string_equal(si.manufacturer, "I?M");
	assert_int_equal(si.lpar_number, -1);
	assert_string_equal(si.vm[0].name, "??");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_s390_kvm),
		cmocka_unit_test(test_s390_zvm),
		cmocka_unit_test(test_s390_lpar),
		cmocka_unit_test(test_s390_lpar_drawer),
		cmocka_unit_test(test_kvm_in_zvm),
		cmocka_unit_test(test_kvm_in_kvm),
		cmocka_unit_test(test_order_and_cap),
		cmocka_unit_test(test_truncated_everywhere),
		cmocka_unit_test(test_truncated_vm_block),
		cmocka_unit_test(test_bad_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
