/* SPDX-License-Identifier: MIT */
/* Register reads on the local machine (local_regs.c), the local
 * transport's read_regs.  Private to collector/transport/. */
#ifndef NR_LOCAL_REGS_H
#define NR_LOCAL_REGS_H

#include "transport.h"

int nr_local_read_regs(struct nr_transport *t, const char *path, const uint64_t *offsets,
                       size_t n, size_t width, int64_t deadline_ms, unsigned char *data,
                       int *errs, struct nr_error *err);

#endif
