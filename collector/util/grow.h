/* SPDX-License-Identifier: MIT */
/* Growing an array one element at a time (git's ALLOC_GROW, as a
 * function): room for element n of p, whose capacity is *cap elements of
 * size elem, doubling from 16.  Returns the array, moved or not; NULL when
 * out of memory, and then p is unchanged and still the caller's:
 *
 *     if (!(grown = nr_grow(a->v, &a->cap, a->n, sizeof(*a->v))))
 *             return -ENOMEM;
 *     a->v = grown;
 */
#ifndef NR_GROW_H
#define NR_GROW_H

#include <stddef.h>

void *nr_grow(void *p, size_t *cap, size_t n, size_t elem);

#endif
