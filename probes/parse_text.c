/* SPDX-License-Identifier: MIT */
/* Span helpers for the probe parsers: see parse_text.h. */
#include "parse_text.h"
#include "util/utf8.h"

#include <limits.h>
#include <string.h>

struct nr_span nr_span_cstr(const char *s)
{
	struct nr_span r = { s ? s : "", s ? strlen(s) : 0 };
	return r;
}

bool nr_text_next_line(const char *buf, size_t len, size_t *pos, struct nr_span *line)
{
	if (!buf || *pos >= len)
		return false;
	const char *start = buf + *pos;
	const char *nl = memchr(start, '\n', len - *pos);
	size_t n = nl ? (size_t)(nl - start) : len - *pos;

	*pos += n + (nl ? 1 : 0);
	if (n > 0 && start[n - 1] == '\r')
		n--;
	line->p = start;
	line->len = n;
	return true;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

struct nr_span nr_span_trim(struct nr_span s)
{
	while (s.len > 0 && is_blank(s.p[0])) {
		s.p++;
		s.len--;
	}
	while (s.len > 0 && is_blank(s.p[s.len - 1]))
		s.len--;
	return s;
}

bool nr_span_split(struct nr_span s, char sep, struct nr_span *key, struct nr_span *val)
{
	const char *at = s.len ? memchr(s.p, sep, s.len) : NULL;

	if (!at)
		return false;
	key->p = s.p;
	key->len = (size_t)(at - s.p);
	val->p = at + 1;
	val->len = s.len - key->len - 1;
	*key = nr_span_trim(*key);
	*val = nr_span_trim(*val);
	return true;
}

bool nr_span_eq(struct nr_span s, const char *lit)
{
	size_t n = strlen(lit);

	return s.len == n && memcmp(s.p, lit, n) == 0;
}

bool nr_span_starts(struct nr_span s, const char *lit)
{
	size_t n = strlen(lit);

	return s.len >= n && memcmp(s.p, lit, n) == 0;
}

static bool is_sep(char c, const char *seps)
{
	/* strchr would match the terminating NUL, and NUL bytes do occur in
	 * untrusted input: never treat them as separators. */
	return c != '\0' && strchr(seps, c) != NULL;
}

bool nr_span_next_token(struct nr_span s, const char *seps, size_t *pos, struct nr_span *tok)
{
	size_t i = *pos;

	while (i < s.len && is_sep(s.p[i], seps))
		i++;
	if (i >= s.len) {
		*pos = i;
		return false;
	}
	size_t start = i;

	while (i < s.len && !is_sep(s.p[i], seps))
		i++;
	tok->p = s.p + start;
	tok->len = i - start;
	*pos = i;
	return true;
}

bool nr_span_has_token(struct nr_span s, const char *seps, const char *word)
{
	size_t pos = 0;
	struct nr_span tok;

	while (nr_span_next_token(s, seps, &pos, &tok))
		if (nr_span_eq(tok, word))
			return true;
	return false;
}

/* How the input byte(s) at p are written out: valid UTF-8 as is, a tab as
 * a space, anything else (controls, NUL, stray bytes) as one '?'.  *in is
 * how many input bytes that consumed. */
static size_t out_unit(const unsigned char *p, size_t avail, size_t *in, unsigned char *repl,
                       const unsigned char **src)
{
	size_t n = nr_utf8_seq_len(p, avail);

	*in = n ? n : 1;
	*src = p;
	if (n > 1 || (n == 1 && p[0] >= 0x20 && p[0] != 0x7F))
		return n;
	*repl = p[0] == '\t' ? ' ' : '?';
	*src = repl;
	return 1;
}

static void copy_span(struct nr_span s, char *dst, size_t dstsize, bool collapse)
{
	size_t o = 0, i = 0;
	bool pending_space = false;

	if (dstsize == 0)
		return;
	if (collapse)
		s = nr_span_trim(s);
	while (i < s.len) {
		const unsigned char *src;
		unsigned char repl;
		size_t in;
		size_t out = out_unit((const unsigned char *)s.p + i, s.len - i, &in, &repl, &src);

		i += in;
		if (collapse && src[0] == ' ') {
			pending_space = true;
			continue;
		}
		if (o + out + (pending_space ? 1 : 0) > dstsize - 1)
			break;
		if (pending_space)
			dst[o++] = ' ';
		pending_space = false;
		memcpy(dst + o, src, out);
		o += out;
	}
	dst[o] = '\0';
}

void nr_span_copy(struct nr_span s, char *dst, size_t dstsize)
{
	copy_span(s, dst, dstsize, false);
}

void nr_span_copy_collapsed(struct nr_span s, char *dst, size_t dstsize)
{
	copy_span(s, dst, dstsize, true);
}

bool nr_span_to_int(struct nr_span s, int *out)
{
	long v = 0;

	if (s.len == 0)
		return false;
	for (size_t i = 0; i < s.len; i++) {
		if (s.p[i] < '0' || s.p[i] > '9')
			return false;
		v = v * 10 + (s.p[i] - '0');
		if (v > INT_MAX)
			return false;
	}
	*out = (int)v;
	return true;
}
