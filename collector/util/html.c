/* SPDX-License-Identifier: MIT */
/* Escaping untrusted bytes as HTML text: see html.h. */
#include "html.h"
#include "utf8.h"

#include <stdio.h>
#include <string.h>

void nr_html_esc_init(struct nr_html_esc *e, int flags, nr_html_put_fn put, void *ud)
{
	memset(e, 0, sizeof(*e));
	e->flags = flags;
	e->put = put;
	e->ud = ud;
}

/* Code points shown as escapes although they are valid UTF-8: C1 controls
 * (terminals act on U+009B as on ESC [) and the bidirectional controls
 * that reorder what is displayed ("Trojan Source"). */
static bool hidden_cp(unsigned cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || cp == 0x61c || cp == 0x200e || cp == 0x200f ||
	       (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

static unsigned decode(const unsigned char *p, size_t n)
{
	static const unsigned char lead_mask[5] = { 0, 0x7f, 0x1f, 0x0f, 0x07 };
	unsigned cp = p[0] & lead_mask[n];
	size_t i;

	for (i = 1; i < n; i++)
		cp = (cp << 6) | (p[i] & 0x3f);
	return cp;
}

static int put_escape(struct nr_html_esc *e, const char *text)
{
	char buf[64];
	int n = snprintf(buf, sizeof(buf), (e->flags & NR_HTML_ATTR) ? "%s" : "<span class=\"esc\">%s</span>",
	                 text);

	return e->put(e->ud, buf, (size_t)n);
}

/* A lead byte and continuation bytes that a longer chunk could complete. */
static bool incomplete_prefix(const unsigned char *p, size_t avail)
{
	size_t need, i;

	if (p[0] == '\r')
		return avail == 1;
	if (p[0] < 0xc2 || p[0] > 0xf4)
		return false;
	need = p[0] < 0xe0 ? 2 : p[0] < 0xf0 ? 3 : 4;
	if (avail >= need)
		return false;
	for (i = 1; i < avail; i++)
		if ((p[i] & 0xc0) != 0x80)
			return false;
	return true;
}

/* The escape for the sequence at p, or NULL when it is passed as is;
 * *used is the number of bytes it stands for. */
static const char *classify(const unsigned char *p, size_t avail, size_t *used, char *tmp, size_t tmplen)
{
	size_t n;

	*used = 1;
	switch (p[0]) {
	case '&': return "&amp;";
	case '<': return "&lt;";
	case '>': return "&gt;";
	case '"': return "&quot;";
	case '\'': return "&#39;";
	case '\t': case '\n': return NULL;
	case '\r':
		if (avail > 1 && p[1] == '\n')
			return "";      /* CRLF: the LF follows */
		break;
	default:
		if (p[0] >= 0x20 && p[0] < 0x7f)
			return NULL;
	}
	if (p[0] < 0x80) {
		snprintf(tmp, tmplen, "\\x%02x", p[0]);
		return tmp;
	}
	n = nr_utf8_seq_len(p, avail);
	if (n == 0) {
		snprintf(tmp, tmplen, "\\x%02x", p[0]);
		return tmp;
	}
	*used = n;
	if (!hidden_cp(decode(p, n)))
		return NULL;
	snprintf(tmp, tmplen, "\\u%04x", decode(p, n));
	return tmp;
}

/* Escape p[0..len); with more_may_follow, an incomplete tail is carried. */
static int escape_run(struct nr_html_esc *e, const unsigned char *p, size_t len, bool more_may_follow)
{
	size_t i = 0, start = 0, used;
	char tmp[16];
	const char *rep;
	int rc = 0;

	while (i < len && rc == 0) {
		if (more_may_follow && incomplete_prefix(p + i, len - i)) {
			memcpy(e->carry, p + i, len - i);
			e->ncarry = len - i;
			len = i;
			break;
		}
		rep = classify(p + i, len - i, &used, tmp, sizeof(tmp));
		if (!rep) {
			i += used;
			continue;
		}
		if (i > start)
			rc = e->put(e->ud, (const char *)p + start, i - start);
		if (rc == 0 && *rep)
			rc = rep == tmp ? put_escape(e, rep) : e->put(e->ud, rep, strlen(rep));
		i += used;
		start = i;
	}
	if (rc == 0 && len > start)
		rc = e->put(e->ud, (const char *)p + start, len - start);
	return rc;
}

/* Finish the sequence carried from the last chunk with the first bytes of
 * this one; *used is how many of them it took. */
static int finish_carry(struct nr_html_esc *e, const unsigned char *p, size_t len, size_t *used)
{
	size_t need, n;

	*used = 0;
	if (e->carry[0] == '\r') {
		/* The CR of a CRLF vanishes; the LF is p[0], escaped as usual. */
		e->ncarry = 0;
		return p[0] == '\n' ? 0 : escape_run(e, (const unsigned char *)"\r", 1, false);
	}
	need = e->carry[0] < 0xe0 ? 2 : e->carry[0] < 0xf0 ? 3 : 4;
	while (e->ncarry < need && *used < len && (p[*used] & 0xc0) == 0x80)
		e->carry[e->ncarry++] = p[(*used)++];
	if (e->ncarry < need && *used == len)
		return 0;           /* still incomplete: wait for the next chunk */
	n = e->ncarry;
	e->ncarry = 0;
	return escape_run(e, e->carry, n, false);
}

int nr_html_esc_feed(struct nr_html_esc *e, const void *s, size_t len)
{
	const unsigned char *p = s;
	size_t used = 0;
	int rc;

	if (len == 0)
		return 0;
	if (e->ncarry) {
		rc = finish_carry(e, p, len, &used);
		if (rc < 0 || e->ncarry)
			return rc;
	}
	return escape_run(e, p + used, len - used, true);
}

int nr_html_esc_finish(struct nr_html_esc *e)
{
	size_t n = e->ncarry;

	e->ncarry = 0;
	return n ? escape_run(e, e->carry, n, false) : 0;
}

int nr_html_escape(const char *s, int flags, nr_html_put_fn put, void *ud)
{
	struct nr_html_esc e;

	if (!s)
		return 0;
	nr_html_esc_init(&e, flags, put, ud);
	return escape_run(&e, (const unsigned char *)s, strlen(s), false);
}
