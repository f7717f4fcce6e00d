/* SPDX-License-Identifier: MIT */
/* A capped in-memory sink, for the small things that are read rather than
 * stored: a command's stderr, `uname -m`, a file a probe looks at before
 * deciding what to collect.  Like curl's dynbuf, it has a hard cap. */
#ifndef NR_MEMSINK_H
#define NR_MEMSINK_H

#include "transport.h"

struct nr_mem_sink {
	struct nr_sink base;
	char *buf;      /* always NUL-terminated */
	size_t len;
	size_t cap;
};

/* Returns 0 or -ENOMEM. */
int nr_mem_sink_init(struct nr_mem_sink *m, size_t cap);
/* Hand the buffer to the caller (who frees it); the sink is left empty. */
char *nr_mem_sink_steal(struct nr_mem_sink *m, size_t *len);
void nr_mem_sink_release(struct nr_mem_sink *m);

#endif
