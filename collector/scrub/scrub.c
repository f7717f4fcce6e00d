/* SPDX-License-Identifier: MIT */
/* The scrubber's top layer: records, windows and the API (scrub.h).
 *
 * Input is cut into records (an argv element, a line, a logged command
 * line's quoted argument that spans lines) and each record is scanned as a
 * whole by the syntax models (scrub_model.h), because a value's meaning
 * needs context on both sides: the list a data= belongs to, the quotes it
 * sits in, the '@' that makes "user:pass" a URL's password.  The models
 * return the raw spans to hide; this file writes the record with each span
 * replaced by the marker.  A record that holds no stem of the vocabulary
 * and nothing that starts an escape is copied as it is: most lines of a
 * log cost one pass.
 *
 * A record longer than NR_SCRUB_RECORD_MAX is scanned in windows of that
 * size.  A window is scanned whole but written only up to a cut chosen in
 * its upper half and at least LOOKAHEAD bytes before its end, at a token
 * boundary the lexer offered (so the next window starts with the lexer's
 * exact state) or else after a blank or separator.  What the scan found
 * past the cut is carried into the next window, and a value that runs past
 * the window's end is hidden in the next window up to what ends it in raw
 * bytes (struct nr_scrub_term).  Each byte is scanned at most twice.
 *
 * State that outlives a record: the XML element or tag still open, a JSON
 * member whose value is on the next line, "-append" waiting for its
 * argument.
 */
#include "scrub.h"
#include "scrub_model.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MARKER_LEN (sizeof(NR_SCRUB_MARKER) - 1)
#define LOOKAHEAD 256
#define OBUF_MAX (64 * 1024)

enum kind { KIND_UNKNOWN, KIND_ARGV, KIND_TEXT };

/* Where the text splitter is: outside quotes, inside '...', after a quote
 * inside them that may start '\'' (1: "'", 2: "'\", 3: "'\'"), or inside
 * ="..." (an XML attribute or name="value"; B: after a backslash). */
enum { Q_OUT, Q_SQ, Q_SQ1, Q_SQ2, Q_SQ3, Q_DQ, Q_DQB };

struct split {
	unsigned char q;
	char prev;              /* the byte before (0: a record's start) */
};

struct nr_scrub {
	nr_scrub_out_fn out;
	void *ud;
	enum kind kind;
	char *buf;              /* the record being gathered */
	size_t len;
	struct split sp;        /* the splitter after the input seen */
	struct split sp0;       /* ... at buf[0] */
	/* carried from one window of a record to the next */
	struct nr_scrub_hits carry;
	bool cont;
	bool cont_marked;       /* its marker is out (else its start was carried) */
	uint32_t cont_from;
	bool cont_exact;
	struct nr_scrub_term cont_inner, cont_outer;
	/* carried from one record to the next */
	struct nr_scrub_text text;      /* text streams */
	struct nr_scrub_argctx argctx;  /* argv streams: set by the element before */
	struct nr_scrub_argctx elemctx; /* ... and what the current element had */
	bool mid;               /* buf continues a record cut before */
	unsigned kv_facts;      /* what the list open at the cut said (scrub_kv.c) */
	/* scratch and output */
	struct nr_scrub_arena arena;
	struct nr_scrub_hits hits;
	char *obuf;
	size_t olen;
	size_t count;
	int err;
};

/* ---- --redact-word ------------------------------------------------------------ */

static char redact[NR_SCRUB_WORDS_MAX][NR_SCRUB_WORD_MAX + 1];
static size_t redact_len[NR_SCRUB_WORDS_MAX];
static size_t n_redact;

