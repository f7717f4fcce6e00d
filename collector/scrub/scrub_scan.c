/* SPDX-License-Identifier: MIT */
/* The scrubber's primitives: byte tests, output of kept and hidden spans,
 * and shell/JSON quote tracking.  See scrub.c for the design. */
#include "scrub_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ---- bytes ------------------------------------------------------------- */

/* p[0,len) starts with word (lowercase ASCII), ignoring case. */
bool nr_scrub_ci_prefix(const char *p, size_t len, const char *word)
{
	size_t i;

	for (i = 0; word[i]; i++)
		if (i >= len || lower(p[i]) != word[i])
			return false;
	return true;
}

bool nr_scrub_ci_equal(const char *p, size_t len, const char *word)
{
	return strlen(word) == len && nr_scrub_ci_prefix(p, len, word);
}

size_t nr_scrub_skip_ws(const char *r, size_t p, size_t n)
{
	while (p < n && is_ws(r[p]))
		p++;
	return p;
}

/* ---- output -------------------------------------------------------------- */

void nr_scrub_out_raw(struct nr_scrub *s, const void *p, size_t len)
{
	int rc;

	if (len == 0 || s->err)
		return;
	rc = s->out(s->ud, p, len);
	if (rc < 0)
		s->err = rc;
}

/* Hides r[from,to): the first piece of a value becomes the marker (and is
 * counted), later pieces of the same value after a forced cut just vanish.
 * Returns the new "marked" state. */
bool nr_scrub_hide(struct scan *c, size_t from, size_t to, bool marked)
{
	if (from >= to)
		return marked;
	nr_scrub_out_raw(c->s, c->r + c->done, from - c->done);
	if (!marked) {
		nr_scrub_out_raw(c->s, NR_SCRUB_MARKER, MARKER_LEN);
		c->s->count++;
	}
	c->done = to;
	return true;
}

/* Hides a value and, if it runs into a forced cut, remembers how it goes on. */
void nr_scrub_value_span(struct scan *c, size_t from, size_t to, struct cont k)
{
	k.marked = nr_scrub_hide(c, from, to, k.marked);
	if (to == c->n && c->forced)
		c->next = k;
}

/* ---- quote tracking ------------------------------------------------------ */

/* Follows the quoting around the scan position, so a value knows what ends
 * it: libvirt logs shell-quote arguments ('...' holding JSON with "..."),
 * argv elements only carry JSON strings.  Bytes consumed by a rule are not
 * fed here; every rule consumes balanced text. */
void nr_scrub_track(struct scan *c, char ch)
{
	if (c->bs) {
		c->bs = false;
	} else if (c->mode == MODE_ARG) {
		if (ch == '"')
			c->js = !c->js;
		else if (ch == '\\' && c->js)
			c->bs = true;
	} else if (c->sh == 0) {
		if (ch == '\\')
			c->bs = true;
		else if (ch == '\'' || ch == '"')
			c->sh = ch;
	} else if (c->sh == '\'') {
		if (ch == '\'')
			c->sh = 0;
		else if (ch == '"')
			c->js = !c->js;
		else if (ch == '\\' && c->js)
			c->bs = true;
	} else {
		if (ch == '\\')
			c->bs = true;
		else if (ch == '"')
			c->sh = 0;
	}
}

unsigned nr_scrub_value_term(const struct scan *c, bool colon)
{
	unsigned t = colon ? T_COLON : 0;

	if (c->mode == MODE_ARG)
		return t | (c->js ? T_DQ : 0);
	if (c->sh == '\'')
		return t | T_SQ | (c->js ? T_DQ : 0);
	if (c->sh == '"')
		return t | T_DQ;
	return t | T_WS | T_SQ | T_DQ | T_LT;
}
