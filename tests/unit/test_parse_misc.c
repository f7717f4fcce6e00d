/* SPDX-License-Identifier: MIT */
/* nr_modparam_bool on values read from this machine's /sys/module, and
 * nr_version_extract on real `qemu-system-x86_64 --version`,
 * `libvirtd --version` and `virsh version` output. */
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

#define TRI(s) nr_modparam_bool((s), sizeof(s) - 1)

/* ---- module parameters --------------------------------------------------- */

static enum nr_tri modparam_fixture(const char *name)
{
	char path[96];
	size_t len = 0;
	char *buf;
	enum nr_tri t;

	snprintf(path, sizeof(path), "modparam/%s", name);
	buf = nr_test_local_file(path, &len);
	assert_non_null(buf);
	t = nr_modparam_bool(buf, len);
	free(buf);
	return t;
}

/* Captured from /sys/module/kvm/parameters on this machine. */
static void test_modparam_captured(void **state)
{
	(void)state;
	assert_int_equal(modparam_fixture("kvm.eager_page_split"), NR_TRI_TRUE);     /* "Y\n" */
	assert_int_equal(modparam_fixture("kvm.enable_pmu"), NR_TRI_FALSE);          /* "N\n" */
	assert_int_equal(modparam_fixture("kvm.force_emulation_prefix"), NR_TRI_FALSE); /* "0\n" */
	assert_int_equal(modparam_fixture("kvm.debugctl_per_entry"), NR_TRI_UNKNOWN); /* "-1\n" */
	assert_int_equal(modparam_fixture("kvm.halt_poll_ns"), NR_TRI_UNKNOWN);      /* "200000\n" */
}

static void test_modparam_values(void **state)
{
	(void)state;
	assert_int_equal(TRI("Y"), NR_TRI_TRUE);
	assert_int_equal(TRI("y"), NR_TRI_TRUE);
	assert_int_equal(TRI("1\n"), NR_TRI_TRUE);
	assert_int_equal(TRI("Y \t\r\n"), NR_TRI_TRUE);
	assert_int_equal(TRI("N"), NR_TRI_FALSE);
	assert_int_equal(TRI("n\n"), NR_TRI_FALSE);
	assert_int_equal(TRI("0\n"), NR_TRI_FALSE);
	assert_int_equal(TRI("-1\n"), NR_TRI_UNKNOWN);
	assert_int_equal(TRI("auto\n"), NR_TRI_UNKNOWN);
	assert_int_equal(TRI("Yes\n"), NR_TRI_UNKNOWN);
	assert_int_equal(TRI("YN"), NR_TRI_UNKNOWN);
	assert_int_equal(TRI(" Y\n"), NR_TRI_UNKNOWN);
	assert_int_equal(TRI("2"), NR_TRI_UNKNOWN);
}

static void test_modparam_bad_input(void **state)
{
	unsigned char all[256];

	(void)state;
	assert_int_equal(nr_modparam_bool("", 0), NR_TRI_UNKNOWN);
	assert_int_equal(nr_modparam_bool(NULL, 0), NR_TRI_UNKNOWN);
	assert_int_equal(nr_modparam_bool(NULL, 5), NR_TRI_UNKNOWN);
	assert_int_equal(TRI("\n\n"), NR_TRI_UNKNOWN);
	assert_int_equal(TRI("Y\0"), NR_TRI_UNKNOWN);   /* NUL is not whitespace */
	assert_int_equal(TRI("\0Y"), NR_TRI_UNKNOWN);
	/* len is honoured: the byte after it is never looked at. */
	assert_int_equal(nr_modparam_bool("YN", 1), NR_TRI_TRUE);
	for (int i = 0; i < 256; i++)
		all[i] = (unsigned char)i;
	assert_int_equal(nr_modparam_bool((const char *)all, sizeof(all)), NR_TRI_UNKNOWN);
	for (int i = 0; i < 256; i++) {
		enum nr_tri t = nr_modparam_bool((const char *)&all[i], 1);

		assert_true(t == NR_TRI_UNKNOWN || strchr("YyNn01", i));
	}
}

/* ---- versions ------------------------------------------------------------- */

static char *version_fixture(const char *name, size_t *len)
{
	char path[96];
	char *buf;

	snprintf(path, sizeof(path), "version/%s", name);
	buf = nr_test_local_file(path, len);
	assert_non_null(buf);
	return buf;
}

static void expect_version(const char *file, const char *prefix, const char *want)
{
	size_t len = 0;
	char *buf = version_fixture(file, &len);
	char out[32];

	assert_int_equal(nr_version_extract(buf, len, prefix, out, sizeof(out)), 0);
	assert_string_equal(out, want);
	free(buf);
}

/* Captured on this machine (Debian 12, QEMU 7.2 and libvirt 9.0 packages). */
static void test_version_captured(void **state)
{
	(void)state;
	expect_version("qemu-system-x86_64--version.txt", "QEMU emulator version", "7.2.22");
	expect_version("libvirtd--version.txt", "libvirtd (libvirt)", "9.0.0");
	expect_version("virsh--version.txt", NULL, "9.0.0");
	expect_version("virsh--version.txt", "", "9.0.0");
	expect_version("virsh-version-test-driver.txt", "Using library: libvirt", "9.0.0");
	expect_version("virsh-version-test-driver.txt", "Compiled against library: libvirt", "9.0.0");
	expect_version("virsh-version-test-driver.txt", "Running hypervisor: TEST", "0.0.2");
}

