/* SPDX-License-Identifier: MIT */
/* The identity table: every identity a redactor knows, its placeholder,
 * and the lookups the stream makes (a word straight from the window, a
 * shape by its canonical key).  Placeholders are numbered per kind in the
 * order identities are met, so the same input in the same order gives the
 * same map. */
#include "redact_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const kind_names[NR_ID_KINDS] = {
	"host", "domain", "user", "serial", "word", "ipv4", "ipv6", "mac", "uuid",
};

const char *nr_ident_kind_name(enum nr_ident_kind k)
{
	return (unsigned)k < NR_ID_KINDS ? kind_names[k] : "unknown";
}

uint64_t nr_ident_hash(const char *s, size_t len)
{
	uint64_t h = NR_HASH_INIT;
	size_t i;

	for (i = 0; i < len; i++)
		h = nr_hash_step(h, (unsigned char)s[i]);
	return h;
}

struct nr_redactor *nr_redactor_new(void)
{
	return calloc(1, sizeof(struct nr_redactor));
}

void nr_redactor_free(struct nr_redactor *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->n; i++) {
		free(r->ids[i].original);
		free(r->ids[i].placeholder);
	}
	free(r->ids);
	free(r->words.slots);
	free(r->first_runs.keys);
	free(r->shapes.slots);
	free(r->nets.slots);
	free(r);
}

/* ---- the word table and the first-run set -------------------------------- */

static bool same_word(const struct nr_ident *id, const char *s, size_t len)
{
	size_t i;

	if (strlen(id->original) != len)
		return false;
	for (i = 0; i < len; i++)
		if (nr_lower((unsigned char)s[i]) != (unsigned char)id->original[i])
			return false;
	return true;
}

long nr_ident_find_word(const struct nr_redactor *r, const char *s, size_t len, uint64_t h)
{
	size_t i;

	if (!r->words.cap)
		return -1;
	for (i = (size_t)h & (r->words.cap - 1); r->words.slots[i];
	     i = (i + 1) & (r->words.cap - 1)) {
		const struct nr_ident *id = &r->ids[r->words.slots[i] - 1];

		if (id->hash == h && same_word(id, s, len))
			return (long)r->words.slots[i] - 1;
	}
	return -1;
}

static int wtab_put(struct nr_redactor *r, uint32_t id)
{
	struct nr_wtab *t = &r->words;
	size_t i;

	if ((t->n + 1) * 2 > t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64, j;
		uint32_t *slots = calloc(cap, sizeof(*slots));

		if (!slots)
			return -ENOMEM;
		for (j = 0; j < t->cap; j++)
			if (t->slots[j]) {
				for (i = (size_t)r->ids[t->slots[j] - 1].hash & (cap - 1); slots[i];
				     i = (i + 1) & (cap - 1))
					;
				slots[i] = t->slots[j];
			}
		free(t->slots);
		t->slots = slots;
		t->cap = cap;
	}
	for (i = (size_t)r->ids[id].hash & (t->cap - 1); t->slots[i]; i = (i + 1) & (t->cap - 1))
		;
	t->slots[i] = id + 1;
	t->n++;
	return 0;
}

static int hset_put(struct nr_hset *s, uint64_t h)
{
	size_t i;

	h |= 1;
	if ((s->n + 1) * 2 > s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64, j;
		uint64_t *keys = calloc(cap, sizeof(*keys));

		if (!keys)
			return -ENOMEM;
		for (j = 0; j < s->cap; j++)
			if (s->keys[j]) {
				for (i = (size_t)s->keys[j] & (cap - 1); keys[i]; i = (i + 1) & (cap - 1))
					;
				keys[i] = s->keys[j];
			}
		free(s->keys);
		s->keys = keys;
		s->cap = cap;
	}
	for (i = (size_t)h & (s->cap - 1); s->keys[i]; i = (i + 1) & (s->cap - 1))
		if (s->keys[i] == h)
			return 0;
	s->keys[i] = h;
	s->n++;
	return 0;
}

bool nr_ident_first_run(const struct nr_redactor *r, uint64_t h)
{
	size_t i;

	h |= 1;
	if (!r->first_runs.cap)
		return false;
	for (i = (size_t)h & (r->first_runs.cap - 1); r->first_runs.keys[i];
	     i = (i + 1) & (r->first_runs.cap - 1))
		if (r->first_runs.keys[i] == h)
			return true;
	return false;
}

/* ---- adding identities ------------------------------------------------------ */

static const char *const overflow_ph[NR_ID_KINDS] = {
	"host-x", "domain-x.example", "user-x", "serial-x", "word-x",
	"198.18.0.0", "fd00:254::", "00:00:00:00:00:00", "00000000-0000-4000-8000-000000000000",
};

const char *nr_ident_overflow(enum nr_ident_kind kind)
{
	return overflow_ph[kind];
}

