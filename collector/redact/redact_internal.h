/* SPDX-License-Identifier: MIT */
/* Private to collector/redact/: the identity table behind a redactor, and
 * the recognisers the stream and the learners share. */
#ifndef NR_REDACT_INTERNAL_H
#define NR_REDACT_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "redact.h"

struct nr_ident {
	char *original;         /* word kinds: lower case; shapes: canonical text */
	char *placeholder;      /* lower case; MACs with ':' */
	uint64_t hash;          /* word kinds: nr_ident_hash of original */
	unsigned char kind;
	bool word;              /* replaced wherever it stands as a word */
	bool learnt;            /* known up front: replaced whatever the context */
};

/* Open addressing over ids (slot = id + 1, 0 empty), keyed by the hash of
 * the lower-case text: words are looked up straight from the window,
 * without copying. */
struct nr_wtab {
	uint32_t *slots;
	size_t cap, n;
};

/* A shape's key: a tag (what it is) and its bytes, e.g. '4' and an IPv4
 * address in network order. */
struct nr_bkey {
	unsigned char len;
	unsigned char b[17];
};

/* Open addressing over binary keys, the value stored inline (+1; 0 is an
 * empty slot): the shapes met in a stream are looked up without
 * formatting a string key each time. */
struct nr_btab_slot {
	uint64_t hash;
	uint32_t val;
	struct nr_bkey key;
};

struct nr_btab {
	struct nr_btab_slot *slots;
	size_t cap, n;
};

/* A set of hashes (0 is empty; hashes are stored | 1). */
struct nr_hset {
	uint64_t *keys;
	size_t cap, n;
};

struct nr_redactor {
	struct nr_ident *ids;
	size_t n, cap;
	unsigned next[NR_ID_KINDS];   /* the last number given, per kind */
	struct nr_wtab words;
	/* The hash of each word's first run of letters and digits: the stream
	 * tries a word match only where a run it starts with is here. */
	struct nr_hset first_runs;
	unsigned char first_chars[32];   /* bitmap: a word starts with this letter (folded) */
	size_t max_word;
	struct nr_btab shapes;        /* shape key -> id */
	struct nr_btab nets;          /* IPv4 /24 and IPv6 /64 -> placeholder index */
	unsigned nets4, nets6;
	uint64_t iids;                /* IPv6 interface ids given */
	size_t per_kind[NR_ID_KINDS];
	size_t replacements, overflowed;
};

/* ---- ident.c ---- */

static inline int nr_is_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static inline int nr_is_hex(unsigned char c)
{
	return (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || (c >= '0' && c <= '9');
}

static inline unsigned char nr_lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

#define NR_HASH_INIT 1469598103934665603ULL
static inline uint64_t nr_hash_step(uint64_t h, unsigned char c)
{
	return (h ^ nr_lower(c)) * 1099511628211ULL;   /* FNV-1a, case-folded */
}
uint64_t nr_ident_hash(const char *s, size_t len);

/* The id of the word s[0..len) (case-insensitive, h its nr_ident_hash), or
 * -1. */
long nr_ident_find_word(const struct nr_redactor *r, const char *s, size_t len, uint64_t h);
bool nr_ident_first_run(const struct nr_redactor *r, uint64_t h);

/* Add a word identity (original as given; it is lower-cased); placeholder
 * NULL: the next of its kind.  Returns the id, the existing id when known,
 * or -1 (out of memory, or the map is full). */
long nr_ident_add_word(struct nr_redactor *r, enum nr_ident_kind kind, const char *s, size_t len,
                       const char *placeholder, bool word);

/* Shape keys: '4' IPv4, '6' IPv6, 'm' MAC, 'u' UUID; 'n' an IPv4 /24, 'p'
 * an IPv6 /64 (in the nets table). */
void nr_bkey_make(struct nr_bkey *k, char tag, const unsigned char *bytes, size_t n);
/* The value under key, or -1; put a new key (0, or -ENOMEM). */
long nr_btab_get(const struct nr_btab *t, const struct nr_bkey *k);
int nr_btab_put(struct nr_btab *t, const struct nr_bkey *k, uint32_t val);

/* Shapes: the id under key, or -1; add one (placeholder made by the
 * caller).  -1 when out of memory or full. */
long nr_ident_find_shape(const struct nr_redactor *r, const struct nr_bkey *key);
long nr_ident_add_shape(struct nr_redactor *r, enum nr_ident_kind kind, const struct nr_bkey *key,
                        const char *original, const char *placeholder, bool learnt);

/* A domain (a search domain, a NIS domain) and its parents of two labels
 * or more: 1 learnt, 0 ignored, -ENOMEM. */
int nr_redact_learn_domain(struct nr_redactor *r, const char *domain);

/* The placeholder a kind gets when the map is full. */
const char *nr_ident_overflow(enum nr_ident_kind kind);

/* ---- words.c ---- */

/* Too generic to identify anyone, or part of the report's own structure:
 * never learnt, refused as a user word. */
bool nr_redact_stopword(const char *s, size_t len);
/* A DMI serial or asset tag that firmware leaves as filler. */
bool nr_redact_serial_junk(const char *s, size_t len);
/* Whether s[0..len) can be matched as a word (shape of the text only). */
bool nr_redact_word_shape(const char *s, size_t len, bool user_word);

/* ---- shapes.c ---- */

/* Parsers at the start of s (n bytes available): the length matched, 0 if
 * none.  They check the shape only; the stream checks what stands around. */
size_t nr_shape_ipv4(const char *s, size_t n, uint32_t *addr);
size_t nr_shape_mac(const char *s, size_t n, unsigned char mac[6], char *sep);
size_t nr_shape_uuid(const char *s, size_t n, unsigned char uuid[16]);
size_t nr_shape_ipv6(const char *s, size_t n, unsigned char addr[16]);

/* The placeholder text for an address (NULL: kept readable as it is).
 * New ones are added to the map; learnt marks them as learnt.  The text
 * is owned by the redactor. */
const char *nr_shape_ipv4_ph(struct nr_redactor *r, uint32_t addr, bool learnt);
const char *nr_shape_ipv6_ph(struct nr_redactor *r, const unsigned char addr[16], bool learnt);
const char *nr_shape_mac_ph(struct nr_redactor *r, const unsigned char mac[6], bool learnt);
const char *nr_shape_uuid_ph(struct nr_redactor *r, const unsigned char uuid[16], bool learnt);

/* Whether a learnt identity holds this IPv4 address (a version-looking
 * dotted quad is replaced only then). */
bool nr_shape_ipv4_learnt(const struct nr_redactor *r, uint32_t addr);

/* Parse any of the shapes from a whole string and learn it: 1 learnt, 0
 * not a shape, -ENOMEM. */
int nr_shape_learn(struct nr_redactor *r, const char *value);

#endif
