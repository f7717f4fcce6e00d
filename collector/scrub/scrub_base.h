/* SPDX-License-Identifier: MIT */
/* The scrubber's bottom layer: what every syntax model stands on.
 *
 *   bytes    ASCII-only tests (<ctype.h> is undefined for negative chars, as
 *            in binary junk, and depends on the locale)
 *   arena    scratch memory for one record, released in stack order
 *   views    a decoded text and, for each of its bytes, the raw bytes of the
 *            record it came from: a model matches names and values in the
 *            decoded text (JSON escapes, XML entities and shell quotes
 *            undone) and hides the raw bytes they came from
 *   hits     the raw spans to hide, and how a value cut at the end of the
 *            window goes on in the next one
 *   names    the vocabulary of secret-bearing names (scrub_vocab.c)
 *
 * Nothing here knows a syntax.  Private to collector/scrub/; the API is
 * scrub.h.  Layers: scrub_base.h <- scrub_model.h (the syntax models) <-
 * scrub_stream.h (records, windows, the API); a lower file never includes
 * a higher one.
 */
#ifndef NR_SCRUB_BASE_H
#define NR_SCRUB_BASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- bytes ---------------------------------------------------------------- */

static inline bool nr_scrub_is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f' || c == '\n';
}

static inline bool nr_scrub_is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline bool nr_scrub_is_alnum(char c)
{
	return nr_scrub_is_alpha(c) || (c >= '0' && c <= '9');
}

static inline char nr_scrub_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* A byte of a property, attribute or variable name: "file.password",
 * "passwd", "AWS_SECRET_ACCESS_KEY", "qemu:arg". */
static inline bool nr_scrub_is_name(char c)
{
	return nr_scrub_is_alnum(c) || c == '-' || c == '_' || c == '.';
}

/* p[0,n) starts with word (lowercase ASCII), ignoring case. */
bool nr_scrub_ci_prefix(const char *p, size_t n, const char *word);
bool nr_scrub_ci_equal(const char *p, size_t n, const char *word);

/* Code point u as UTF-8 into out; returns its length (1-4). */
int nr_scrub_utf8(long u, char out[4]);

/* ---- arena ------------------------------------------------------------------ */

struct nr_scrub_chunk;

struct nr_scrub_arena {
	struct nr_scrub_chunk *head;   /* chunks in order; kept for reuse */
	struct nr_scrub_chunk *cur;    /* the one being filled */
	bool nomem;                    /* an allocation failed: the scan is void */
};

struct nr_scrub_mark {
	struct nr_scrub_chunk *chunk;
	size_t used;
};

/* NULL (and a->nomem set) when memory runs out. */
void *nr_scrub_arena_alloc(struct nr_scrub_arena *a, size_t n);
struct nr_scrub_mark nr_scrub_arena_mark(const struct nr_scrub_arena *a);
void nr_scrub_arena_release(struct nr_scrub_arena *a, struct nr_scrub_mark m);
void nr_scrub_arena_reset(struct nr_scrub_arena *a);
void nr_scrub_arena_free(struct nr_scrub_arena *a);

/* ---- views ------------------------------------------------------------------ */

/* Decoded byte i came from raw bytes [lo[i], hi[i]) of the window; a view
 * that is raw text itself has no maps and starts at raw offset `base`.
 * Windows are at most a few hundred KiB, so offsets fit 32 bits. */
struct nr_scrub_view {
	const char *p;
	size_t n;
	const uint32_t *lo, *hi;
	uint32_t base;
};

static inline uint32_t nr_scrub_view_lo(const struct nr_scrub_view *v, size_t i)
{
	return v->lo ? v->lo[i] : v->base + (uint32_t)i;
}

static inline uint32_t nr_scrub_view_hi(const struct nr_scrub_view *v, size_t i)
{
	return v->hi ? v->hi[i] : v->base + (uint32_t)i + 1;
}

/* v[a,b): shares v's bytes and maps. */
struct nr_scrub_view nr_scrub_view_sub(const struct nr_scrub_view *v, size_t a, size_t b);

/* Building a decoded view: at most `cap` bytes, each put with the source
 * bytes src[from,to) it decodes. */
struct nr_scrub_vbuild {
	struct nr_scrub_view v;
	char *p;
	uint32_t *lo, *hi;
	size_t cap;
};

bool nr_scrub_vb_begin(struct nr_scrub_arena *a, struct nr_scrub_vbuild *b, size_t cap);
void nr_scrub_vb_put(struct nr_scrub_vbuild *b, char c, const struct nr_scrub_view *src,
                     size_t from, size_t to);

/* ---- hits ------------------------------------------------------------------- */

