/* SPDX-License-Identifier: MIT */
/* nr_error: how library code reports a failure without printing.
 *
 * Every fallible function returns 0 (or a count) on success and a negative
 * errno on failure, and fills a caller-provided struct nr_error with a
 * lowercase, one-line message naming the subject.  Only the command layer
 * (collector/cmd_*.c, collector/cli/msg.c) prints it.
 */
#ifndef NR_ERROR_H
#define NR_ERROR_H

#include <stddef.h>

#define NR_ERROR_MSG_MAX 256

struct nr_error {
	int code;                     /* positive errno, 0 when no error */
	char msg[NR_ERROR_MSG_MAX];   /* "" when no error */
};

/* Fill err (may be NULL) and return -code, so callers can write
 * `return nr_error_set(err, EINVAL, "bad thing '%s'", x);`.
 * A later call overwrites an earlier one. */
int nr_error_set(struct nr_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prefix an existing message: "context: old message". */
int nr_error_wrap(struct nr_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void nr_error_clear(struct nr_error *err);

#endif
