/* SPDX-License-Identifier: MIT */
/* util/siphash.c against the SipHash paper's vectors (checked with
 * `openssl mac ... SIPHASH`), and util/strmap.c: put/find semantics, many
 * keys, and a layout that differs from one process to the next (the seed
 * is per process: this binary runs itself twice with --layout). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/siphash.h"
#include "util/strmap.h"

#define LAYOUT_KEYS 200

static void test_siphash_vectors(void **state)
{
	static const struct { size_t len; uint64_t want; } v[] = {
		{ 0, 0x726fdb47dd0e0e31ULL },   /* the reference vectors.h, first */
		{ 7, 0xab0200f58b01d137ULL },
		{ 8, 0x93f5f5799a932462ULL },   /* one whole word, then the length */
		{ 15, 0xa129ca6149be45e5ULL },  /* the paper's appendix A */
		{ 63, 0x958a324ceb064572ULL },
	};
	const struct nr_siphash_key key = { 0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL };
	unsigned char msg[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (unsigned char)i;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		assert_true(nr_siphash24(&key, msg, v[i].len) == v[i].want);
}

static void test_put_find(void **state)
{
	struct nr_strmap m = { 0 };
	char key[32];
	int i, val = 7;

	(void)state;
	assert_null(nr_strmap_find(&m, "absent"));
	assert_int_equal(nr_strmap_put(&m, "a", &val), 1);
	assert_int_equal(nr_strmap_put(&m, "a", NULL), 0);       /* kept, not replaced */
	assert_ptr_equal(nr_strmap_find(&m, "a")->val, &val);
	assert_int_equal(nr_strmap_put(&m, "", NULL), 1);        /* the empty name is a name */
	for (i = 0; i < 50000; i++) {
		snprintf(key, sizeof(key), "levels/l0/p/%d", i);
		assert_int_equal(nr_strmap_put(&m, key, NULL), 1);
	}
	assert_int_equal(m.n, 50002);
	assert_true(m.n * 2 <= m.cap);
	for (i = 0; i < 50000; i++) {
		snprintf(key, sizeof(key), "levels/l0/p/%d", i);
		assert_non_null(nr_strmap_find(&m, key));
	}
	assert_null(nr_strmap_find(&m, "levels/l0/p/50000"));
	nr_strmap_release(&m, NULL);
	assert_int_equal(m.cap, 0);
}

/* The order of LAYOUT_KEYS fixed keys in the table, as one line. */
static void print_layout(FILE *out)
{
	struct nr_strmap m = { 0 };
	char key[32];
	size_t i;

	for (i = 0; i < LAYOUT_KEYS; i++) {
		snprintf(key, sizeof(key), "k%zu", i);
		if (nr_strmap_put(&m, key, NULL) != 1)
			abort();
	}
	for (i = 0; i < m.cap; i++)
		if (m.slots[i].key)
			fprintf(out, "%s ", m.slots[i].key);
	fputc('\n', out);
	nr_strmap_release(&m, NULL);
}

static void layout_of_new_process(char *out, size_t len)
{
	char self[4096], cmd[4200];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	FILE *p;

	assert_true(n > 0);
	self[n] = '\0';
	snprintf(cmd, sizeof(cmd), "'%s' --layout", self);
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_non_null(fgets(out, (int)len, p));
	assert_int_equal(pclose(p), 0);
}

static void test_seed_per_process(void **state)
{
	static char a[8192], b[8192], here[8192];
	FILE *f = fmemopen(here, sizeof(here), "w");

	(void)state;
	assert_non_null(f);
	print_layout(f);
	fclose(f);
	layout_of_new_process(a, sizeof(a));
	layout_of_new_process(b, sizeof(b));
	/* Same keys, same table size: only the seed can tell them apart.  With
	 * 200 keys in 512 slots, equal layouts by chance are out of reach. */
	assert_true(strlen(a) > LAYOUT_KEYS * 2);
	assert_string_not_equal(a, b);
	assert_string_not_equal(a, here);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_siphash_vectors),
		cmocka_unit_test(test_put_find),
		cmocka_unit_test(test_seed_per_process),
	};

	if (argc == 2 && strcmp(argv[1], "--layout") == 0) {
		print_layout(stdout);
		return 0;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
