/* SPDX-License-Identifier: MIT */
/* Text from outside (a bundle, a remote level, a server) on a terminal.
 *
 * A stranger's string must not drive the terminal that shows it: no C0
 * control (ESC starts every escape sequence), no DEL, no C1 control
 * (U+0080..U+009F: U+009B is a one-character CSI, both as UTF-8 and as
 * the raw byte an 8-bit terminal obeys), no bidirectional override or
 * isolate (U+202A..U+202E, U+2066..U+2069: "Trojan Source", text shown in
 * an order other than the bytes') and no bidi mark (U+200E, U+200F,
 * U+061C).  Bytes that are not UTF-8 are escaped as well, since raw
 * 0x80..0x9F is C1 to a terminal in an 8-bit mode.
 *
 * Escapes are visible and unambiguous: a byte as \xHH, a code point as
 * \uHHHH.  Everything else (printable ASCII, any other valid UTF-8) is
 * kept as is.  Library code uses nr_text_scrub for its messages (a '?'
 * per unsafe sequence); the command layer prints with nr_text_escape.
 */
#ifndef NR_SAFE_TEXT_H
#define NR_SAFE_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* Keep newline and tab (artifact content shown as lines). */
#define NR_TEXT_KEEP_LINES 1u

/* The sequence at p (avail > 0 bytes): its length, and whether it must be
 * escaped.  An invalid byte is a sequence of length 1. */
size_t nr_text_next(const char *p, size_t avail, unsigned flags, bool *unsafe);

/* True when nothing in s[0..len) needs escaping. */
bool nr_text_is_safe(const char *s, size_t len, unsigned flags);

/* Escape s[0..len) into out (always NUL-terminated when outlen > 0),
 * stopping before a sequence whose escape would not fit.  Returns the
 * bytes of s consumed. */
size_t nr_text_escape(const char *s, size_t len, unsigned flags, char *out, size_t outlen);

/* The number of bytes at the end of buf[0..len) that start a multibyte
 * UTF-8 sequence not yet complete (0..3): a stream shows them with the
 * next chunk, so a character cut by a read is not escaped as junk. */
size_t nr_text_incomplete_tail(const char *buf, size_t len);

/* In place: every unsafe sequence (newline and tab too) becomes one '?'.
 * For messages that library code fills from hostile strings. */
void nr_text_scrub(char *s);

/* JSON text as json-c writes it, with what a terminal would obey written
 * as \u escapes instead (DEL, C1, bidi controls; a byte that is not UTF-8
 * becomes \ufffd).  The document means the same to a JSON parser.
 * Returns a malloc'd NUL-terminated copy, or NULL when out of memory. */
char *nr_text_json(const char *json);

#endif
