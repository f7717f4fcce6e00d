/* SPDX-License-Identifier: MIT */
/* The response framing must carry any bytes (binary, huge, containing
 * near-markers) exactly, however the stream is cut into chunks. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "transport/ssh_frame.h"

static const char token[] = "0123456789abcdef0123456789abcdef";

struct got {
	char out[1 << 16], err[1 << 12];
	size_t out_len, err_len;
};

static int collect(void *ud, int is_stderr, const char *data, size_t len)
{
	struct got *g = ud;

	if (is_stderr) {
		memcpy(g->err + g->err_len, data, len);
		g->err_len += len;
	} else {
		memcpy(g->out + g->out_len, data, len);
		g->out_len += len;
	}
	return 0;
}

/* Build a response, then feed it in chunks of `chunk` bytes. */
static void roundtrip(const char *out, size_t out_len, const char *err, size_t err_len, int code,
                      size_t chunk, const char *trailer)
{
	static char stream[1 << 17];
	struct got *g = calloc(1, sizeof(*g));
	struct nr_frame f;
	size_t n = 0, fed = 0;

	memcpy(stream, out, out_len);
	n = out_len;
	n += (size_t)sprintf(stream + n, "\n%s %d\n", token, code);
	memcpy(stream + n, err, err_len);
	n += err_len;
	n += (size_t)sprintf(stream + n, "\n%s%s", token, trailer);
	nr_frame_init(&f, token, collect, g);
	while (fed < n && f.phase != NR_FRAME_DONE) {
		size_t take = n - fed < chunk ? n - fed : chunk;
		long used = nr_frame_feed(&f, stream + fed, take);

		assert_true(used >= 0);
		fed += (size_t)used;
		if ((size_t)used < take)
			break;
	}
	assert_int_equal(f.phase, NR_FRAME_DONE);
	assert_int_equal(f.exit_code, code);
	assert_int_equal(g->out_len, out_len);
	assert_memory_equal(g->out, out, out_len);
	assert_int_equal(g->err_len, err_len);
	if (err_len)
		assert_memory_equal(g->err, err, err_len);
	/* What follows the response is left unconsumed for the next one. */
	assert_int_equal(n - fed, strlen(trailer));
	free(g);
}

static void test_plain(void **state)
{
	static const size_t chunks[] = { 1, 2, 3, 7, 31, 32, 33, 34, 4096, 100000 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
		roundtrip("hello\n", 6, "", 0, 0, chunks[i], "");
		roundtrip("", 0, "oops\n", 5, 3, chunks[i], "NEXT");
		roundtrip("no newline", 10, "e", 1, 255, chunks[i], "");
	}
}

static void test_near_markers(void **state)
{
	char out[400];
	size_t n, k;

	(void)state;
	/* Every proper prefix of the marker, with and without the newline,
	 * inside the payload, at every chunking. */
	for (k = 1; k <= 32; k++) {
		n = (size_t)snprintf(out, sizeof(out), "a\n%.*sb\n%.*s", (int)(k - 1), token,
		                     (int)(k - 1), token);
		for (size_t c = 1; c < 40; c++)
			roundtrip(out, n, "\n0123", 5, 1, c, "");
	}
}

static void test_binary(void **state)
{
	char *out = malloc(60000);
	size_t i;

	(void)state;
	for (i = 0; i < 60000; i++)
		out[i] = (char)(i * 131 + 7);
	roundtrip(out, 60000, "\0\1\2", 3, 0, 997, "");
	roundtrip(out, 60000, "", 0, 0, 65536, "");
	free(out);
}

static void test_bad_code(void **state)
{
	struct got *g = calloc(1, sizeof(*g));
	struct nr_frame f;
	char stream[200];
	int n = snprintf(stream, sizeof(stream), "x\n%s zz\n", token);

	(void)state;
	nr_frame_init(&f, token, collect, g);
	assert_int_equal(nr_frame_feed(&f, stream, (size_t)n), -71 /* EPROTO */);
	free(g);
}

static void test_token(void **state)
{
	char a[NR_FRAME_TOKEN_LEN + 1], b[NR_FRAME_TOKEN_LEN + 1];

	(void)state;
	assert_int_equal(nr_frame_token(a), 0);
	assert_int_equal(nr_frame_token(b), 0);
	assert_int_equal(strlen(a), NR_FRAME_TOKEN_LEN);
	assert_string_not_equal(a, b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_near_markers),
		cmocka_unit_test(test_binary),
		cmocka_unit_test(test_bad_code),
		cmocka_unit_test(test_token),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
