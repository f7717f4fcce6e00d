/* SPDX-License-Identifier: MIT */
/* The scrubber's top layer, shared by its files: the state of one stream
 * (struct nr_scrub) and what they call of each other.
 *
 *   scrub.c         the API: records, the stream's kind, empty runs
 *   scrub_split.c   where a text record ends (quotes spanning lines)
 *   scrub_window.c  scanning a record, or a window of an over-long one, and
 *                   writing it with the hits replaced
 *   scrub_redact.c  --redact-word
 *
 * Private to collector/scrub/; nothing below (scrub_model.h,
 * scrub_base.h) includes it. */
#ifndef NR_SCRUB_STREAM_H
#define NR_SCRUB_STREAM_H

#include "scrub.h"
#include "scrub_model.h"

/* Output is passed on in blocks of this size: one sink call per block, not
 * per record. */
#define NR_SCRUB_OBUF_MAX (64 * 1024)

/* What a stream turned out to be (decided by its first record). */
enum nr_scrub_kind { NR_SCRUB_KIND_UNKNOWN, NR_SCRUB_KIND_ARGV, NR_SCRUB_KIND_TEXT };

/* Where the text splitter is: outside quotes, inside '...', after a quote
 * inside them that may start '\'' (1: "'", 2: "'\", 3: "'\'"), or inside
 * ="..." (an XML attribute or name="value"; B: after a backslash). */
enum {
	NR_SCRUB_Q_OUT,
	NR_SCRUB_Q_SQ,
	NR_SCRUB_Q_SQ1,
	NR_SCRUB_Q_SQ2,
	NR_SCRUB_Q_SQ3,
	NR_SCRUB_Q_DQ,
	NR_SCRUB_Q_DQB,
};

struct nr_scrub_split {
	unsigned char q;
	char prev;              /* the byte before (0: a record's start) */
};

struct nr_scrub {
	nr_scrub_out_fn out;
	void *ud;
	enum nr_scrub_kind kind;
	char *buf;              /* the record being gathered */
	size_t len;
	struct nr_scrub_split sp;        /* the splitter after the input seen */
	struct nr_scrub_split sp0;       /* ... at buf[0] */
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

/* ---- scrub_split.c ---- */

/* Feeds p[0,n) of a text stream to the splitter; returns the index of the
 * byte that ends the record ('\n' outside quotes, '\0'), or n. */
size_t nr_scrub_split_text(struct nr_scrub_split *sp, const char *p, size_t n);
/* The splitter's state at w[cut], from its state at w[0]. */
struct nr_scrub_split nr_scrub_split_at(const struct nr_scrub_split *sp0, const char *w,
                                        size_t cut);
static inline bool nr_scrub_split_in_sq(const struct nr_scrub_split *sp)
{
	return sp->q >= NR_SCRUB_Q_SQ && sp->q <= NR_SCRUB_Q_SQ3;
}

/* ---- scrub_window.c ---- */

/* Scans w[0,n) and writes it up to the cut it returns (n unless `more`:
 * the record goes on). */
size_t nr_scrub_window(struct nr_scrub *s, const char *w, size_t n, bool more);
/* Passes bytes on through the output block. */
void nr_scrub_put(struct nr_scrub *s, const void *p, size_t n);
void nr_scrub_flush(struct nr_scrub *s);

/* ---- scrub_redact.c ---- */

/* Each occurrence of a --redact-word in w[0,n), into hits (when not NULL);
 * whether there was one. */
bool nr_scrub_redact_find(const char *w, size_t n, struct nr_scrub_hits *hits);

#endif