int nr_scrub_redact_word(const char *word, struct nr_error *err)
{
	size_t n = word ? strlen(word) : 0, i;

	/* the word is a secret: messages never repeat it */
	if (n < NR_SCRUB_WORD_MIN || n > NR_SCRUB_WORD_MAX)
		return nr_error_set(err, EINVAL, "--redact-word wants %d to %d bytes, not %zu",
		                    NR_SCRUB_WORD_MIN, NR_SCRUB_WORD_MAX, n);
	if (strchr(word, '\n'))
		return nr_error_set(err, EINVAL, "--redact-word: a word cannot hold a newline");
	if (n_redact == NR_SCRUB_WORDS_MAX)
		return nr_error_set(err, EINVAL, "--redact-word: at most %d words",
		                    NR_SCRUB_WORDS_MAX);
	for (i = 0; i < n; i++)
		redact[n_redact][i] = nr_scrub_lower(word[i]);
	redact_len[n_redact++] = n;
	return 0;
}

/* Each occurrence of a --redact-word in w[0,n), into hits (when not NULL);
 * whether there was one. */
static bool redact_find(const char *w, size_t n, struct nr_scrub_hits *hits)
{
	size_t k, i;
	bool any = false;

	for (k = 0; k < n_redact; k++)
		for (i = 0; i + redact_len[k] <= n; i++) {
			if (nr_scrub_lower(w[i]) != redact[k][0] ||
			    !nr_scrub_ci_prefix(w + i, n - i, redact[k]))
				continue;
			any = true;
			if (!hits)
				return true;
			nr_scrub_hits_add(hits, (uint32_t)i, (uint32_t)(i + redact_len[k]), true);
			i += redact_len[k] - 1;
		}
	return any;
}

/* ---- output ----------------------------------------------------------------------- */

static void flush(struct nr_scrub *s)
{
	int rc;

	if (s->olen == 0 || s->err)
		return;
	rc = s->out(s->ud, s->obuf, s->olen);
	s->olen = 0;
	if (rc < 0)
		s->err = rc;
}

static void put(struct nr_scrub *s, const void *p, size_t n)
{
	int rc;

	if (n == 0 || s->err)
		return;
	if (s->olen + n > OBUF_MAX)
		flush(s);
	if (n >= OBUF_MAX && !s->err) {
		rc = s->out(s->ud, p, n);
		if (rc < 0)
			s->err = rc;
		return;
	}
	memcpy(s->obuf + s->olen, p, n);
	s->olen += n;
}

/* Writes w[0,cut) with the hits replaced; hits past the cut are carried
 * into the next window (whose byte 0 is w[cut]). */
static void emit(struct nr_scrub *s, const char *w, size_t cut)
{
	struct nr_scrub_hits *h = &s->hits;
	size_t k = 0, pos = 0;
	uint32_t lo, hi;
	bool first, cont;

	nr_scrub_hits_sort(h);
	while (k < h->n) {
		lo = h->v[k].lo;
		hi = h->v[k].hi;
		first = h->v[k].first;
		cont = h->v[k].cont;
		for (k++; k < h->n && h->v[k].lo <= hi; k++) {
			hi = h->v[k].hi > hi ? h->v[k].hi : hi;
			first = first || h->v[k].first;
			cont = cont || h->v[k].cont;
		}
		if (lo >= cut) {
			nr_scrub_hits_add(&s->carry, lo - (uint32_t)cut, hi - (uint32_t)cut, first);
			if (cont)
				nr_scrub_hits_add_cont(&s->carry, lo - (uint32_t)cut, hi - (uint32_t)cut);
			continue;
		}
		put(s, w + pos, lo - pos);
		/* the rest of a value cut before gets no second marker */
		if (first && !cont) {
			put(s, NR_SCRUB_MARKER, MARKER_LEN);
			s->count++;
		}
		if (hi > cut) {
			nr_scrub_hits_add_cont(&s->carry, 0, hi - (uint32_t)cut);
			hi = (uint32_t)cut;
		}
		pos = hi;
	}
	put(s, w + pos, cut - pos);
	if (s->carry.nomem)
		s->err = -ENOMEM;
}

/* ---- splitting into records ----------------------------------------------------- */

static bool quote_opens(char prev)
{
	return prev == 0 || prev == '=' || prev == '\'' || nr_scrub_is_blank(prev);
}

/* Feeds p[0,n) of a text stream to the splitter; returns the index of the
 * byte that ends the record ('\n' outside quotes, '\0'), or n. */
