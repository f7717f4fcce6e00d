/* SPDX-License-Identifier: MIT */
/* nr_version_compare and friends on the version strings the findings meet:
 * kernel releases with distribution suffixes, QEMU's rc numbering, libvirt. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>

#include "util/version_cmp.h"

static int cmp(const char *a, const char *b)
{
	int c = 99;

	assert_int_equal(nr_version_compare(a, b, &c), 0);
	return c;
}

static void test_compare_order(void **state)
{
	(void)state;
	assert_true(cmp("4.18.0-305.el8.x86_64", "4.19") < 0);
	assert_true(cmp("4.19", "4.19.0") == 0);
	assert_true(cmp("4.20.0", "4.19") > 0);
	assert_true(cmp("5.10.0-18-amd64", "5.3") > 0);     /* 10 > 3: numeric, not text */
	assert_true(cmp("5.2.21", "5.3") < 0);
	assert_true(cmp("6.1.0-18-amd64", "6.1.0-20-amd64") == 0); /* suffix ignored */
	assert_true(cmp("4.1.92", "4.2") < 0);               /* QEMU 4.2.0-rc2 */
	assert_true(cmp("4.2.0", "4.2") == 0);
	assert_true(cmp("10.0", "9.2.1") > 0);
	assert_true(cmp("5", "5.3") < 0);
	assert_true(cmp("5.3.", "5.3") == 0);                /* a dot without a digit ends it */
	assert_true(cmp("1.2.3.4.5", "1.2.3.4") == 0);       /* parts past the fourth ignored */
}

static void test_not_versions(void **state)
{
	int c = 42;

	(void)state;
	assert_int_equal(nr_version_compare("", "5.3", &c), -EINVAL);
	assert_int_equal(nr_version_compare("v5.3", "5.3", &c), -EINVAL);
	assert_int_equal(nr_version_compare("5.3", NULL, &c), -EINVAL);
	assert_int_equal(nr_version_compare(NULL, "5.3", &c), -EINVAL);
	assert_int_equal(nr_version_compare("1234567890.1", "5.3", &c), -EINVAL); /* 10 digits */
	assert_int_equal(c, 42);                                                  /* untouched */
	assert_int_equal(nr_version_older("unknown", "5.3"), -1);
	assert_int_equal(nr_version_same_series("6.1", "-"), -1);
}

static void test_parse_parts(void **state)
{
	unsigned long p[NR_VERSION_PARTS];

	(void)state;
	assert_int_equal(nr_version_parse("4.18.0-305.el8", p), 3);
	assert_int_equal(p[0], 4);
	assert_int_equal(p[1], 18);
	assert_int_equal(p[2], 0);
	assert_int_equal(p[3], 0);
	assert_int_equal(nr_version_parse("7", p), 1);
	assert_int_equal(nr_version_parse("999999999.1", p), 2);   /* 9 digits is fine */
	assert_int_equal(p[0], 999999999UL);
}

static void test_older_and_series(void **state)
{
	(void)state;
	assert_int_equal(nr_version_older("5.2.0", "5.3"), 1);
	assert_int_equal(nr_version_older("5.3.0", "5.3"), 0);
	assert_int_equal(nr_version_older("6.1.0-18-amd64", "5.3"), 0);
	assert_int_equal(nr_version_same_series("6.1.0-18-amd64", "6.1.0-20-amd64"), 1);
	assert_int_equal(nr_version_same_series("6.1.0", "6.10.0"), 0);
	assert_int_equal(nr_version_same_series("7.2.19", "7.2.22"), 1);
	assert_int_equal(nr_version_same_series("9.0.0", "8.0.0"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compare_order),
		cmocka_unit_test(test_not_versions),
		cmocka_unit_test(test_parse_parts),
		cmocka_unit_test(test_older_and_series),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