/* What ends a value in raw bytes, for the rest of a value that a forced cut
 * left open: the next window has lost the value's start, so it hides up to
 * the first of these.  All false: the value runs to the end of its record. */
struct nr_scrub_term {
	char quote;        /* this quote ends it ... */
	unsigned char quote_bs;  /* 1: unless an odd run of backslashes escapes it
	                          * (JSON); 2: only after a run of 4k+1 (\" closing
	                          * JSON escaped in a JSON string) or an even one */
	bool quote_shell;  /* ... unless it starts the shell's '\'' */
	bool blank;        /* a blank ends it */
	bool comma_name;   /* ",name=" (the next QEMU option) ends it */
	bool lt;           /* '<' (the next XML tag) ends it */
};

/* A raw span to hide; `first` is the first piece of its value, the one that
 * becomes the marker (later pieces of a value split by quotes vanish). */
struct nr_scrub_piece {
	uint32_t lo, hi;
	bool first;
	bool cont;      /* the rest of a value whose marker an earlier window wrote */
};

struct nr_scrub_hits {
	struct nr_scrub_piece *v;
	size_t n, cap;
	bool nomem;
};

bool nr_scrub_hits_add(struct nr_scrub_hits *h, uint32_t lo, uint32_t hi, bool first);
bool nr_scrub_hits_add_cont(struct nr_scrub_hits *h, uint32_t lo, uint32_t hi);
void nr_scrub_hits_sort(struct nr_scrub_hits *h);
void nr_scrub_hits_free(struct nr_scrub_hits *h);

/* ---- one scan ----------------------------------------------------------------- */

struct nr_scrub_hooks;

/* The state of one scan of one window (a record, or the part of an
 * over-long record that fits the buffer). */
struct nr_scrub_scan {
	struct nr_scrub_arena *arena;
	struct nr_scrub_hits *hits;
	const struct nr_scrub_hooks *hooks;   /* scrub_model.h */
	uint32_t raw_len;       /* the window's length */
	bool more;              /* the record goes on after the window */
	unsigned depth;         /* syntaxes nested so far */
	/* a value still open at the window's end (only when `more`) */
	bool open;
	bool open_exact;        /* raw bytes are its decoded bytes: open_term is exact */
	uint32_t open_lo;       /* where it starts */
	struct nr_scrub_term open_term;
	/* what a keyval list said about itself (scrub_kv.c), for the list that
	 * spans a cut: in, from the window before; out, for the next */
	unsigned kv_facts_in, kv_facts_out;
};

/* Hides v[a,b) (each raw run it came from; the first run becomes the marker).
 * t says what ends the value in raw bytes (NULL: the end of v), for a value
 * that runs into the window's end. */
void nr_scrub_hide(struct nr_scrub_scan *sc, const struct nr_scrub_view *v, size_t a, size_t b,
                   const struct nr_scrub_term *t);
/* The same for the rest of a value whose marker is already out. */
void nr_scrub_hide_more(struct nr_scrub_scan *sc, const struct nr_scrub_view *v, size_t a,
                        size_t b, const struct nr_scrub_term *t);

/* Whether the scan can go on (memory did not run out). */
static inline bool nr_scrub_ok(const struct nr_scrub_scan *sc)
{
	return !sc->arena->nomem && !sc->hits->nomem;
}

/* ---- names ------------------------------------------------------------------ */

enum nr_scrub_name {
	NR_SCRUB_NAME_PLAIN,
	NR_SCRUB_NAME_SECRET,   /* its value is a secret */
	NR_SCRUB_NAME_REF,      /* names or locates a secret (an id, a file): kept */
	NR_SCRUB_NAME_SETCRED,  /* systemd.set_credential: NAME:VALUE, VALUE secret */
	NR_SCRUB_NAME_PROXY,    /* a proxy URL: credentials in its userinfo */
};

/* Classifies a property, member, attribute, element or variable name (see
 * docs/scrubbing.md, "The vocabulary").  A dotted name is judged by its
 * last component. */
enum nr_scrub_name nr_scrub_name_class(const char *p, size_t n);

/* on, off, yes, no, true, false: a switch, not a password ("password=on"). */
bool nr_scrub_is_flag(const char *p, size_t n);

/* Whether p[0,n) holds anything a model could hide: a stem of the
 * vocabulary in any case, or a byte that starts an escape, a URL's userinfo
 * or an XML tag.  Records without one are copied untouched (scrub.c). */
bool nr_scrub_may_hold_secret(const char *p, size_t n);
/* Whether p[0,n) starts with one of those stems (for the tests). */
bool nr_scrub_is_stem(const char *p, size_t n);

#endif
