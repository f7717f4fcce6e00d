/* SPDX-License-Identifier: MIT */
/* Always-on secret scrubber: see scrub.h for the contract and
 * docs/scrubbing.md for every form recognised and what is left alone.
 *
 * Input is cut into records at '\n' and '\0'.  A record is buffered whole
 * (up to NR_SCRUB_RECORD_MAX) because the rules need context on both sides
 * of a value: the comma-list a data= belongs to, the quotes it sits in, the
 * '@' that turns "user:pass" into a URL password.  Each record is scanned
 * once, left to right; a rule that recognises a secret value replaces it
 * with NR_SCRUB_MARKER and the scan resumes after it, so a stream costs O(n).
 *
 * Two kinds of state outlive a record: an XML <secret> element (its text may
 * span lines), and, when an over-long record had to be cut, whatever was
 * open at the cut (a value, the quote state, the comma-list kind), so the
 * rest of a cut value is dropped instead of leaked.
 *
 * Every byte test here is ASCII-only on purpose: <ctype.h> is undefined for
 * negative chars (binary junk) and depends on the locale.
 */
#include "scrub_internal.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- fragments ----------------------------------------------------------- */

/* Picks up what a forced cut left open at the start of this fragment. */
static void resume(struct scan *c)
{
	struct carry k = c->s->carry;
	size_t e;

	c->sh = k.sh;
	c->js = k.js;
	c->carry_word = k.word_secret;
	switch (k.value.kind) {
	case CONT_OPT:
		c->i = nr_scrub_opt_value_end(c->r, 0, c->n, k.value.term);
		nr_scrub_value_span(c, 0, c->i, k.value);
		break;
	case CONT_QUOTED:
		e = nr_scrub_quoted_end(c->r, 0, c->n, k.value.quote);
		nr_scrub_value_span(c, 0, e, k.value);
		c->i = e < c->n ? e + 1 : e;
		break;
	case CONT_JSON:
		e = nr_scrub_json_run(c, 0, &k.value);
		c->i = e == NOMATCH ? 0 : e;
		break;
	case CONT_NONE:
		break;
	}
}

/* Hands the open state of a forced fragment to the next one; a real record
 * end closes everything but the XML element. */
static void hand_over(struct scan *c)
{
	struct carry *k = &c->s->carry;

	*k = (struct carry){ 0 };
	if (!c->forced)
		return;
	k->value = c->next;
	k->sh = c->sh;
	k->js = c->js;
	k->word_secret = c->n > 0 && !nr_scrub_is_word_delim(c->r[c->n - 1]) &&
			 nr_scrub_word_secret(c, c->n - 1);
}

static bool step(struct scan *c)
{
	if (c->s->xml.st != X_NONE) {
		if (nr_scrub_xml_step(c))
			return true;
	} else if (nr_scrub_try_secret_tag(c)) {
		return true;
	}
	return nr_scrub_try_json(c) || nr_scrub_try_url(c) || nr_scrub_try_opt(c);
}

/* Scrubs and emits s->buf[0,n). */
static void scrub_fragment(struct nr_scrub *s, size_t n, enum mode mode,
			   bool forced)
{
	struct scan c = { .s = s, .r = s->buf, .n = n, .mode = mode,
			  .forced = forced };

	resume(&c);
	while (c.i < n && !s->err) {
		if (step(&c))
			continue;
		nr_scrub_track(&c, c.r[c.i]);
		c.i++;
	}
	nr_scrub_out_raw(s, c.r + c.done, n - c.done);
	hand_over(&c);
}

static bool is_cut_sep(char ch)
{
	return ch == ',' || ch == ':' || ch == '"' || ch == '\'' || ch == '>';
}

/* Where to cut a full buffer: after the last blank (between arguments of a
 * log line, the least likely place for a value), else after the last other
 * safe separator, never inside ",,".  Only the upper half is searched so
 * each cut frees at least half the buffer and the stream stays O(n); with no
 * separator there, the cut is hard, at the end. */
