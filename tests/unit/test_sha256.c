/* SPDX-License-Identifier: MIT */
/* nr_sha256 (OpenSSL EVP underneath): the FIPS 180-4 / NIST CAVP
 * known-answer vectors, the same digests whatever the update sizes (every
 * split of a two-block message, byte by byte across block boundaries), the
 * one-shot form, and a hash abandoned or finalised twice. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "util/sha256.h"

struct vector {
	const char *msg;
	size_t repeat;          /* msg repeated this many times */
	const char *hex;
};

/* FIPS 180-4's examples (csrc.nist.gov "SHA256.pdf", "SHA2_Additional"):
 * one block, two blocks (448 bits: the padding spills into a second
 * block), 896 bits, the empty message, and a million 'a'. */
static const struct vector vectors[] = {
	{ "abc", 1, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
	{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1,
	  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	{ "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrs"
	  "mnopqrstnopqrstu", 1,
	  "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
	{ "", 1, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
	{ "a", 1000000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0" },
};

static void hex_of(struct nr_sha256 *s, char hex[NR_SHA256_HEX])
{
	unsigned char d[NR_SHA256_LEN];

	assert_int_equal(nr_sha256_final(s, d), 0);
	nr_sha256_hex(d, hex);
}

static void test_known_answers(void **state)
{
	char hex[NR_SHA256_HEX];
	size_t i, r;

	(void)state;
	for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		struct nr_sha256 s;

		assert_int_equal(nr_sha256_init(&s), 0);
		for (r = 0; r < vectors[i].repeat; r++)
			nr_sha256_update(&s, vectors[i].msg, strlen(vectors[i].msg));
		hex_of(&s, hex);
		assert_string_equal(hex, vectors[i].hex);
	}
}

/* The million 'a' again, in 1000-byte updates, and one-shot. */
static void test_million_a_chunked(void **state)
{
	unsigned char d[NR_SHA256_LEN];
	char hex[NR_SHA256_HEX], *a = malloc(1000000);
	struct nr_sha256 s;
	size_t i;

	(void)state;
	assert_non_null(a);
	memset(a, 'a', 1000000);
	assert_int_equal(nr_sha256_init(&s), 0);
	for (i = 0; i < 1000; i++)
		nr_sha256_update(&s, a + i * 1000, 1000);
	hex_of(&s, hex);
	assert_string_equal(hex, vectors[4].hex);
	assert_int_equal(nr_sha256_digest(a, 1000000, d), 0);
	nr_sha256_hex(d, hex);
	assert_string_equal(hex, vectors[4].hex);
	free(a);
}

/* Every split point of the 896-bit message, and byte-at-a-time updates:
 * the streaming state must not depend on how the bytes arrive. */
static void test_every_split(void **state)
{
	const char *msg = vectors[2].msg;
	size_t len = strlen(msg), cut, i;
	char hex[NR_SHA256_HEX];
	struct nr_sha256 s;

	(void)state;
	for (cut = 0; cut <= len; cut++) {
		assert_int_equal(nr_sha256_init(&s), 0);
		nr_sha256_update(&s, msg, cut);
		nr_sha256_update(&s, msg + cut, len - cut);
		hex_of(&s, hex);
		assert_string_equal(hex, vectors[2].hex);
	}
	assert_int_equal(nr_sha256_init(&s), 0);
	for (i = 0; i < len; i++)
		nr_sha256_update(&s, msg + i, 1);
	hex_of(&s, hex);
	assert_string_equal(hex, vectors[2].hex);
}

/* Abandoning a hash frees it (the sanitizer build would report a leak);
 * release and final are safe on a finished hash; final on a hash never
 * started fails and zeroes the digest instead of returning garbage. */
static void test_lifecycle(void **state)
{
	unsigned char d[NR_SHA256_LEN];
	struct nr_sha256 s = { 0 };
	size_t i;

	(void)state;
	assert_int_equal(nr_sha256_init(&s), 0);
	nr_sha256_update(&s, "abc", 3);
	nr_sha256_release(&s);
	nr_sha256_release(&s);
	memset(d, 0xff, sizeof(d));
	assert_true(nr_sha256_final(&s, d) < 0);
	for (i = 0; i < sizeof(d); i++)
		assert_int_equal(d[i], 0);
	assert_int_equal(nr_sha256_init(&s), 0);
	assert_int_equal(nr_sha256_final(&s, d), 0);
	assert_true(nr_sha256_final(&s, d) < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_answers),
		cmocka_unit_test(test_million_a_chunked),
		cmocka_unit_test(test_every_split),
		cmocka_unit_test(test_lifecycle),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
