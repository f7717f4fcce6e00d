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

/* Shared by the nr_probe_* calls (probe_ctx.c, probe_files.c). */

/* A new artifact slot named (safely, uniquely) after name; NULL: no memory.
 * Pointers into ctx->result->arts move when another slot is added. */
struct nr_artifact *nr_probe_ctx_artifact(struct nr_probe_ctx *ctx, const char *name);
/* Remove slot (the later ones move down). */
void nr_probe_ctx_drop(struct nr_probe_ctx *ctx, size_t slot);
/* Note what an operation's rc says about the probe (timed out,
 * interrupted, transport lost). */
void nr_probe_ctx_outcome(struct nr_probe_ctx *ctx, int rc);
/* Whether a file read that ended with rc and size bytes leaves no artifact. */
bool nr_probe_ctx_file_void(int rc, uint64_t size);

#endif
