/* SPDX-License-Identifier: MIT */
/* SHA-256 (FIPS 180-4), streaming, through OpenSSL's EVP interface
 * (libcrypto, already loaded by libssh and libcurl): the bundle writer, the
 * reader and verify all hash the same way, at the speed of the library's
 * assembly (SHA-NI, AVX2) instead of portable C.
 *
 *   struct nr_sha256 sha;
 *   if (nr_sha256_init(&sha) < 0) ...          -ENOMEM
 *   nr_sha256_update(&sha, buf, n);            any number of times
 *   if (nr_sha256_final(&sha, digest) < 0) ... also frees the context
 *
 * A hash abandoned before final is freed with nr_sha256_release (safe on a
 * hash already finalised, or never initialised when zeroed).  A failure
 * inside the library is remembered and reported by final, so update needs
 * no check. */
#ifndef NR_SHA256_H
#define NR_SHA256_H

#include <stdbool.h>
#include <stddef.h>

#define NR_SHA256_LEN 32
#define NR_SHA256_HEX (NR_SHA256_LEN * 2 + 1)

struct nr_sha256 {
	void *ctx;        /* EVP_MD_CTX; NULL before init and after final */
	bool failed;
};

/* 0, or -ENOMEM (or -EIO: libcrypto has no SHA-256, e.g. a broken FIPS
 * configuration); on failure final reports it too. */
int nr_sha256_init(struct nr_sha256 *s);
void nr_sha256_update(struct nr_sha256 *s, const void *data, size_t len);
/* The digest into out; 0, or -EIO / -ENOMEM when any step failed (out is
 * then zeroed).  Frees the context. */
int nr_sha256_final(struct nr_sha256 *s, unsigned char out[NR_SHA256_LEN]);
void nr_sha256_release(struct nr_sha256 *s);

/* The digest of one buffer. */
int nr_sha256_digest(const void *data, size_t len, unsigned char out[NR_SHA256_LEN]);

/* Lowercase hex, NUL-terminated. */
void nr_sha256_hex(const unsigned char digest[NR_SHA256_LEN], char out[NR_SHA256_HEX]);

#endif
