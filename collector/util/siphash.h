/* SPDX-License-Identifier: MIT */
/* SipHash-2-4 (Aumasson and Bernstein, 2012): a keyed 64-bit hash for hash
 * tables fed by untrusted input.  Without the key an attacker cannot make
 * names collide, so a crafted bundle cannot force a table into quadratic
 * work.  Written from the paper; checked against its test vectors. */
#ifndef NR_SIPHASH_H
#define NR_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

struct nr_siphash_key {
	uint64_t k0, k1;
};

uint64_t nr_siphash24(const struct nr_siphash_key *key, const void *data, size_t len);

#endif
