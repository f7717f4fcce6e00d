/* SHA-256 (FIPS 180-4), streaming.  Small and dependency-free so that the
 * bundle writer, the reader and verify all hash the same way. */
#ifndef NR_SHA256_H
#define NR_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define NR_SHA256_LEN 32
#define NR_SHA256_HEX (NR_SHA256_LEN * 2 + 1)

struct nr_sha256 {
	uint32_t h[8];
	uint64_t total;
	unsigned char block[64];
	size_t used;
};

void nr_sha256_init(struct nr_sha256 *s);
void nr_sha256_update(struct nr_sha256 *s, const void *data, size_t len);
void nr_sha256_final(struct nr_sha256 *s, unsigned char out[NR_SHA256_LEN]);
void nr_sha256_hex(const unsigned char digest[NR_SHA256_LEN], char out[NR_SHA256_HEX]);

#endif
