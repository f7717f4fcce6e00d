/* SPDX-License-Identifier: MIT */
/* See scrub_harness.h. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "scrub_harness.h"

int scrub_sink_out(void *ud, const void *data, size_t len)
{
	struct scrub_sink *k = ud;

	assert_true(len > 0);
	if (k->fail_at && ++k->calls >= k->fail_at)
		return -EIO;
	if (k->cap - k->len < len + 1) {
		k->cap = (k->len + len + 1) * 2;
		k->p = realloc(k->p, k->cap);
		assert_non_null(k->p);
	}
	memcpy(k->p + k->len, data, len);
	k->len += len;
	k->p[k->len] = '\0';
	return 0;
}

char *scrub_run(const char *in, size_t len, size_t chunk, size_t split, size_t *outlen,
                size_t *count)
{
	struct scrub_sink k = { 0 };
	struct nr_scrub *s = nr_scrub_new(scrub_sink_out, &k);
	size_t off = 0, step;

	assert_non_null(s);
	while (off < len) {
		step = len - off;
		if (split != SIZE_MAX)
			step = off < split ? split - off : len - off;
		else if (chunk && chunk < step)
			step = chunk;
		assert_int_equal(nr_scrub_write(s, in + off, step), 0);
		off += step;
	}
	assert_int_equal(nr_scrub_finish(s), 0);
	*count = nr_scrub_count(s);
	nr_scrub_free(s);
	*outlen = k.len;
	if (!k.p)
		k.p = calloc(1, 1);
	assert_non_null(k.p);
	return k.p;
}

static void same(const char *got, size_t glen, const char *exp, size_t elen)
{
	if (!memchr(exp, '\0', elen) && !memchr(got, '\0', glen))
		assert_string_equal(got, exp);   /* readable diff on failure */
	assert_int_equal(glen, elen);
	assert_memory_equal(got, exp, elen);
}

/* Output and count for one write (size 0) and writes of each size. */
static void check_sizes(const char *in, size_t len, const char *exp, size_t elen,
                        size_t ecount, const size_t *sizes, size_t nsizes)
{
	size_t i, olen, count;
	char *out;

	for (i = 0; i < nsizes; i++) {
		out = scrub_run(in, len, sizes[i], SIZE_MAX, &olen, &count);
		same(out, olen, exp, elen);
		assert_int_equal(count, ecount);
		free(out);
	}
}

void scrub_check_n(const char *in, size_t len, const char *exp, size_t elen, size_t ecount)
{
	static const size_t chunks[] = { 0, 1, 2, 3, 7, 64, 4096 };
	size_t i, olen, count;
	char *out;

	check_sizes(in, len, exp, elen, ecount, chunks, sizeof(chunks) / sizeof(chunks[0]));
	for (i = 0; len < 4096 && i <= len; i++) {
		out = scrub_run(in, len, 0, i, &olen, &count);
		same(out, olen, exp, elen);
		assert_int_equal(count, ecount);
		free(out);
	}
}

void scrub_check(const char *in, const char *exp, size_t ecount)
{
	scrub_check_n(in, strlen(in), exp, strlen(exp), ecount);
}

void scrub_unchanged(const char *in)
{
	scrub_check(in, in, 0);
}

/* One-shot and a few chunkings only: the every-split sweep would be
 * quadratic. */
void scrub_check_long(const char *in, size_t len, const char *exp, size_t elen, size_t ecount)
{
	static const size_t sizes[] = { 0, 1, 7, 4096, MAX - 1, MAX + 1 };

	check_sizes(in, len, exp, elen, ecount, sizes, sizeof(sizes) / sizeof(sizes[0]));
}

/* Grows *p to hold n more bytes and a NUL.  The capacity is a power of two
 * derived from the length, so growth is geometric without a separate field
 * (a realloc per append is slow under ASan, which always copies). */
static void reserve(char **p, size_t len, size_t n)
{
	size_t cap = 64;

	while (cap < len + 1)
		cap *= 2;
	if (*p && len + n + 1 <= cap)
		return;
	while (cap < len + n + 1)
		cap *= 2;
	*p = realloc(*p, cap);
	assert_non_null(*p);
}

void scrub_append(char **p, size_t *len, const char *s, size_t n)
{
	reserve(p, *len, n);
	memcpy(*p + *len, s, n);
	*len += n;
	(*p)[*len] = '\0';
}

void scrub_append_rep(char **p, size_t *len, char ch, size_t n)
{
	reserve(p, *len, n);
	memset(*p + *len, ch, n);
	*len += n;
	(*p)[*len] = '\0';
}