static size_t split_text(struct split *sp, const char *p, size_t n)
{
	static const bool plain_stop[256] = {
		['\0'] = 1, ['\n'] = 1, ['\''] = 1, ['"'] = 1,
	};
	size_t i, j;

	for (i = 0; i < n; i++) {
		char c = p[i];

		if (sp->q == Q_OUT && !plain_stop[(unsigned char)c]) {
			/* most bytes: nothing to do but remember the last one */
			for (j = i + 1; j < n && !plain_stop[(unsigned char)p[j]]; j++)
				;
			sp->prev = p[j - 1];
			i = j - 1;
			continue;
		}

		if (c == '\0')
			return i;
		switch (sp->q) {
		case Q_DQ:
			sp->q = c == '"' ? Q_OUT : c == '\\' ? Q_DQB : Q_DQ;
			sp->prev = c;
			continue;
		case Q_DQB:
			sp->q = Q_DQ;
			continue;
		case Q_SQ:
			sp->q = c == '\'' ? Q_SQ1 : Q_SQ;
			continue;
		case Q_SQ1:
			if (c == '\\') {
				sp->q = Q_SQ2;
				continue;
			}
			sp->prev = '\'';        /* the quote closed */
			break;
		case Q_SQ2:
			sp->q = c == '\'' ? Q_SQ3 : Q_OUT;
			if (sp->q == Q_SQ3)
				continue;
			sp->prev = '\\';
			break;
		case Q_SQ3:
			sp->q = c == '\'' ? Q_SQ : Q_OUT;
			if (sp->q == Q_SQ)
				continue;
			sp->prev = '\\';
			break;
		}
		sp->q = Q_OUT;
		if (c == '\n')
			return i;
		if (c == '\'' && quote_opens(sp->prev))
			sp->q = Q_SQ;
		else if (c == '"' && sp->prev == '=')
			sp->q = Q_DQ;
		sp->prev = c;
	}
	return n;
}

/* Index in p[0,n) of the byte that ends the current record, or n. */
static size_t find_end(struct nr_scrub *s, const char *p, size_t n)
{
	const char *z;
	size_t e;

	if (s->kind == KIND_ARGV) {
		z = memchr(p, '\0', n);
		return z ? (size_t)(z - p) : n;
	}
	e = split_text(&s->sp, p, n);
	/* the first record decides: ended by '\0' (and holding no newline),
	 * it is argv[0] of a /proc/PID/cmdline */
	if (s->kind == KIND_UNKNOWN && e < n) {
		s->kind = p[e] == '\0' && s->len + e > 0 && !memchr(p, '\n', e) &&
		                  !memchr(s->buf, '\n', s->len)
		                  ? KIND_ARGV
		                  : KIND_TEXT;
	}
	return e;
}

/* ---- windows --------------------------------------------------------------------- */

static bool is_cut_sep(char c)
{
	return c == ',' || c == ':' || c == '"' || c == '\'' || c == '>' || c == ';';
}

/* A cut by bytes: after the last blank in [n/2, n - LOOKAHEAD], else after
 * the last separator there (never inside ",,"), else hard. */
static size_t cut_bytes(const char *w, size_t n)
{
	size_t lo = n / 2, hi = n - LOOKAHEAD, j;

	for (j = hi; j > lo; j--)
		if (nr_scrub_is_blank(w[j - 1]))
			return j;
	for (j = hi; j > lo; j--)
		if (is_cut_sep(w[j - 1]) && !(w[j - 1] == ',' && (w[j] == ',' || w[j - 2] == ',')))
			return j;
	return hi;
}

static bool option_at(const char *w, size_t n, size_t j)
{
	size_t k = j;

	while (k < n && nr_scrub_is_name(w[k]))
		k++;
	return k > j && k < n && w[k] == '=';
}

/* Whether w[i] ends a value under t (bs: the backslashes just before it);
 * *skip: bytes after it that belong to the value; *end: where it ends. */
