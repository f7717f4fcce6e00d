/* SPDX-License-Identifier: MIT */
/* The streaming replacer.
 *
 * Input collects in a window.  When the window is full, every position up
 * to `cut` (TOKEN_MAX bytes short of the end, so any match starting there
 * is seen whole) is scanned once, left to right; what is not replaced is
 * copied through, and the unscanned tail moves to the front.  The original
 * bytes just before the window are kept (`behind`) for the few tests that
 * look back: "is this inside a longer word", "/home/", "version".  A name
 * that straddles the cut (letters, digits and . - _) is not split: the cut
 * moves back to its start, so an FQDN's host labels are still in the
 * window when the domain after them is recognised.  Memory is one window
 * whatever the input, and the output does not depend on how the input was
 * split across writes.
 *
 * A match can only start where a word starts (the byte before is not a
 * letter or digit): "ken" is never found in "kernel", and the scan skips
 * the rest of a word in one step.
 */
#include "redact_internal.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WINDOW (64 * 1024)
#define TOKEN_MAX 320           /* > any match: a word is at most 255 bytes */
#define BEHIND 16
#define HOME_NAME_MAX 64

struct nr_redact_stream {
	struct nr_redactor *r;
	nr_redact_out_fn out;
	void *ud;
	int err;
	size_t count;
	size_t len;
	size_t behind_len;
	unsigned char behind[BEHIND];   /* original bytes just before buf[0] */
	char rep[512];                  /* the replacement being emitted */
	unsigned char buf[WINDOW + 2 * TOKEN_MAX];
};

struct match {
	size_t start, end;      /* replaced span (start may precede the scan point) */
	const char *text;       /* replacement; NULL: a shape left readable, skip it */
	size_t len;
};

static int emit(struct nr_redact_stream *s, const void *p, size_t n)
{
	if (s->err == 0 && n > 0)
		s->err = s->out(s->ud, p, n);
	return s->err;
}

/* The byte k positions before buf[i] (k >= 1), from the window or from
 * what preceded it; 0 at the start of the stream. */
static unsigned char before(const struct nr_redact_stream *s, size_t i, size_t k)
{
	if (k <= i)
		return s->buf[i - k];
	k -= i;
	return k <= s->behind_len ? s->behind[s->behind_len - k] : 0;
}

static int label_char(unsigned char c)
{
	return nr_is_alnum(c) || c == '-' || c == '_';
}

static int name_char(unsigned char c)
{
	return label_char(c) || c == '.';
}

/* ---- shapes ----------------------------------------------------------------- */

/* The placeholder, in the original's case (dmidecode prints UUIDs in upper
 * case) and with its separator. */
static void styled(struct nr_redact_stream *s, const char *ph, const unsigned char *orig, size_t n,
                   char sep, struct match *m)
{
	size_t i, len = strlen(ph);
	bool upper = false;

	for (i = 0; i < n; i++)
		upper = upper || (orig[i] >= 'A' && orig[i] <= 'F');
	for (i = 0; i < len && i < sizeof(s->rep) - 1; i++) {
		char c = ph[i];

		if (c == ':' && sep)
			c = sep;
		if (upper && c >= 'a' && c <= 'f')
			c = (char)(c - 32);
		s->rep[i] = c;
	}
	s->rep[i] = '\0';
	m->text = s->rep;
	m->len = i;
}

/* A dotted quad where a version is likelier than an address: right after
 * the word "version", or followed by -, +, ~ or _ and not by another
 * address (2.6.32.71-generic is a kernel; 10.0.0.1-10.0.0.9 is a range). */
