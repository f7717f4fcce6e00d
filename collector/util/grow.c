/* SPDX-License-Identifier: MIT */
#include "grow.h"

#include <stdint.h>
#include <stdlib.h>

void *nr_grow(void *p, size_t *cap, size_t n, size_t elem)
{
	size_t want = *cap ? *cap : 16;
	void *q;

	if (n < *cap)
		return p;
	while (want <= n)
		want *= 2;
	if (elem && want > SIZE_MAX / elem)
		return NULL;
	if (!(q = realloc(p, want * elem)))
		return NULL;
	*cap = want;
	return q;
}
