/* SPDX-License-Identifier: MIT */
#include "strmap.h"
#include "siphash.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

/* Keys come from strangers (member names of a bundle): with a fixed hash a
 * crafted bundle could make every name land in one chain, and each insert
 * and lookup walk all of them.  The key is drawn once per process, so the
 * layout cannot be predicted from outside. */
static struct nr_siphash_key seed;
static pthread_once_t seed_once = PTHREAD_ONCE_INIT;

static void draw_seed(void)
{
	ssize_t got = getrandom(&seed, sizeof(seed), GRND_NONBLOCK);
	struct timespec ts;
	int fd;

	if (got == (ssize_t)sizeof(seed))
		return;
	fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	got = fd >= 0 ? read(fd, &seed, sizeof(seed)) : -1;
	if (fd >= 0)
		close(fd);
	if (got == (ssize_t)sizeof(seed))
		return;
	/* No entropy source at all (a very early boot): weaker, never fatal. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	seed.k0 ^= (uint64_t)ts.tv_nsec << 32 ^ (uint64_t)getpid() ^ (uint64_t)(uintptr_t)&seed;
	seed.k1 ^= (uint64_t)ts.tv_sec * 0x9e3779b97f4a7c15ULL ^ (uint64_t)(uintptr_t)&ts;
}

static uint64_t hash(const char *s)
{
	pthread_once(&seed_once, draw_seed);
	return nr_siphash24(&seed, s, strlen(s));
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
