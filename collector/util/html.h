/* SPDX-License-Identifier: MIT */
/* HTML text from untrusted bytes: `show --html` puts strings and artifact
 * contents from a stranger's bundle into a page, so every byte goes
 * through here.  Markup characters become entities; control characters
 * (C0 but tab and newline, DEL, C1), bidirectional controls (U+061C,
 * U+200E/F, U+202A..E, U+2066..9) and bytes that are not UTF-8 become
 * visible escapes (\x1b, \u202e), so nothing in the page acts on a browser
 * or on a terminal the file is printed to, and nothing reorders the text a
 * maintainer reads.  A CR before a LF is dropped (CRLF logs), any other CR
 * is escaped (it could hide a line on a terminal).
 *
 * The escaper streams: a UTF-8 sequence (or a CR) cut by the end of one
 * chunk is completed by the next, so a member read in 64 KiB pieces comes
 * out as if read whole.  Output goes through a callback; it returns a
 * negative errno to stop, which the escaper returns. */
#ifndef NR_HTML_H
#define NR_HTML_H

#include <stdbool.h>
#include <stddef.h>

/* In attribute values (and SVG text) escapes are plain text; in element
 * text they are wrapped in <span class="esc"> so a reader sees them. */
#define NR_HTML_ATTR 1

typedef int (*nr_html_put_fn)(void *ud, const char *s, size_t n);

struct nr_html_esc {
	int flags;
	unsigned char carry[4];    /* an incomplete sequence from the last chunk */
	size_t ncarry;
	nr_html_put_fn put;
	void *ud;
};

void nr_html_esc_init(struct nr_html_esc *e, int flags, nr_html_put_fn put, void *ud);
/* Escape len bytes; 0 or the callback's negative errno. */
int nr_html_esc_feed(struct nr_html_esc *e, const void *s, size_t len);
/* Flush what a last chunk left incomplete (as \xNN escapes). */
int nr_html_esc_finish(struct nr_html_esc *e);

/* One whole string (NULL writes nothing). */
int nr_html_escape(const char *s, int flags, nr_html_put_fn put, void *ud);

#endif