static bool ends_at(const char *w, size_t n, size_t i, const struct nr_scrub_term *t,
                    size_t bs, size_t *skip, size_t *end)
{
	char c = w[i];

	*skip = 0;
	*end = i;
	if (t->quote && c == t->quote) {
		if ((t->quote_bs == 1 && bs % 2 == 1) ||
		    (t->quote_bs == 2 && bs % 2 == 1 && bs % 4 != 1))
			return false;
		if (t->quote_bs == 2 && bs % 4 == 1)
			*end = i - 1;   /* the closer \" of JSON in a JSON string */
		if (t->quote_shell && n - i >= 4 && memcmp(w + i, "'\\''", 4) == 0) {
			*skip = 3;
			return false;
		}
		return true;
	}
	if ((t->blank && nr_scrub_is_blank(c)) || (t->lt && c == '<'))
		return true;
	if (t->comma_name && c == ',') {
		if (i + 1 < n && w[i + 1] == ',') {
			*skip = 1;
			return false;
		}
		return option_at(w, n, i + 1);
	}
	return false;
}

/* Where the rest of a value cut at the last window ends in w[from,n). */
static size_t cont_end(const struct nr_scrub *s, const char *w, size_t n, size_t from)
{
	size_t i, bs = 0, skip = 0, skip2 = 0, end;

	for (i = from; i < n; i++) {
		if (s->cont_exact && ends_at(w, n, i, &s->cont_inner, bs, &skip, &end))
			return end > from ? end : from;
		if (ends_at(w, n, i, &s->cont_outer, bs, &skip2, &end))
			return end > from ? end : from;
		bs = w[i] == '\\' ? bs + 1 : 0;
		i += skip > skip2 ? skip : skip2;
		skip = 0;
	}
	return n;
}

/* The splitter's state at w[cut], from its state at w[0]. */
static struct split split_at(const struct split *sp0, const char *w, size_t cut)
{
	struct split sp = *sp0;

	split_text(&sp, w, cut);
	return sp;
}

static bool text_busy(const struct nr_scrub *s)
{
	return s->kind != KIND_ARGV &&
	       (nr_scrub_xml_active(&s->text.xml) || s->text.jpend.on || s->text.sq);
}

/* A window with nothing to hide. */
static size_t window_plain(struct nr_scrub *s, const char *w, size_t n, bool more)
{
	size_t cut = more ? cut_bytes(w, n) : n;
	struct split sp;

	put(s, w, cut);
	if (more && s->kind != KIND_ARGV) {
		sp = split_at(&s->sp0, w, cut);
		s->text.sq = sp.q >= Q_SQ && sp.q <= Q_SQ3;
		s->sp0 = sp;
	}
	s->text.arg.kcmd = false;       /* no "append" in it: -append was not last */
	s->elemctx.kcmd = s->mid ? s->elemctx.kcmd : s->argctx.kcmd;
	s->argctx.kcmd = false;
	return cut;
}

/* The next window's start after a cut: the lexer's state at its token
 * boundary, else the end state with the splitter's quote state there. */
static size_t pick_cut(struct nr_scrub *s, const char *w, size_t n,
                       const struct nr_scrub_cutpick *cp)
{
	struct split sp;
	size_t cut;

	if (s->kind == KIND_ARGV)
		return cut_bytes(w, n);
	if (cp->at) {
		cut = cp->at;
		s->text = cp->state;
	} else {
		cut = cut_bytes(w, n);
	}
	sp = split_at(&s->sp0, w, cut);
	s->text.sq = sp.q >= Q_SQ && sp.q <= Q_SQ3;
	s->text.jpend.on = false;       /* its name is after the cut: seen again */
	s->sp0 = sp;
	return cut;
}

/* The hits the last window carried into this one, and the rest of the
 * value it left open.  Returns whether that value is still open at the end
 * of this window; *from: where it was taken up. */
