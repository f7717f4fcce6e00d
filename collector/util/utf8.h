/* SPDX-License-Identifier: MIT */
/* UTF-8 for JSON: text from a machine (a command's stderr, a line of
 * /proc/version, a file name in a replayed tree) can hold any bytes, and
 * JSON text must be UTF-8 (RFC 8259).  Strings headed for the manifest are
 * checked and, when needed, cleaned here. */
#ifndef NR_UTF8_H
#define NR_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* Length of the valid UTF-8 sequence at p (1-4), or 0 if it is not one
 * (overlong forms and surrogates rejected, RFC 3629).  The parsers use it
 * too, to keep what they copy out of a machine's text valid. */
size_t nr_utf8_seq_len(const unsigned char *p, size_t avail);

/* True when s[0..len) is valid UTF-8 (RFC 3629: no overlong forms, no
 * surrogates) without control characters other than tab and newline. */
bool nr_utf8_clean_p(const char *s, size_t len);

/* In place: every byte that is not part of valid UTF-8, and every control
 * character but tab and newline, becomes '?'.  The string never grows. */
void nr_utf8_clean(char *s);

#endif
