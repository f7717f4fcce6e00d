/* SPDX-License-Identifier: MIT */
#include "memsink.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int mem_write(struct nr_sink *base, const void *data, size_t len)
{
	struct nr_mem_sink *m = (struct nr_mem_sink *)base;
	size_t room = m->cap - m->len;

	if (len > room)
		len = room;
	memcpy(m->buf + m->len, data, len);
	m->len += len;
	m->buf[m->len] = '\0';
	return m->len == m->cap ? NR_SINK_FULL : 0;
}

int nr_mem_sink_init(struct nr_mem_sink *m, size_t cap)
{
	m->base.write = mem_write;
	m->base.limit = cap;
	m->len = 0;
	m->cap = cap;
	m->buf = malloc(cap + 1);
	if (!m->buf)
		return -ENOMEM;
	m->buf[0] = '\0';
	return 0;
}

char *nr_mem_sink_steal(struct nr_mem_sink *m, size_t *len)
{
	char *b = m->buf;

	if (len)
		*len = m->len;
	m->buf = NULL;
	m->len = 0;
	return b;
}

void nr_mem_sink_release(struct nr_mem_sink *m)
{
	if (m) {
		free(m->buf);
		m->buf = NULL;
		m->len = 0;
	}
}
