/* SPDX-License-Identifier: MIT */
/* Scanning one window (a record, or LOOKAHEAD-overlapping pieces of an
 * over-long one) with the syntax models and writing it with the hits
 * replaced by the marker.
 *
 * A window is scanned whole but written only up to a cut chosen in its
 * upper half and at least LOOKAHEAD bytes before its end, at a token
 * boundary the lexer offered (so the next window starts with the lexer's
 * exact state) or else after a blank or separator.  What the scan found
 * past the cut is carried into the next window, and a value that runs past
 * the window's end is hidden in the next window up to what ends it in raw
 * bytes (struct nr_scrub_term).  Each byte is scanned at most twice.  A
 * window holding no stem of the vocabulary is copied as it is. */
#include "scrub_stream.h"

#include <errno.h>
#include <string.h>

#define MARKER_LEN (sizeof(NR_SCRUB_MARKER) - 1)
#define LOOKAHEAD 256

/* ---- output ---------------------------------------------------------------------- */

void nr_scrub_flush(struct nr_scrub *s)
{
	int rc;

	if (s->olen == 0 || s->err)
		return;
	rc = s->out(s->ud, s->obuf, s->olen);
	s->olen = 0;
	if (rc < 0)
		s->err = rc;
}

void nr_scrub_put(struct nr_scrub *s, const void *p, size_t n)
{
	int rc;

	if (n == 0 || s->err)
		return;
	if (s->olen + n > NR_SCRUB_OBUF_MAX)
		nr_scrub_flush(s);
	if (n >= NR_SCRUB_OBUF_MAX && !s->err) {
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
		nr_scrub_put(s, w + pos, lo - pos);
		/* the rest of a value cut before gets no second marker */
		if (first && !cont) {
			nr_scrub_put(s, NR_SCRUB_MARKER, MARKER_LEN);
			s->count++;
		}
		if (hi > cut) {
			nr_scrub_hits_add_cont(&s->carry, 0, hi - (uint32_t)cut);
			hi = (uint32_t)cut;
		}
		pos = hi;
	}
	nr_scrub_put(s, w + pos, cut - pos);
	if (s->carry.nomem)
		s->err = -ENOMEM;
}

/* ---- windows ---------------------------------------------------------------------- */

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

static bool text_busy(const struct nr_scrub *s)
{
	return s->kind != NR_SCRUB_KIND_ARGV &&
	       (nr_scrub_xml_active(&s->text.xml) || s->text.jpend.on || s->text.sq);
}

/* A window with nothing to hide. */
static size_t window_plain(struct nr_scrub *s, const char *w, size_t n, bool more)
{
	size_t cut = more ? cut_bytes(w, n) : n;
	struct nr_scrub_split sp;

	nr_scrub_put(s, w, cut);
	if (more && s->kind != NR_SCRUB_KIND_ARGV) {
		sp = nr_scrub_split_at(&s->sp0, w, cut);
		s->text.sq = nr_scrub_split_in_sq(&sp);
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
	struct nr_scrub_split sp;
	size_t cut;

	if (s->kind == NR_SCRUB_KIND_ARGV)
		return cut_bytes(w, n);
	if (cp->at) {
		cut = cp->at;
		s->text = cp->state;
	} else {
		cut = cut_bytes(w, n);
	}
	sp = nr_scrub_split_at(&s->sp0, w, cut);
	s->text.sq = nr_scrub_split_in_sq(&sp);
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

size_t nr_scrub_window(struct nr_scrub *s, const char *w, size_t n, bool more)
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
	    !nr_scrub_redact_find(w, n, NULL))
		return window_plain(s, w, n, more);
	nr_scrub_arena_reset(&s->arena);
	s->hits.n = 0;
	cont_open = take_carry(s, w, n, more, &cont_from);
	sc.kv_facts_in = s->mid ? s->kv_facts : 0;
	if (more) {
		cp.lo = (uint32_t)(n / 2);
		cp.hi = (uint32_t)(n - LOOKAHEAD);
	}
	if (s->kind == NR_SCRUB_KIND_ARGV) {
		if (!s->mid)
			s->elemctx = s->argctx;
		ctx = s->elemctx;
		nr_scrub_argument(&sc, &v, &ctx);
		s->argctx = ctx;
	} else {
		nr_scrub_text_scan(&sc, &v, &s->text, more ? &cp : NULL);
		end_term = nr_scrub_text_term(&s->text);
	}
	nr_scrub_redact_find(w, n, &s->hits);
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
