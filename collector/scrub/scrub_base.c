/* SPDX-License-Identifier: MIT */
/* The scrubber's primitives: case-blind matching, the scratch arena, decoded
 * views and the hit list.  See scrub_base.h. */
#include "scrub_base.h"

#include <stdlib.h>
#include <string.h>

/* ---- bytes ---------------------------------------------------------------- */

bool nr_scrub_ci_prefix(const char *p, size_t n, const char *word)
{
	size_t i;

	for (i = 0; word[i]; i++)
		if (i >= n || nr_scrub_lower(p[i]) != word[i])
			return false;
	return true;
}

bool nr_scrub_ci_equal(const char *p, size_t n, const char *word)
{
	return strlen(word) == n && nr_scrub_ci_prefix(p, n, word);
}

int nr_scrub_utf8(long u, char out[4])
{
	if (u < 0 || u > 0x10ffff)
		u = 0xfffd;
	if (u < 0x80) {
		out[0] = (char)u;
		return 1;
	}
	if (u < 0x800) {
		out[0] = (char)(0xc0 | (u >> 6));
		out[1] = (char)(0x80 | (u & 0x3f));
		return 2;
	}
	if (u < 0x10000) {
		out[0] = (char)(0xe0 | (u >> 12));
		out[1] = (char)(0x80 | ((u >> 6) & 0x3f));
		out[2] = (char)(0x80 | (u & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (u >> 18));
	out[1] = (char)(0x80 | ((u >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((u >> 6) & 0x3f));
	out[3] = (char)(0x80 | (u & 0x3f));
	return 4;
}

/* ---- arena ------------------------------------------------------------------ */

#define CHUNK_MIN (64 * 1024)

struct nr_scrub_chunk {
	struct nr_scrub_chunk *next;
	size_t size, used;
	max_align_t data[];
};

/* Allocations are rounded up so every one is aligned for any type. */
static size_t round_up(size_t n)
{
	size_t a = sizeof(max_align_t);

	return (n + a - 1) / a * a;
}

static struct nr_scrub_chunk *chunk_new(size_t need)
{
	size_t size = need > CHUNK_MIN ? need : CHUNK_MIN;
	struct nr_scrub_chunk *c = malloc(sizeof(*c) + size);

	if (!c)
		return NULL;
	c->next = NULL;
	c->size = size;
	c->used = 0;
	return c;
}

void *nr_scrub_arena_alloc(struct nr_scrub_arena *a, size_t n)
{
	struct nr_scrub_chunk *c = a->cur, *fresh;
	void *p;

	if (a->nomem)
		return NULL;
	n = round_up(n ? n : 1);
	if (!c && a->head) {            /* released back to before any chunk */
		c = a->head;
		c->used = 0;
	}
	/* move on to a later chunk kept from an earlier record when it fits */
	while (c && c->size - c->used < n) {
		if (!c->next || c->next->size < n)
			break;
		c = c->next;
		c->used = 0;
	}
	if (!c || c->size - c->used < n) {
		fresh = chunk_new(n);
		if (!fresh) {
			a->nomem = true;
			return NULL;
		}
		if (c) {
			fresh->next = c->next;
			c->next = fresh;
		} else {
			a->head = fresh;
		}
		c = fresh;
	}
	a->cur = c;
	p = (char *)c->data + c->used;
	c->used += n;
	return p;
}

struct nr_scrub_mark nr_scrub_arena_mark(const struct nr_scrub_arena *a)
{
	return (struct nr_scrub_mark){ a->cur, a->cur ? a->cur->used : 0 };
}

void nr_scrub_arena_release(struct nr_scrub_arena *a, struct nr_scrub_mark m)
{
	a->cur = m.chunk;
	if (m.chunk)
		m.chunk->used = m.used;
}

void nr_scrub_arena_reset(struct nr_scrub_arena *a)
{
	a->cur = a->head;
	if (a->head)
		a->head->used = 0;
	a->nomem = false;
}

void nr_scrub_arena_free(struct nr_scrub_arena *a)
{
	struct nr_scrub_chunk *c = a->head, *next;

	for (; c; c = next) {
		next = c->next;
		free(c);
	}
	*a = (struct nr_scrub_arena){ 0 };
}

/* ---- views ------------------------------------------------------------------ */

struct nr_scrub_view nr_scrub_view_sub(const struct nr_scrub_view *v, size_t a, size_t b)
{
	struct nr_scrub_view s = { v->p + a, b - a, NULL, NULL, v->base + (uint32_t)a };

	if (v->lo) {
		s.lo = v->lo + a;
		s.hi = v->hi + a;
		s.base = 0;
	}
	return s;
}

bool nr_scrub_vb_begin(struct nr_scrub_arena *a, struct nr_scrub_vbuild *b, size_t cap)
{
	*b = (struct nr_scrub_vbuild){ 0 };
	b->p = nr_scrub_arena_alloc(a, cap + 1);
	b->lo = nr_scrub_arena_alloc(a, (cap + 1) * sizeof(uint32_t));
	b->hi = nr_scrub_arena_alloc(a, (cap + 1) * sizeof(uint32_t));
	if (!b->p || !b->lo || !b->hi)
		return false;
	b->cap = cap;
	b->v.p = b->p;
	b->v.lo = b->lo;
	b->v.hi = b->hi;
	return true;
}

void nr_scrub_vb_put(struct nr_scrub_vbuild *b, char c, const struct nr_scrub_view *src,
                     size_t from, size_t to)
{
	if (b->v.n >= b->cap)
		return;
	b->p[b->v.n] = c;
	b->lo[b->v.n] = nr_scrub_view_lo(src, from);
	b->hi[b->v.n] = nr_scrub_view_hi(src, to - 1);
	b->v.n++;
}

/* ---- hits ------------------------------------------------------------------- */

bool nr_scrub_hits_add(struct nr_scrub_hits *h, uint32_t lo, uint32_t hi, bool first)
{
	struct nr_scrub_piece *v;
	size_t cap;

	if (lo >= hi)
		return true;
	if (h->n == h->cap) {
		cap = h->cap ? h->cap * 2 : 64;
		v = realloc(h->v, cap * sizeof(*v));
		if (!v) {
			h->nomem = true;
			return false;
		}
		h->v = v;
		h->cap = cap;
	}
	h->v[h->n++] = (struct nr_scrub_piece){ lo, hi, first, false };
	return true;
}

bool nr_scrub_hits_add_cont(struct nr_scrub_hits *h, uint32_t lo, uint32_t hi)
{
	if (!nr_scrub_hits_add(h, lo, hi, false))
		return false;
	if (lo < hi)
		h->v[h->n - 1].cont = true;
	return true;
}

static int piece_cmp(const void *a, const void *b)
{
	const struct nr_scrub_piece *x = a, *y = b;

	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	if (x->first != y->first)
		return x->first ? -1 : 1;
	return 0;
}

void nr_scrub_hits_sort(struct nr_scrub_hits *h)
{
	size_t i;

	/* models mostly add in order: sort only when they did not */
	for (i = 1; i < h->n; i++)
		if (h->v[i].lo < h->v[i - 1].lo)
			break;
	if (i < h->n)
		qsort(h->v, h->n, sizeof(*h->v), piece_cmp);
}

void nr_scrub_hits_free(struct nr_scrub_hits *h)
{
	free(h->v);
	*h = (struct nr_scrub_hits){ 0 };
}

static void hide(struct nr_scrub_scan *sc, const struct nr_scrub_view *v, size_t a, size_t b,
                 const struct nr_scrub_term *t, bool first)
{
	uint32_t lo, hi, start;
	size_t i;

	if (a >= b)
		return;
	start = nr_scrub_view_lo(v, a);
	lo = nr_scrub_view_lo(v, a);
	hi = nr_scrub_view_hi(v, a);
	if (!v->lo) {
		hi = v->base + (uint32_t)b;
	} else {
		for (i = a + 1; i < b; i++) {
			if (v->lo[i] <= hi) {            /* contiguous in raw bytes */
				hi = v->hi[i] > hi ? v->hi[i] : hi;
				continue;
			}
			nr_scrub_hits_add(sc->hits, lo, hi, first);
			first = false;
			lo = v->lo[i];
			hi = v->hi[i];
		}
	}
	nr_scrub_hits_add(sc->hits, lo, hi, first);
	if (sc->more && hi >= sc->raw_len) {
		sc->open = true;
		sc->open_lo = start;
		sc->open_exact = !v->lo && t;
		sc->open_term = t ? *t : (struct nr_scrub_term){ 0 };
	}
}

void nr_scrub_hide(struct nr_scrub_scan *sc, const struct nr_scrub_view *v, size_t a, size_t b,
                   const struct nr_scrub_term *t)
{
	hide(sc, v, a, b, t, true);
}

void nr_scrub_hide_more(struct nr_scrub_scan *sc, const struct nr_scrub_view *v, size_t a,
                        size_t b, const struct nr_scrub_term *t)
{
	hide(sc, v, a, b, t, false);
}
