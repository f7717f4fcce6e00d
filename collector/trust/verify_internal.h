/* SPDX-License-Identifier: MIT */
/* What verify.c and verify_sig.c share. */
#ifndef NR_VERIFY_INTERNAL_H
#define NR_VERIFY_INTERNAL_H

#include "sign.h"
#include "verify.h"

/* Set a check's status and message (control characters made harmless). */
void nr_check_set(struct nr_check *c, enum nr_check_status st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The signature check, over the bytes the reader reads: begin before the
 * first byte (0 with *check NULL when there is nothing to check: the
 * result says why; 0 with *check running; negative: could not check),
 * feed it with nr_sign_stream_write, end it when every byte of the file is
 * in.  verdict: what ssh-keygen's rc means for the check. */
int nr_verify_sig_begin(const char *bundle, const char *allowed, const char *identity,
                        struct nr_verify_result *res, struct nr_sign_stream **check,
                        struct nr_error *err);
int nr_verify_sig_end(struct nr_sign_stream *check, struct nr_verify_result *res,
                      struct nr_error *err);
int nr_verify_sig_verdict(int rc, struct nr_verify_result *res, const struct nr_error *e,
                          struct nr_error *err);

/* Hand the rest of fd, from where it stands, to tee. */
int nr_verify_drain(int fd, void (*tee)(void *ud, const void *buf, size_t len), void *ud,
                    struct nr_error *err);

#endif
