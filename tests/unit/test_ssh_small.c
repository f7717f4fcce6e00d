/* SPDX-License-Identifier: MIT */
/* The readers of ssh_small.c's batched answers.
 * nr_ssh_scan_cut: `head -c CAP /dev/null FILE...` back into one piece per
 * file.  Each file's bytes come whole and capped; a file whose bytes forge
 * another's header only adds a piece (the real one is still delivered,
 * with its real start), never hides one; names we did not ask for are
 * ignored.
 * nr_ssh_regs_canon: r_regs' status lines and hex bytes back into
 * regs_text.h's form; bytes that do not add up are trusted for no
 * register. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "transport/ssh_internal.h"

#define MAX_SEEN 16

struct seen {
	size_t n;
	size_t idx[MAX_SEEN];
	char data[MAX_SEEN][128];
	size_t len[MAX_SEEN];
};

static int record(void *ud, size_t i, const char *data, size_t len)
{
	struct seen *s = ud;

	assert_true(s->n < MAX_SEEN);
	assert_true(len < sizeof(s->data[0]));
	s->idx[s->n] = i;
	memcpy(s->data[s->n], data, len);
	s->len[s->n++] = len;
	return 0;
}

static const char *const paths[] = { "/proc/1/cmdline", "/proc/22/cmdline", "/proc/333/cmdline" };

#define OUT(s) (s), sizeof(s) - 1

/* What GNU head and busybox head print for /dev/null and three files. */
static void test_cut(void **state)
{
	static const char out[] = "==> /dev/null <==\n"
	                          "\n==> /proc/1/cmdline <==\n/sbin/init\0splash"
	                          "\n==> /proc/22/cmdline <==\n"
	                          "\n==> /proc/333/cmdline <==\n/usr/bin/qemu-system-x86_64\0-name\0g1\0";
	struct seen s = { 0 };

	(void)state;
	assert_int_equal(nr_ssh_scan_cut(OUT(out), paths, 3, 100, record, &s), 0);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.idx[0], 0);
	assert_int_equal(s.len[0], 17);
	assert_memory_equal(s.data[0], "/sbin/init\0splash", 17);
	assert_int_equal(s.idx[1], 1);
	assert_int_equal(s.len[1], 0);
	assert_int_equal(s.idx[2], 2);
	assert_memory_equal(s.data[2], "/usr/bin/qemu-system-x86_64\0-name\0g1\0", 37);
}

/* Process 1 puts a header for 333 and a fake command line in its own:
 * 333 is then seen twice, and its real start is still there. */
static void test_forged_header(void **state)
{
	static const char out[] = "==> /dev/null <==\n"
	                          "\n==> /proc/1/cmdline <==\nsh\0-c\0x\n==> /proc/333/cmdline <==\nnot-qemu"
	                          "\n==> /proc/333/cmdline <==\n/usr/bin/qemu-kvm\0-m\0512\0";
	struct seen s = { 0 };
	size_t i, real = MAX_SEEN;

	(void)state;
	assert_int_equal(nr_ssh_scan_cut(OUT(out), paths, 3, 100, record, &s), 0);
	for (i = 0; i < s.n; i++)
		if (s.idx[i] == 2 && s.len[i] >= 17 && memcmp(s.data[i], "/usr/bin/qemu-kvm", 17) == 0)
			real = i;
	assert_true(real < MAX_SEEN);
	assert_int_equal(s.idx[0], 0);
}

/* Each piece is capped; a name not asked for gives nothing. */
static void test_cap_and_strangers(void **state)
{
	static const char out[] = "==> /dev/null <==\n"
	                          "\n==> /etc/shadow <==\nroot:x\n"
	                          "\n==> /proc/22/cmdline <==\n0123456789abcdef";
	struct seen s = { 0 };

	(void)state;
	assert_int_equal(nr_ssh_scan_cut(OUT(out), paths, 3, 4, record, &s), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.idx[0], 1);
	assert_int_equal(s.len[0], 4);
	assert_memory_equal(s.data[0], "0123", 4);
}

/* A header with no end, and garbage: no piece, no overread (ASan). */
static void test_truncated(void **state)
{
	static const char out[] = "==> /dev/null <==\n\n==> /proc/1/cmdl";
	struct seen s = { 0 };

	(void)state;
	assert_int_equal(nr_ssh_scan_cut(OUT(out), paths, 3, 100, record, &s), 0);
	assert_int_equal(s.n, 0);
	assert_int_equal(nr_ssh_scan_cut("==> ", 4, paths, 3, 100, record, &s), 0);
	assert_int_equal(s.n, 0);
}

static const char *canon(const char *in, size_t width)
{
	static char out[4096];
	int n = nr_ssh_regs_canon(in, strlen(in), width, out, sizeof(out) - 1);

	assert_true(n >= 0);
	out[n] = '\0';
	return out;
}

static void test_regs(void **state)
{
	(void)state;
	/* od prints 16 bytes a line, with spaces. */
	assert_string_equal(canon("0 +\n16 -5\n32 +\ndata\n 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10\n", 8),
	                    "0 0102030405060708\n16 -5\n32 090a0b0c0d0e0f10\n");
	/* Nothing read at all. */
	assert_string_equal(canon("7 -5\n8 -5\ndata\n", 8), "7 -5\n8 -5\n");
	/* A short read: 15 bytes for two registers; none is trusted. */
	assert_string_equal(canon("0 +\n8 +\ndata\n 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f\n", 8),
	                    "0 -5\n8 -5\n");
	/* Junk among the bytes, an odd digit, no data line. */
	assert_string_equal(canon("0 +\ndata\n 01 02 03 zz 05 06 07 08\n", 8), "0 -5\n");
	assert_string_equal(canon("0 +\ndata\n 01 02 03 04 05 06 07 0\n", 4), "0 -5\n");
	assert_string_equal(canon("0 +\n", 8), "0 -5\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cut),
		cmocka_unit_test(test_forged_header),
		cmocka_unit_test(test_cap_and_strangers),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_regs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
