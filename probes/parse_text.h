/* SPDX-License-Identifier: MIT */
/* Text helpers shared by the parsers in parse_*.c.  Internal to probes/.
 *
 * Everything works on spans (pointer + length) into the caller's buffer, so
 * a parser never needs the input NUL-terminated and never reads past len.
 * Only nr_span_copy* write, and always into a bounded array.
 */
#ifndef NR_PARSE_TEXT_H
#define NR_PARSE_TEXT_H

#include <stdbool.h>
#include <stddef.h>

struct nr_span {
	const char *p;
	size_t len;
};

/* A span over a NUL-terminated string (NULL gives the empty span). */
struct nr_span nr_span_cstr(const char *s);

/* Next line of buf starting at *pos, without its "\n" or "\r\n".  A last
 * line with no newline still counts.  Returns false when buf is used up. */
bool nr_text_next_line(const char *buf, size_t len, size_t *pos, struct nr_span *line);

/* Spaces and tabs off both ends. */
struct nr_span nr_span_trim(struct nr_span s);

/* Split at the first sep into trimmed key and value; false if no sep. */
bool nr_span_split(struct nr_span s, char sep, struct nr_span *key, struct nr_span *val);

bool nr_span_eq(struct nr_span s, const char *lit);
bool nr_span_starts(struct nr_span s, const char *lit);

/* Next token of s separated by any byte in seps, from *pos.  Empty tokens
 * (two separators in a row) are skipped. */
bool nr_span_next_token(struct nr_span s, const char *seps, size_t *pos, struct nr_span *tok);

/* True when word is one of the tokens of s. */
bool nr_span_has_token(struct nr_span s, const char *seps, const char *word);

/* Copy s into dst (dstsize >= 1), always NUL-terminated.  The result is
 * valid UTF-8 with no control characters, whatever the input: invalid
 * bytes, NULs and controls become '?', tabs become spaces, and truncation
 * never splits a multibyte character.  These strings end up in JSON. */
void nr_span_copy(struct nr_span s, char *dst, size_t dstsize);

/* The same, with leading/trailing whitespace dropped and inner runs of
 * spaces and tabs collapsed to one space ("z/VM    6.1.0" -> "z/VM 6.1.0"). */
void nr_span_copy_collapsed(struct nr_span s, char *dst, size_t dstsize);

/* Non-negative decimal integer that fits an int; false on anything else. */
bool nr_span_to_int(struct nr_span s, int *out);

#endif
