/* SPDX-License-Identifier: MIT */
/* Hexadecimal digits and numbers, for the parsers of untrusted text
 * (register dumps, audit records, PCI IDs). */
#ifndef NR_HEX_H
#define NR_HEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The value of a hex digit, or -1. */
int nr_hex_digit(char c);

/* "0x" and 1 to max_digits (at most 16) hex digits, nothing else.  False
 * on anything else, *v then undefined. */
bool nr_hex_parse_0x(const char *p, size_t len, size_t max_digits, uint64_t *v);

#endif
