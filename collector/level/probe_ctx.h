/* SPDX-License-Identifier: MIT */
/* The state behind a struct nr_probe_ctx: one probe running on one level. */
#ifndef NR_PROBE_CTX_H
#define NR_PROBE_CTX_H

#include "level.h"

struct nr_probe_ctx {
	struct nr_level *level;
	struct nr_probe_result *result;
	const struct nr_collect_opts *opts;
	int64_t deadline_ms;
	bool timed_out;
	bool interrupted;
	bool lost;              /* the level's transport stopped working mid-probe */
	int ended;              /* 0, or NR_PROBE_SKIPPED / NR_PROBE_FAILED */
	struct nr_error err;    /* the last operation's error */
};

#endif
