/* SPDX-License-Identifier: MIT */
/* Option values every command parses the same way. */
#include "commands.h"

#include <errno.h>
#include <stdlib.h>

int nr_cmd_parse_size(const char *s, unsigned long long *out)
{
	unsigned long long v;
	char *end;
	int shift = 0;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *s == '-')
		return -1;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	case 't': case 'T': shift = 40; end++; break;
	}
	if (*end == 'B' || *end == 'b')
		end++;
	if (*end || v == 0 || v > (~0ULL >> shift))
		return -1;
	*out = v << shift;
	return 0;
}

int nr_cmd_parse_seconds(const char *s, long max, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 1 || v > max)
		return -1;
	*out = (int)v;
	return 0;
}