static bool version_context(const struct nr_redact_stream *s, size_t i, size_t end, size_t avail)
{
	static const char word[] = "version";
	unsigned char after = end < avail ? s->buf[end] : 0;
	uint32_t dummy;
	size_t k = 1, j;

	if (after == '+' || after == '~' || after == '_')
		return true;
	if (after == '-')
		return nr_shape_ipv4((const char *)s->buf + end + 1, avail - end - 1, &dummy) == 0;
	while (k <= 3 && (before(s, i, k) == ' ' || before(s, i, k) == ':' || before(s, i, k) == '='))
		k++;
	if (k == 1)
		return false;
	for (j = 0; j < 7; j++)
		if (nr_lower(before(s, i, k + j)) != (unsigned char)word[6 - j])
			return false;
	return !nr_is_alnum(before(s, i, k + 7));
}

static bool match_shape(struct nr_redact_stream *s, size_t i, size_t avail, struct match *m)
{
	const unsigned char *p = s->buf + i;
	const char *cp = (const char *)p;
	unsigned char b[16], prev = before(s, i, 1);
	size_t n;
	uint32_t a;
	char sep;

#define AFTER(k) ((k) < avail ? p[k] : 0)
	m->start = i;
	if ((n = nr_shape_uuid(cp, avail, b)) && !nr_is_alnum(AFTER(n)) &&
	    !(AFTER(n) == '-' && nr_is_hex(AFTER(n + 1)))) {
		m->end = i + n;
		m->text = nr_shape_uuid_ph(s->r, b, false);
		if (m->text)
			styled(s, m->text, p, n, 0, m);
		return true;
	}
	if ((n = nr_shape_mac(cp, avail, b, &sep)) && !(prev == (unsigned char)sep && nr_is_hex(before(s, i, 2))) &&
	    !nr_is_alnum(AFTER(n)) && !(AFTER(n) == (unsigned char)sep && nr_is_hex(AFTER(n + 1)))) {
		m->end = i + n;
		m->text = nr_shape_mac_ph(s->r, b, false);
		if (m->text)
			styled(s, m->text, p, n, sep, m);
		return true;
	}
	if (prev != ':' && prev != '.' && (nr_is_hex(p[0]) || (p[0] == ':' && AFTER(1) == ':')) &&
	    (n = nr_shape_ipv6(cp, avail, b)) && !nr_is_alnum(AFTER(n))) {
		m->end = i + n;
		m->text = nr_shape_ipv6_ph(s->r, b, false);
		m->len = m->text ? strlen(m->text) : 0;
		return true;
	}
	if (prev != '.' && (n = nr_shape_ipv4(cp, avail, &a)) && !nr_is_alnum(AFTER(n)) &&
	    !(AFTER(n) == '.' && AFTER(n + 1) >= '0' && AFTER(n + 1) <= '9')) {
		m->end = i + n;
		m->text = NULL;
		if (nr_shape_ipv4_learnt(s->r, a) || !version_context(s, i, i + n, i + avail))
			m->text = nr_shape_ipv4_ph(s->r, a, false);
		m->len = m->text ? strlen(m->text) : 0;
		return true;
	}
#undef AFTER
	return false;
}

/* ---- words -------------------------------------------------------------------- */

/* The FQDN a learnt domain ends: walk back over the host labels before it
 * (only those still in the window and whole).  Returns where the name
 * starts (== i: the domain stands alone). */
static size_t host_labels(const struct nr_redact_stream *s, size_t i, size_t pending)
{
	size_t start = i, j = i, k;

	while (j > pending && s->buf[j - 1] == '.') {
		k = j - 1;
		while (k > pending && label_char(s->buf[k - 1]))
			k--;
		if (k == j - 1 || label_char(before(s, k, 1)))
			break;   /* empty, or the label began before what we still hold */
		start = k;
		j = k;
	}
	return start;
}

static bool match_word(struct nr_redact_stream *s, size_t i, size_t avail, size_t pending,
                       struct match *m)
{
	struct nr_redactor *r = s->r;
	const unsigned char *p = s->buf + i;
	uint64_t h = NR_HASH_INIT;
	size_t j = 0, host_start, best_end = 0, hl;
	long id, best = -1;
	const char *dph;
	unsigned char c0 = nr_lower(p[0]);

