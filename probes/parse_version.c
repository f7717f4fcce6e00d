/* SPDX-License-Identifier: MIT */
/* Version extraction from tool banners: see parse.h. */
#include "parse.h"
#include "parse_text.h"

#include <errno.h>
#include <string.h>

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* The version right at the start of s: digits and dots, from a digit, with
 * a trailing dot ("version 1.4.1.") left out. */
static struct nr_span version_at(struct nr_span s)
{
	struct nr_span v = { s.p, 0 };

	if (s.len == 0 || !is_digit(s.p[0]))
		return v;
	while (v.len < s.len && (is_digit(s.p[v.len]) || s.p[v.len] == '.'))
		v.len++;
	while (v.len > 0 && v.p[v.len - 1] == '.')
		v.len--;
	return v;
}

/* The version following prefix on this line, or an empty span. */
static struct nr_span line_version(struct nr_span line, struct nr_span prefix)
{
	struct nr_span empty = { line.p, 0 };

	line = nr_span_trim(line);
	if (line.len < prefix.len || memcmp(line.p, prefix.p, prefix.len) != 0)
		return empty;
	line.p += prefix.len;
	line.len -= prefix.len;
	return version_at(nr_span_trim(line));
}

int nr_version_extract(const char *buf, size_t len, const char *prefix,
                       char *out, size_t outlen)
{
	struct nr_span pre = nr_span_cstr(prefix), line, v = { NULL, 0 };
	size_t pos = 0;

	if (out && outlen > 0)
		out[0] = '\0';
	if (!out || outlen == 0)
		return -EINVAL;
	while (v.len == 0 && nr_text_next_line(buf, len, &pos, &line))
		v = line_version(line, pre);
	if (v.len == 0)
		return -EINVAL;
	if (v.len >= outlen)
		return -ENOSPC;
	memcpy(out, v.p, v.len);
	out[v.len] = '\0';
	return 0;
}
