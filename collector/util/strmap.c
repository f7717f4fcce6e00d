#include "strmap.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;   /* FNV-1a */

	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 1099511628211ULL;
	}
	return h;
}

static struct nr_strmap_slot *probe_slot(struct nr_strmap_slot *slots, size_t cap, const char *key)
{
	size_t i = (size_t)hash(key) & (cap - 1);

	while (slots[i].key && strcmp(slots[i].key, key) != 0)
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

static int grow(struct nr_strmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 64, i;
	struct nr_strmap_slot *slots = calloc(cap, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	for (i = 0; i < m->cap; i++)
		if (m->slots[i].key)
			*probe_slot(slots, cap, m->slots[i].key) = m->slots[i];
	free(m->slots);
	m->slots = slots;
	m->cap = cap;
	return 0;
}

int nr_strmap_put(struct nr_strmap *m, const char *key, void *val)
{
	struct nr_strmap_slot *s;

	/* Keep the load under one half: probes stay short. */
	if ((m->n + 1) * 2 > m->cap && grow(m) < 0)
		return -ENOMEM;
	s = probe_slot(m->slots, m->cap, key);
	if (s->key)
		return 0;
	s->key = strdup(key);
	if (!s->key)
		return -ENOMEM;
	s->val = val;
	m->n++;
	return 1;
}

struct nr_strmap_slot *nr_strmap_find(const struct nr_strmap *m, const char *key)
{
	struct nr_strmap_slot *s;

	if (!m->cap)
		return NULL;
	s = probe_slot(m->slots, m->cap, key);
	return s->key ? s : NULL;
}

void nr_strmap_release(struct nr_strmap *m, void (*free_val)(void *))
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		if (m->slots[i].key) {
			free(m->slots[i].key);
			if (free_val)
				free_val(m->slots[i].val);
		}
	free(m->slots);
	m->slots = NULL;
	m->cap = m->n = 0;
}
