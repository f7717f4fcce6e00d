/* SPDX-License-Identifier: MIT */
/* UTF-8 checks for JSON output: see utf8.h. */
#include "utf8.h"

#include <string.h>

/* Length of the valid UTF-8 sequence at p (1-4), or 0 if it is not one.
 * Overlong forms and surrogates are rejected, as RFC 3629 asks. */
size_t nr_utf8_seq_len(const unsigned char *p, size_t avail)
{
	unsigned char c = p[0];
	size_t n;
	unsigned char lo = 0x80, hi = 0xBF;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		n = 2;
	else if (c >= 0xE0 && c <= 0xEF)
		n = 3;
	else if (c >= 0xF0 && c <= 0xF4)
		n = 4;
	else
		return 0;
	if (c == 0xE0)
		lo = 0xA0;
	else if (c == 0xED)
		hi = 0x9F;
	else if (c == 0xF0)
		lo = 0x90;
	else if (c == 0xF4)
		hi = 0x8F;
	if (avail < n || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xBF)
			return 0;
	return n;
}

static bool bad_control(unsigned char c)
{
	return (c < 0x20 && c != '\t' && c != '\n') || c == 0x7F;
}

bool nr_utf8_clean_p(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;

	while (i < len) {
		n = nr_utf8_seq_len(p + i, len - i);
		if (n == 0 || (n == 1 && bad_control(p[i])))
			return false;
		i += n;
	}
	return true;
}

void nr_utf8_clean(char *s)
{
	unsigned char *p = (unsigned char *)s;
	size_t len = strlen(s), i = 0, o = 0, n;

	while (i < len) {
		n = nr_utf8_seq_len(p + i, len - i);
		if (n == 0 || (n == 1 && bad_control(p[i]))) {
			p[o++] = '?';
			i++;
			continue;
		}
		memmove(p + o, p + i, n);
		o += n;
		i += n;
	}
	p[o] = '\0';
}
