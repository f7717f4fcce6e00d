/* SPDX-License-Identifier: MIT */
/* Terminal-safe text: see safe_text.h. */
#include "safe_text.h"
#include "utf8.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t decode(const unsigned char *p, size_t n)
{
	switch (n) {
	case 1: return p[0];
	case 2: return (uint32_t)(p[0] & 0x1F) << 6 | (p[1] & 0x3F);
	case 3: return (uint32_t)(p[0] & 0x0F) << 12 | (uint32_t)(p[1] & 0x3F) << 6 | (p[2] & 0x3F);
	default:
		return (uint32_t)(p[0] & 0x07) << 18 | (uint32_t)(p[1] & 0x3F) << 12 |
		       (uint32_t)(p[2] & 0x3F) << 6 | (p[3] & 0x3F);
	}
}

/* Code points a terminal obeys, or that reorder what it shows. */
static bool unsafe_cp(uint32_t c, unsigned flags)
{
	if (c == '\n' || c == '\t')
		return !(flags & NR_TEXT_KEEP_LINES);
	return c < 0x20 || (c >= 0x7F && c <= 0x9F) || (c >= 0x202A && c <= 0x202E) ||
	       (c >= 0x2066 && c <= 0x2069) || c == 0x200E || c == 0x200F || c == 0x061C;
}

size_t nr_text_next(const char *p, size_t avail, unsigned flags, bool *unsafe)
{
	const unsigned char *u = (const unsigned char *)p;
	size_t n = nr_utf8_seq_len(u, avail);

	if (n == 0) {
		*unsafe = true;
		return 1;
	}
	*unsafe = unsafe_cp(decode(u, n), flags);
	return n;
}

bool nr_text_is_safe(const char *s, size_t len, unsigned flags)
{
	size_t i = 0;
	bool bad;

	while (i < len) {
		i += nr_text_next(s + i, len - i, flags, &bad);
		if (bad)
			return false;
	}
	return true;
}

/* The escape of one unsafe sequence: \uHHHH for a valid code point, else
 * \xHH for its one byte. */
static int escape_one(const unsigned char *p, size_t n, char *out, size_t outlen)
{
	if (n == 1)
		return snprintf(out, outlen, "\\x%02x", p[0]);
	return snprintf(out, outlen, "\\u%04x", (unsigned)decode(p, n));
}

size_t nr_text_escape(const char *s, size_t len, unsigned flags, char *out, size_t outlen)
{
	size_t i = 0, o = 0, n;
	char esc[16];
	bool bad;

	if (outlen == 0)
		return 0;
	while (i < len) {
		n = nr_text_next(s + i, len - i, flags, &bad);
		if (bad) {
			int e = escape_one((const unsigned char *)s + i, n, esc, sizeof(esc));

			if (o + (size_t)e >= outlen)
				break;
			memcpy(out + o, esc, (size_t)e);
			o += (size_t)e;
		} else {
			if (o + n >= outlen)
				break;
			memcpy(out + o, s + i, n);
			o += n;
		}
		i += n;
	}
	out[o] = '\0';
	return i;
}

size_t nr_text_incomplete_tail(const char *buf, size_t len)
{
	const unsigned char *u = (const unsigned char *)buf;
	size_t k;

	/* A lead byte within the last 3 whose sequence runs past the end. */
	for (k = 1; k <= 3 && k <= len; k++) {
		unsigned char c = u[len - k];
		size_t need;

		if ((c & 0xC0) == 0x80)
			continue;
		need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 1;
		/* Only when the bytes so far can still become valid. */
		if (need > k && c <= 0xF4) {
			unsigned char tmp[4] = { 0x80, 0x80, 0x80, 0x80 };

			memcpy(tmp, u + len - k, k);
			return nr_utf8_seq_len(tmp, need) == need ? k : 0;
		}
		return 0;
	}
	return 0;
}

void nr_text_scrub(char *s)
{
	size_t len = strlen(s), i = 0, o = 0, n;
	bool bad;

	while (i < len) {
		n = nr_text_next(s + i, len - i, 0, &bad);
		if (bad) {
			s[o++] = '?';
		} else {
			memmove(s + o, s + i, n);
			o += n;
		}
		i += n;
	}
	s[o] = '\0';
}

char *nr_text_json(const char *json)
{
	size_t len = strlen(json), i = 0, o = 0, n, need = len + 1;
	char *out;
	bool bad;

	/* Sized first: an escape is 6 bytes for a sequence of 1 to 3. */
	while (i < len) {
		n = nr_text_next(json + i, len - i, NR_TEXT_KEEP_LINES, &bad);
		if (bad)
			need += 6 - n;
		i += n;
	}
	out = malloc(need);
	if (!out)
		return NULL;
	i = 0;
	while (i < len) {
		n = nr_text_next(json + i, len - i, NR_TEXT_KEEP_LINES, &bad);
		if (!bad) {
			memcpy(out + o, json + i, n);
			o += n;
		} else {
			/* A string cannot hold a raw C0 (json-c escapes those),
			 * so only DEL, C1, bidi or a stray byte gets here. */
			unsigned cp = nr_utf8_seq_len((const unsigned char *)json + i, len - i)
			                      ? (unsigned)decode((const unsigned char *)json + i, n) : 0xFFFD;

			o += (size_t)snprintf(out + o, 7, "\\u%04x", cp);
		}
		i += n;
	}
	out[o] = '\0';
	return out;
}