static bool take_carry(struct nr_scrub *s, const char *w, size_t n, bool more, uint32_t *from)
{
	size_t k, e;

	for (k = 0; k < s->carry.n; k++) {
		nr_scrub_hits_add(&s->hits, s->carry.v[k].lo, s->carry.v[k].hi, s->carry.v[k].first);
		if (s->carry.v[k].cont)
			nr_scrub_hits_add_cont(&s->hits, s->carry.v[k].lo, s->carry.v[k].hi);
	}
	s->carry.n = 0;
	if (!s->cont)
		return false;
	s->cont = false;
	*from = s->cont_from;
	e = cont_end(s, w, n, s->cont_from);
	if (s->cont_marked)
		nr_scrub_hits_add_cont(&s->hits, s->cont_from, (uint32_t)e);
	else
		nr_scrub_hits_add(&s->hits, s->cont_from, (uint32_t)e, false);
	return e == n && more;
}

/* A value open at the window's end goes on in the next window, which
 * starts at the cut. */
static void leave_open(struct nr_scrub *s, const struct nr_scrub_scan *sc, size_t n, size_t cut,
                       const struct nr_scrub_term *end_term, uint32_t old_from)
{
	s->cont = true;
	s->cont_from = (uint32_t)(n - cut);
	s->cont_outer = *end_term;
	if (sc->open) {
		s->cont_exact = sc->open_exact;
		s->cont_inner = sc->open_term;
		s->cont_marked = sc->open_lo < cut;
	} else {
		/* when unsure whether the marker is out, write one */
		s->cont_marked = s->cont_marked || old_from <= cut;
	}
}

/* Scans w[0,n) and writes it up to the cut it returns (n unless more). */
static size_t window(struct nr_scrub *s, const char *w, size_t n, bool more)
{
	struct nr_scrub_view v = { w, n, NULL, NULL, 0 };
	struct nr_scrub_scan sc = { &s->arena, &s->hits, &nr_scrub_grammar, (uint32_t)n, more };
	struct nr_scrub_cutpick cp = { 0 };
	struct nr_scrub_term end_term = { 0 };
	struct nr_scrub_argctx ctx;
	uint32_t cont_from = 0;
	size_t cut = n;
	bool cont_open;

	if (!s->carry.n && !s->cont && !text_busy(s) && !nr_scrub_may_hold_secret(w, n) &&
	    !redact_find(w, n, NULL))
		return window_plain(s, w, n, more);
	nr_scrub_arena_reset(&s->arena);
	s->hits.n = 0;
	cont_open = take_carry(s, w, n, more, &cont_from);
	sc.kv_facts_in = s->mid ? s->kv_facts : 0;
	if (more) {
		cp.lo = (uint32_t)(n / 2);
		cp.hi = (uint32_t)(n - LOOKAHEAD);
	}
	if (s->kind == KIND_ARGV) {
		if (!s->mid)
			s->elemctx = s->argctx;
		ctx = s->elemctx;
		nr_scrub_argument(&sc, &v, &ctx);
		s->argctx = ctx;
	} else {
		nr_scrub_text_scan(&sc, &v, &s->text, more ? &cp : NULL);
		end_term = nr_scrub_text_term(&s->text);
	}
	redact_find(w, n, &s->hits);
	if (!nr_scrub_ok(&sc)) {
		s->err = -ENOMEM;
		return n;
	}
	if (more) {
		s->kv_facts = sc.kv_facts_out;
		cut = pick_cut(s, w, n, &cp);
		if (sc.open || cont_open)
			leave_open(s, &sc, n, cut, &end_term, cont_from);
	}
	emit(s, w, cut);
	return cut;
}

/* The record in w[0,n) ends with sep (-1: the stream ends). */
static void record_end(struct nr_scrub *s, const char *w, size_t n, int sep)
{
	char c = (char)sep;

	window(s, w, n, false);
	if (sep >= 0)
		put(s, &c, 1);
	s->len = 0;
	s->mid = false;
	s->sp = s->sp0 = (struct split){ Q_OUT, 0 };
	s->text.sq = false;
	s->cont = false;
	s->carry.n = 0;
}