static long push(struct nr_redactor *r, enum nr_ident_kind kind, char *original, char *placeholder)
{
	struct nr_ident *id;

	if (!original || !placeholder)
		goto fail;
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;
		struct nr_ident *ids = realloc(r->ids, cap * sizeof(*ids));

		if (!ids)
			goto fail;
		r->ids = ids;
		r->cap = cap;
	}
	id = &r->ids[r->n];
	memset(id, 0, sizeof(*id));
	id->kind = (unsigned char)kind;
	id->original = original;
	id->placeholder = placeholder;
	r->per_kind[kind]++;
	return (long)r->n++;
fail:
	free(original);
	free(placeholder);
	return -1;
}

static char *word_placeholder(struct nr_redactor *r, enum nr_ident_kind kind)
{
	static const char *const prefix[] = { "host", "domain", "user", "serial", "word" };
	char buf[64];

	r->next[kind]++;
	if (kind == NR_ID_DOMAIN)
		snprintf(buf, sizeof(buf), "domain-%u.example", r->next[kind]);
	else
		snprintf(buf, sizeof(buf), "%s-%u", prefix[kind], r->next[kind]);
	return strdup(buf);
}

long nr_ident_add_word(struct nr_redactor *r, enum nr_ident_kind kind, const char *s, size_t len,
                       const char *placeholder, bool word)
{
	uint64_t h = nr_ident_hash(s, len);
	long found = nr_ident_find_word(r, s, len, h);
	char *orig;
	size_t i, run;
	long id;

	if (found >= 0) {
		r->ids[found].word = r->ids[found].word || word;
		return found;
	}
	if (r->n >= NR_REDACT_MAX_IDS)
		return -1;
	orig = malloc(len + 1);
	if (!orig)
		return -1;
	for (i = 0; i < len; i++)
		orig[i] = (char)nr_lower((unsigned char)s[i]);
	orig[len] = '\0';
	id = push(r, kind, orig, placeholder ? strdup(placeholder) : word_placeholder(r, kind));
	if (id < 0)
		return -1;
	r->ids[id].hash = h;
	r->ids[id].word = word;
	r->ids[id].learnt = true;
	for (run = 0; run < len && nr_is_alnum((unsigned char)s[run]); run++)
		;
	if (wtab_put(r, (uint32_t)id) < 0 || hset_put(&r->first_runs, nr_ident_hash(s, run)) < 0)
		return -1;
	r->first_chars[nr_lower((unsigned char)s[0]) >> 3] |= (unsigned char)(1u << (nr_lower((unsigned char)s[0]) & 7));
	if (len > r->max_word)
		r->max_word = len;
	return id;
}

void nr_bkey_make(struct nr_bkey *k, char tag, const unsigned char *bytes, size_t n)
{
	memset(k, 0, sizeof(*k));
	k->b[0] = (unsigned char)tag;
	memcpy(k->b + 1, bytes, n);
	k->len = (unsigned char)(n + 1);
}

static uint64_t bkey_hash(const struct nr_bkey *k)
{
	uint64_t h = NR_HASH_INIT;
	size_t i;

	for (i = 0; i < k->len; i++)
		h = (h ^ k->b[i]) * 1099511628211ULL;
	return h;
}

static struct nr_btab_slot *btab_slot(struct nr_btab_slot *slots, size_t cap, uint64_t h,
                                      const struct nr_bkey *k)
{
	size_t i = (size_t)h & (cap - 1);

	while (slots[i].val && !(slots[i].hash == h && slots[i].key.len == k->len &&
	                         memcmp(slots[i].key.b, k->b, k->len) == 0))
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

long nr_btab_get(const struct nr_btab *t, const struct nr_bkey *k)
{
	struct nr_btab_slot *s;

	if (!t->cap)
		return -1;
	s = btab_slot(t->slots, t->cap, bkey_hash(k), k);
	return s->val ? (long)s->val - 1 : -1;
}

int nr_btab_put(struct nr_btab *t, const struct nr_bkey *k, uint32_t val)
{
	uint64_t h = bkey_hash(k);
	struct nr_btab_slot *s;
	size_t i;

	if ((t->n + 1) * 2 > t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		struct nr_btab_slot *slots = calloc(cap, sizeof(*slots));

		if (!slots)
			return -ENOMEM;
		for (i = 0; i < t->cap; i++)
			if (t->slots[i].val)
				*btab_slot(slots, cap, t->slots[i].hash, &t->slots[i].key) = t->slots[i];
		free(t->slots);
		t->slots = slots;
		t->cap = cap;
	}
	s = btab_slot(t->slots, t->cap, h, k);
	if (!s->val)
		t->n++;
	s->hash = h;
	s->key = *k;
	s->val = val + 1;
	return 0;
}

long nr_ident_find_shape(const struct nr_redactor *r, const struct nr_bkey *key)
{
	return nr_btab_get(&r->shapes, key);
}

long nr_ident_add_shape(struct nr_redactor *r, enum nr_ident_kind kind, const struct nr_bkey *key,
                        const char *original, const char *placeholder, bool learnt)
{
	long id;

	if (r->n >= NR_REDACT_MAX_IDS)
		return -1;
	id = push(r, kind, strdup(original), strdup(placeholder));
	if (id < 0)
		return -1;
	r->ids[id].learnt = learnt;
	if (nr_btab_put(&r->shapes, key, (uint32_t)id) < 0)
		return -1;
	return id;
}

/* ---- learning ------------------------------------------------------------- */

static void trim(const char **s, size_t *len)
{
	while (*len > 0 && (**s == ' ' || **s == '\t'))
		(*s)++, (*len)--;
	while (*len > 0 && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t' ||
	                    (*s)[*len - 1] == '\n' || (*s)[*len - 1] == '\r'))
		(*len)--;
}