	/* Most words start with a letter no identity starts with. */
	if (!(r->first_chars[c0 >> 3] & (1u << (c0 & 7))))
		return false;
	while (j < avail && nr_is_alnum(p[j]))
		h = nr_hash_step(h, p[j++]);
	if (!nr_ident_first_run(r, h))
		return false;
	for (;;) {
		/* j ends a run of letters and digits: a word may end here. */
		id = nr_ident_find_word(r, (const char *)p, j, h);
		if (id >= 0 && r->ids[id].word) {
			best = id;
			best_end = j;
		}
		if (j >= avail || j >= r->max_word)
			break;
		while (j < avail && j < r->max_word && !nr_is_alnum(p[j]))
			h = nr_hash_step(h, p[j++]);
		if (j >= avail || !nr_is_alnum(p[j]))
			break;
		while (j < avail && nr_is_alnum(p[j]))
			h = nr_hash_step(h, p[j++]);
	}
	if (best < 0)
		return false;
	m->start = i;
	m->end = i + best_end;
	m->text = r->ids[best].placeholder;
	m->len = strlen(m->text);
	if (r->ids[best].kind != NR_ID_DOMAIN || (host_start = host_labels(s, i, pending)) == i)
		return true;
	/* host.domain: the host part gets a host placeholder of its own. */
	hl = i - 1 - host_start;
	id = nr_ident_find_word(r, (const char *)s->buf + host_start, hl,
	                        nr_ident_hash((const char *)s->buf + host_start, hl));
	if (id < 0)
		id = nr_ident_add_word(r, NR_ID_HOST, (const char *)s->buf + host_start, hl, NULL, false);
	dph = m->text;
	m->start = host_start;
	m->len = (size_t)snprintf(s->rep, sizeof(s->rep), "%s.%s",
	                          id >= 0 ? r->ids[id].placeholder : nr_ident_overflow(NR_ID_HOST), dph);
	m->text = s->rep;
	if (id < 0)
		r->overflowed++;
	return true;
}

/* /home/NAME: NAME is a user, whatever else is known. */
static bool match_home(struct nr_redact_stream *s, size_t i, size_t avail, struct match *m)
{
	static const char home[] = "/home/";
	const unsigned char *p = s->buf + i;
	size_t k, n = 0;
	long id;
	bool word;

	for (k = 1; k <= 6; k++)
		if (before(s, i, k) != (unsigned char)home[6 - k])
			return false;
	while (n < avail && n <= HOME_NAME_MAX && name_char(p[n]))
		n++;
	if (n == 0 || n > HOME_NAME_MAX)
		return false;
	word = nr_redact_word_shape((const char *)p, n, false) &&
	       !nr_redact_stopword((const char *)p, n);
	id = nr_ident_add_word(s->r, NR_ID_USER, (const char *)p, n, NULL, word);
	m->start = i;
	m->end = i + n;
	m->text = id >= 0 ? s->r->ids[id].placeholder : nr_ident_overflow(NR_ID_USER);
	m->len = strlen(m->text);
	if (id < 0)
		s->r->overflowed++;
	return true;
}

/* ---- the window ----------------------------------------------------------------- */

static void keep_behind(struct nr_redact_stream *s, size_t upto)
{
	if (upto >= BEHIND) {
		memcpy(s->behind, s->buf + upto - BEHIND, BEHIND);
		s->behind_len = BEHIND;
		return;
	}
	if (s->behind_len + upto > BEHIND) {
		size_t drop = s->behind_len + upto - BEHIND;

		memmove(s->behind, s->behind + drop, s->behind_len - drop);
		s->behind_len -= drop;
	}
	memcpy(s->behind + s->behind_len, s->buf, upto);
	s->behind_len += upto;
}