/* Appends p[0,n) (none of it ends the record) to the buffer, scanning a
 * window each time the buffer is full and more is to come. */
static void append(struct nr_scrub *s, const char *p, size_t n)
{
	size_t room, k, cut;

	while (n > 0 && !s->err) {
		if (s->len == NR_SCRUB_RECORD_MAX) {
			if (s->kind == KIND_UNKNOWN)
				s->kind = KIND_TEXT;
			cut = window(s, s->buf, s->len, true);
			memmove(s->buf, s->buf + cut, s->len - cut);
			s->len -= cut;
			s->mid = true;
		}
		room = NR_SCRUB_RECORD_MAX - s->len;
		k = n < room ? n : room;
		memcpy(s->buf + s->len, p, k);
		s->len += k;
		p += k;
		n -= k;
	}
}

/* ---- API --------------------------------------------------------------------------- */

struct nr_scrub *nr_scrub_new(nr_scrub_out_fn out, void *ud)
{
	struct nr_scrub *s;

	if (!out) {
		errno = EINVAL;
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->buf = malloc(NR_SCRUB_RECORD_MAX);
	s->obuf = malloc(OBUF_MAX);
	if (!s->buf || !s->obuf) {
		nr_scrub_free(s);
		return NULL;
	}
	s->out = out;
	s->ud = ud;
	return s;
}

/* After the record that sep = p[0] ended, a run of the same separator is a
 * run of empty records (NUL padding of a file, blank lines): the first is
 * read like any record, the others change nothing and are copied at once.
 * Returns how many bytes after p[0] it took. */
static size_t empty_records(struct nr_scrub *s, const char *p, size_t n)
{
	size_t k = 1;

	if (s->err || (p[0] != '\0' && s->kind == KIND_ARGV))
		return 0;
	while (k < n && p[k] == p[0])
		k++;
	if (k == 1)
		return 0;
	record_end(s, p + 1, 0, (unsigned char)p[0]);
	put(s, p + 2, k - 2);
	return k - 1;
}

int nr_scrub_write(struct nr_scrub *s, const void *data, size_t len)
{
	const char *p = data;
	size_t e;

	if (!s || (!data && len))
		return -EINVAL;
	while (len > 0 && !s->err) {
		e = find_end(s, p, len);
		if (e == len) {
			append(s, p, len);
			break;
		}
		if (s->len == 0 && !s->mid && e <= NR_SCRUB_RECORD_MAX) {
			record_end(s, p, e, (unsigned char)p[e]);      /* no copy */
		} else {
			append(s, p, e);
			if (!s->err)
				record_end(s, s->buf, s->len, (unsigned char)p[e]);
		}
		e += 1 + empty_records(s, p + e, len - e);
		p += e;
		len -= e;
	}
	return s->err;
}

int nr_scrub_finish(struct nr_scrub *s)
{
	if (!s)
		return -EINVAL;
	if (!s->err && (s->len > 0 || s->mid)) {
		if (s->kind == KIND_UNKNOWN)
			s->kind = KIND_TEXT;
		record_end(s, s->buf, s->len, -1);
	}
	flush(s);
	/* an XML element or JSON member left open ends with the stream */
	s->text = (struct nr_scrub_text){ 0 };
	s->argctx = s->elemctx = (struct nr_scrub_argctx){ 0 };
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
	nr_scrub_arena_free(&s->arena);
	nr_scrub_hits_free(&s->hits);
	nr_scrub_hits_free(&s->carry);
	free(s->buf);
	free(s->obuf);
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

static char *scrub_one(const char *in, size_t *count, enum kind kind)
{
	struct strbuf b = { 0 };
	struct nr_scrub *s = nr_scrub_new(strbuf_put, &b);
	int rc;

	if (!s)
		return NULL;
	s->kind = kind;
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

char *nr_scrub_string(const char *in, size_t *count)
{
	return scrub_one(in, count, KIND_TEXT);
}

char *nr_scrub_arg_string(const char *in, size_t *count)
{
	return scrub_one(in, count, KIND_ARGV);
}
