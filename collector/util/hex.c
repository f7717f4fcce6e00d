/* SPDX-License-Identifier: MIT */
/* Hex parsing: see hex.h. */
#include "hex.h"

int nr_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool nr_hex_parse_0x(const char *p, size_t len, size_t max_digits, uint64_t *v)
{
	size_t i;

	if (max_digits > 16 || len < 3 || len > 2 + max_digits || p[0] != '0' ||
	    (p[1] != 'x' && p[1] != 'X'))
		return false;
	*v = 0;
	for (i = 2; i < len; i++) {
		int d = nr_hex_digit(p[i]);

		if (d < 0)
			return false;
		*v = *v << 4 | (uint64_t)d;
	}
	return true;
}