static void test_version_known_banners(void **state)
{
	static const struct {
		const char *text, *prefix, *want;
	} cases[] = {
		{ "QEMU emulator version 7.2.19 (Debian 1:7.2+dfsg-7+deb12u18)\n"
		  "Copyright (c) 2003-2022 Fabrice Bellard and the QEMU Project developers\n",
		  "QEMU emulator version", "7.2.19" },
		{ "QEMU emulator version 1.4.1, Copyright (c) 2003-2008 Fabrice Bellard\n",
		  "QEMU emulator version", "1.4.1" },
		{ "QEMU emulator version 8.2.0 (qemu-kvm-8.2.0-11.el9_4.6)\n",
		  "QEMU emulator version", "8.2.0" },
		{ "Compiled against library: libvirt 9.0.0\nUsing library: libvirt 9.0.0\n"
		  "Using API: QEMU 9.0.0\nRunning hypervisor: QEMU 7.2.22\n",
		  "Running hypervisor: QEMU", "7.2.22" },
		{ "  Using library: libvirt 10.0.0\n", "Using library: libvirt", "10.0.0" },
		{ "QEMU emulator version 1.4.1.\n", "QEMU emulator version", "1.4.1" },
		/* The first line with prefix AND a version counts. */
		{ "QEMU emulator version unknown\nQEMU emulator version 6.2.0\n",
		  "QEMU emulator version", "6.2.0" },
		{ "libvirtd (libvirt) 9.0.0", "libvirtd (libvirt)", "9.0.0" }, /* no newline */
		{ "QEMU emulator version 7.2", "QEMU emulator version", "7.2" }, /* cut */
	};
	char out[32];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(nr_version_extract(cases[i].text, strlen(cases[i].text),
		                                    cases[i].prefix, out, sizeof(out)), 0);
		assert_string_equal(out, cases[i].want);
	}
}

/* A NUL inside ends the version; it does not end the buffer. */
static void test_version_nul_inside(void **state)
{
	const char s[] = "\0\0junk\nQEMU emulator version 7\0.2\n";
	char out[32];

	(void)state;
	assert_int_equal(nr_version_extract(s, sizeof(s) - 1, "QEMU emulator version", out,
	                                    sizeof(out)), 0);
	assert_string_equal(out, "7");
}

static void test_version_not_found(void **state)
{
	static const struct {
		const char *text, *prefix;
	} cases[] = {
		{ "", "QEMU emulator version" },
		{ "bash: qemu-system-x86_64: command not found\n", "QEMU emulator version" },
		{ "foo QEMU emulator version 1.2\n", "QEMU emulator version" }, /* not line start */
		{ "QEMU emulator vers", "QEMU emulator version" },               /* cut */
		{ "QEMU emulator version\n7.2.0\n", "QEMU emulator version" },
		{ "QEMU emulator version .5\n", "QEMU emulator version" },
		{ "error: failed to connect to the hypervisor\n", NULL },
	};
	char out[32];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memcpy(out, "junk", 5);
		assert_int_equal(nr_version_extract(cases[i].text, strlen(cases[i].text),
		                                    cases[i].prefix, out, sizeof(out)), -EINVAL);
		assert_string_equal(out, "");
	}
	assert_int_equal(nr_version_extract(NULL, 0, "x", out, sizeof(out)), -EINVAL);
}

/* A version that does not fit is refused, not cut: "7.2" from "7.2.22"
 * would be a wrong fact. */
static void test_version_no_room(void **state)
{
	const char *s = "QEMU emulator version 7.2.22\n";
	char out[8], big[2048];
	size_t n;

	(void)state;
	assert_int_equal(nr_version_extract(s, strlen(s), "QEMU emulator version", out, 6), -ENOSPC);
	assert_string_equal(out, "");
	assert_int_equal(nr_version_extract(s, strlen(s), "QEMU emulator version", out, 7), 0);
	assert_string_equal(out, "7.2.22");
	assert_int_equal(nr_version_extract(s, strlen(s), "QEMU emulator version", NULL, 7), -EINVAL);
	assert_int_equal(nr_version_extract(s, strlen(s), "QEMU emulator version", out, 0), -EINVAL);
	n = (size_t)snprintf(big, sizeof(big), "libvirtd (libvirt) ");
	memset(big + n, '9', sizeof(big) - n);
	assert_int_equal(nr_version_extract(big, sizeof(big), "libvirtd (libvirt)", out,
	                                    sizeof(out)), -ENOSPC);
}

static void test_version_junk(void **state)
{
	unsigned char junk[4096];
	uint32_t x = 521288629u;
	char out[16];

	(void)state;
	for (int round = 0; round < 200; round++) {
		for (size_t i = 0; i < sizeof(junk); i++) {
			x ^= x << 13, x ^= x >> 17, x ^= x << 5;
			junk[i] = round % 2 ? (unsigned char)"0123456789.\n "[x % 13] : (unsigned char)x;
		}
		(void)nr_version_extract((const char *)junk, sizeof(junk), NULL, out, sizeof(out));
		assert_true(strlen(out) < sizeof(out));
		(void)nr_version_extract((const char *)junk, sizeof(junk), "1", out, sizeof(out));
		assert_true(strlen(out) < sizeof(out));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_modparam_captured),
		cmocka_unit_test(test_modparam_values),
		cmocka_unit_test(test_modparam_bad_input),
		cmocka_unit_test(test_version_captured),
		cmocka_unit_test(test_version_known_banners),
		cmocka_unit_test(test_version_nul_inside),
		cmocka_unit_test(test_version_not_found),
		cmocka_unit_test(test_version_no_room),
		cmocka_unit_test(test_version_junk),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
