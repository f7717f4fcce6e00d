/* SPDX-License-Identifier: MIT */
/* A string-keyed hash map (open addressing, keys copied).  Small and
 * deliberately plain: the bundle reader uses it to catch duplicate member
 * names, verify to match members against the manifest.  Capacity grows;
 * callers cap the number of entries themselves.  Keys are hashed with
 * SipHash under a key drawn once per process, so names from an untrusted
 * bundle cannot be chosen to collide. */
#ifndef NR_STRMAP_H
#define NR_STRMAP_H

#include <stddef.h>

struct nr_strmap_slot {
	char *key;            /* NULL: empty */
	void *val;
};

struct nr_strmap {
	struct nr_strmap_slot *slots;
	size_t cap, n;
};

/* Add key -> val.  1 added, 0 already there (val not replaced), -ENOMEM. */
int nr_strmap_put(struct nr_strmap *m, const char *key, void *val);

/* The slot of key, or NULL. */
struct nr_strmap_slot *nr_strmap_find(const struct nr_strmap *m, const char *key);

/* Free the keys (and each value with free_val, when not NULL). */
void nr_strmap_release(struct nr_strmap *m, void (*free_val)(void *));

#endif