static int learn_len(struct nr_redactor *r, enum nr_ident_kind kind, const char *s, size_t len)
{
	trim(&s, &len);
	if (kind > NR_ID_WORD || len == 0 || len > NR_REDACT_WORD_MAX)
		return 0;
	if (!nr_redact_word_shape(s, len, false) || nr_redact_stopword(s, len))
		return 0;
	if (kind == NR_ID_SERIAL && nr_redact_serial_junk(s, len))
		return 0;
	return nr_ident_add_word(r, kind, s, len, NULL, true) < 0 ? -ENOMEM : 1;
}

int nr_redact_learn(struct nr_redactor *r, enum nr_ident_kind kind, const char *value)
{
	return value ? learn_len(r, kind, value, strlen(value)) : 0;
}

/* Two-label domains directly under a country code whose first label is a
 * registry's own second level (co.uk, com.au, ac.jp...): public suffixes,
 * never learnt. */
static bool public_suffix(const char *d, size_t len)
{
	static const char *const second[] = { "co", "com", "net", "org", "ac", "gov", "edu",
	                                      "ne", "or", "go", "mil", "gob", "nic", "ltd",
	                                      "plc", "sch", "nhs", "gv", "lg", "ed" };
	const char *dot = memchr(d, '.', len);
	size_t i, first;

	if (!dot || memchr(dot + 1, '.', len - (size_t)(dot + 1 - d)) || len - (size_t)(dot + 1 - d) != 2)
		return false;
	first = (size_t)(dot - d);
	for (i = 0; i < sizeof(second) / sizeof(second[0]); i++)
		if (strlen(second[i]) == first && strncasecmp(second[i], d, first) == 0)
			return true;
	return false;
}

static bool label_chars(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!nr_is_alnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '.')
			return false;
	return len > 0;
}

/* A domain and each of its parents of two labels or more. */
static int learn_domains(struct nr_redactor *r, const char *d, size_t len)
{
	const char *dot;
	int rc, learnt = 0;

	while ((dot = memchr(d, '.', len)) && !public_suffix(d, len)) {
		rc = learn_len(r, NR_ID_DOMAIN, d, len);
		if (rc < 0)
			return rc;
		learnt |= rc;
		len -= (size_t)(dot + 1 - d);
		d = dot + 1;
	}
	return learnt;
}

int nr_redact_learn_domain(struct nr_redactor *r, const char *domain)
{
	const char *s = domain;
	size_t len = domain ? strlen(domain) : 0;

	trim(&s, &len);
	while (len > 0 && s[len - 1] == '.')
		len--;
	if (!label_chars(s, len))
		return 0;
	return memchr(s, '.', len) ? learn_domains(r, s, len) : learn_len(r, NR_ID_DOMAIN, s, len);
}

int nr_redact_learn_name(struct nr_redactor *r, const char *name)
{
	char buf[NR_REDACT_WORD_MAX + 1];
	const char *s = name, *dot;
	size_t len = name ? strlen(name) : 0;
	int rc, learnt;

	trim(&s, &len);
	while (len > 0 && s[len - 1] == '.')
		len--;
	if (len == 0 || len > NR_REDACT_WORD_MAX)
		return 0;
	memcpy(buf, s, len);
	buf[len] = '\0';
	rc = nr_shape_learn(r, buf);
	if (rc != 0)
		return rc;
	if (!label_chars(s, len))
		return learn_len(r, NR_ID_HOST, s, len);
	/* host.domain: the first label is the host. */
	dot = memchr(s, '.', len);
	learnt = learn_len(r, NR_ID_HOST, s, dot ? (size_t)(dot - s) : len);
	if (learnt < 0 || !dot)
		return learnt;
	rc = learn_domains(r, dot + 1, len - (size_t)(dot + 1 - s));
	return rc < 0 ? rc : learnt | rc;
}

int nr_redact_learn_shape(struct nr_redactor *r, const char *value)
{
	return value ? nr_shape_learn(r, value) : 0;
}

size_t nr_redact_ident_count(const struct nr_redactor *r, enum nr_ident_kind k)
{
	return (unsigned)k < NR_ID_KINDS ? r->per_kind[k] : 0;
}

size_t nr_redact_replacements(const struct nr_redactor *r)
{
	return r->replacements;
}

size_t nr_redact_overflowed(const struct nr_redactor *r)
{
	return r->overflowed;
}
