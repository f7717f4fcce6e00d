/* SPDX-License-Identifier: MIT */
/* Shared by the scrubber's unit tests (test_scrub*.c): run an input through
 * a scrubber however its writes are cut, and compare. */
#ifndef NR_TEST_SCRUB_HARNESS_H
#define NR_TEST_SCRUB_HARNESS_H

#include <stddef.h>

#include "scrub/scrub.h"

#define M NR_SCRUB_MARKER
#define MAX NR_SCRUB_RECORD_MAX

/* A sink that keeps what it gets (NUL-terminated), failing with -EIO from
 * call number fail_at (1-based; 0: never). */
struct scrub_sink {
	char *p;
	size_t len, cap;
	int calls;
	int fail_at;
};

int scrub_sink_out(void *ud, const void *data, size_t len);

/* Runs in[0,len) through a scrubber: in writes of `chunk` bytes (0: one
 * write), or, when split is not SIZE_MAX, in two writes cut at `split`.
 * Returns the output (malloc'd, NUL-terminated), its length and the count. */
char *scrub_run(const char *in, size_t len, size_t chunk, size_t split, size_t *outlen,
                size_t *count);

/* Output and count must be exp and ecount for one write, for writes of 1,
 * 2, 3, 7, 64 and 4096 bytes, and cut in two at every byte (inputs under
 * 4 KiB). */
void scrub_check_n(const char *in, size_t len, const char *exp, size_t elen, size_t ecount);
void scrub_check(const char *in, const char *exp, size_t ecount);
void scrub_unchanged(const char *in);
/* The same for inputs longer than the record limit, in a few chunkings. */
void scrub_check_long(const char *in, size_t len, const char *exp, size_t elen, size_t ecount);

/* Growing buffers for long inputs. */
void scrub_append(char **p, size_t *len, const char *s, size_t n);
void scrub_append_rep(char **p, size_t *len, char ch, size_t n);
#define APPEND_LIT(p, len, lit) scrub_append(p, len, lit, sizeof(lit) - 1)

#endif