static void process(struct nr_redact_stream *s, bool final)
{
	size_t cut = final ? s->len : s->len - TOKEN_MAX, i = 0, pending = 0, keep;

	if (!final && name_char(s->buf[cut])) {
		size_t lo = cut - TOKEN_MAX;

		while (cut > lo && name_char(s->buf[cut - 1]))
			cut--;
	}
	while (i < cut && s->err == 0) {
		unsigned char c = s->buf[i];
		struct match m;
		size_t avail = s->len - i;

		if (!nr_is_alnum(c) && !(c == ':' && i + 1 < s->len && s->buf[i + 1] == ':')) {
			i++;
			continue;
		}
		if (!nr_is_alnum(before(s, i, 1)) &&
		    (match_shape(s, i, avail, &m) || (s->r->words.n > 0 && nr_is_alnum(c) &&
		                                      match_word(s, i, avail, pending, &m)) ||
		     (nr_is_alnum(c) && match_home(s, i, avail, &m)))) {
			if (m.text) {
				emit(s, s->buf + pending, m.start - pending);
				emit(s, m.text, m.len);
				s->count++;
				s->r->replacements++;
				pending = m.end;
			}
			i = m.end;
			continue;
		}
		for (i++; i < cut && nr_is_alnum(s->buf[i]); i++)
			;
	}
	keep = final ? s->len : (pending > cut ? pending : cut);
	if (i > keep)
		keep = i;
	emit(s, s->buf + pending, keep - pending);
	keep_behind(s, keep);
	memmove(s->buf, s->buf + keep, s->len - keep);
	s->len -= keep;
}

struct nr_redact_stream *nr_redact_stream_new(struct nr_redactor *r, nr_redact_out_fn out,
                                              void *ud)
{
	struct nr_redact_stream *s;

	if (!r || !out) {
		errno = EINVAL;
		return NULL;
	}
	s = malloc(sizeof(*s));
	if (!s)
		return NULL;
	memset(s, 0, offsetof(struct nr_redact_stream, buf));
	s->r = r;
	s->out = out;
	s->ud = ud;
	return s;
}

int nr_redact_stream_write(struct nr_redact_stream *s, const void *data, size_t len)
{
	const unsigned char *p = data;

	while (len > 0 && s->err == 0) {
		size_t room = sizeof(s->buf) - s->len, take = len < room ? len : room;

		memcpy(s->buf + s->len, p, take);
		s->len += take;
		p += take;
		len -= take;
		if (s->len == sizeof(s->buf))
			process(s, false);
	}
	return s->err;
}

int nr_redact_stream_finish(struct nr_redact_stream *s)
{
	if (s->err == 0)
		process(s, true);
	return s->err;
}

size_t nr_redact_stream_count(const struct nr_redact_stream *s)
{
	return s->count;
}

void nr_redact_stream_free(struct nr_redact_stream *s)
{
	free(s);
}

/* ---- one string --------------------------------------------------------------- */

struct strbuf {
	char *p;
	size_t len, cap;
};

static int strbuf_out(void *ud, const void *data, size_t len)
{
	struct strbuf *b = ud;

	if (b->len + len + 1 > b->cap) {
		size_t cap = (b->len + len + 1) * 2;
		char *p = realloc(b->p, cap);

		if (!p)
			return -ENOMEM;
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, len);
	b->len += len;
	b->p[b->len] = '\0';
	return 0;
}

char *nr_redact_string(struct nr_redactor *r, const char *in, size_t *count)
{
	struct nr_redact_stream *s = nr_redact_stream_new(r, strbuf_out, NULL);
	struct strbuf b = { NULL, 0, 0 };
	int rc;

	if (!s)
		return NULL;
	s->ud = &b;
	rc = strbuf_out(&b, "", 0);
	if (rc == 0)
		rc = nr_redact_stream_write(s, in, strlen(in));
	if (rc == 0)
		rc = nr_redact_stream_finish(s);
	if (count)
		*count += s->count;
	nr_redact_stream_free(s);
	if (rc < 0) {
		free(b.p);
		return NULL;
	}
	return b.p;
}