static size_t choose_cut(const char *b, size_t len)
{
	size_t lo = len / 2, j;

	for (j = len - 1; j-- > lo;)
		if (b[j] == ' ' || b[j] == '\t')
			return j + 1;
	for (j = len - 1; j-- > lo;)
		if (is_cut_sep(b[j]) && !(b[j] == ',' && b[j + 1] == ','))
			return j + 1;
	return len;
}

static void cut_forced(struct nr_scrub *s)
{
	size_t cut = choose_cut(s->buf, s->len);

	scrub_fragment(s, cut, s->seen_nul ? MODE_ARG : MODE_LINE, true);
	memmove(s->buf, s->buf + cut, s->len - cut);
	s->len -= cut;
}

static void end_record(struct nr_scrub *s, char sep)
{
	if (sep == '\0')
		s->seen_nul = true;
	scrub_fragment(s, s->len, sep == '\0' ? MODE_ARG : MODE_LINE, false);
	nr_scrub_out_raw(s, &sep, 1);
	s->len = 0;
}

static size_t sep_span(const char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] == '\n' || p[i] == '\0')
			break;
	return i;
}

/* ---- API ----------------------------------------------------------------- */

struct nr_scrub *nr_scrub_new(nr_scrub_out_fn out, void *ud)
{
	struct nr_scrub *s;

	if (!out) {
		errno = EINVAL;
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (s)
		s->buf = malloc(NR_SCRUB_RECORD_MAX);
	if (!s || !s->buf) {
		free(s);
		return NULL;
	}
	s->out = out;
	s->ud = ud;
	return s;
}

int nr_scrub_write(struct nr_scrub *s, const void *data, size_t len)
{
	const char *p = data;

	if (!s || (!data && len))
		return -EINVAL;
	while (len > 0 && !s->err) {
		/* look no further than the buffer can take: a long input
		 * without separators must not be rescanned at every cut */
		size_t room = NR_SCRUB_RECORD_MAX - s->len;
		size_t n = sep_span(p, len < room ? len : room);

		memcpy(s->buf + s->len, p, n);
		s->len += n;
		p += n;
		len -= n;
		if (len == 0)
			break;
		if (*p == '\n' || *p == '\0') {
			end_record(s, *p);
			p++;
			len--;
		} else {
			cut_forced(s);          /* buffer full inside a record */
		}
	}
	return s->err;
}

int nr_scrub_finish(struct nr_scrub *s)
{
	if (!s)
		return -EINVAL;
	if (!s->err)
		scrub_fragment(s, s->len, s->final_is_arg || s->seen_nul ?
				   MODE_ARG : MODE_LINE, false);
	s->len = 0;
	s->xml = (struct xml){ 0 };     /* an unclosed <secret> ends here */
	return s->err;
}

size_t nr_scrub_count(const struct nr_scrub *s)
{
	return s ? s->count : 0;
}

void nr_scrub_free(struct nr_scrub *s)
{
	if (!s)
		return;
	free(s->buf);
	free(s);
}

struct strbuf {
	char *p;
	size_t len, cap;
};

static int strbuf_put(void *ud, const void *data, size_t len)
{
	struct strbuf *b = ud;
	size_t cap = b->cap ? b->cap : 64;
	char *p;

	while (cap - b->len < len) {
		if (cap > SIZE_MAX / 2)
			return -ENOMEM;
		cap *= 2;
	}
	if (cap != b->cap) {
		p = realloc(b->p, cap);
		if (!p)
			return -ENOMEM;
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, len);
	b->len += len;
	return 0;
}

char *nr_scrub_string(const char *in, size_t *count)
{
	struct strbuf b = { 0 };
	struct nr_scrub *s = nr_scrub_new(strbuf_put, &b);
	int rc;

	if (!s)
		return NULL;
	/* one argv element, where a blank is part of a value; a string with
	 * lines (a captured stderr) is text like any artifact */
	s->final_is_arg = in && !strchr(in, '\n');
	rc = nr_scrub_write(s, in ? in : "", in ? strlen(in) : 0);
	if (!rc)
		rc = nr_scrub_finish(s);
	if (!rc)
		rc = strbuf_put(&b, "", 1);
	if (!rc && count)
		*count += s->count;
	nr_scrub_free(s);
	if (rc) {
		free(b.p);
		return NULL;
	}
	return b.p;
}
