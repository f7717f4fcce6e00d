/* SPDX-License-Identifier: MIT */
/* nr_probe_files: small text files copied as artifacts in batches, one
 * transport operation per batch where the transport has read_small (over
 * SSH one request, where a file read one at a time costs a round trip and
 * a program started on the far side); nr_probe_scan: the first bytes of
 * many files in one operation, to pick the few worth reading. */
#include "probe_ctx.h"
#include "transport/memsink.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Spool files open at once per batch. */
#define BATCH 32

struct batch {
	const char *paths[BATCH];
	struct nr_artifact_sink *sinks[BATCH];
	struct nr_sink *outs[BATCH];
	bool truncated[BATCH];
	int results[BATCH];
	size_t slots[BATCH];
	size_t n;
};

/* Open a slot and a sink for each spec; a spec that cannot have one gets
 * its rc at once.  Slots are all made first: pointers move as they are. */
static int batch_begin(struct nr_probe_ctx *ctx, struct nr_probe_file_spec *specs, size_t n,
                       struct batch *b)
{
	struct nr_artifact *a;
	size_t i;
	int rc;

	memset(b, 0, sizeof(*b));
	for (i = 0; i < n; i++) {
		a = nr_probe_ctx_artifact(ctx, specs[i].artifact);
		if (!a)
			return nr_error_set(&ctx->err, ENOMEM, "out of memory");
		a->source = strdup(specs[i].path);
		b->slots[i] = ctx->result->n_arts - 1;
		b->paths[i] = specs[i].path;
		b->n++;
	}
	for (i = 0; i < n; i++) {
		a = &ctx->result->arts[b->slots[i]];
		if (!a->source)
			return nr_error_set(&ctx->err, ENOMEM, "out of memory");
		rc = nr_artifact_begin(a, ctx->opts->spool_dir, ctx->opts->artifact_cap,
		                       &b->sinks[i], &ctx->err);
		if (rc < 0)
			return rc;
		b->outs[i] = nr_artifact_sink_base(b->sinks[i]);
	}
	return 0;
}

/* Close the sinks; drop the slots of files that left no artifact (and of
 * those too big to read this way: they are read again, one by one). */
static void batch_end(struct nr_probe_ctx *ctx, struct nr_probe_file_spec *specs,
                      struct batch *b, int rc)
{
	size_t i;

	for (i = 0; i < b->n; i++) {
		struct nr_artifact *a = &ctx->result->arts[b->slots[i]];

		if (rc < 0 && b->results[i] == 0)
			b->results[i] = rc;
		a->truncated = b->truncated[i];
		if (b->sinks[i] && nr_artifact_end(a, b->sinks[i], NULL) < 0 && b->results[i] == 0)
			b->results[i] = -EIO;
		specs[i].rc = b->results[i];
	}
	/* Highest slot first, so that the lower ones do not move. */
	for (i = b->n; i-- > 0;)
		if (specs[i].rc == -EFBIG ||
		    nr_probe_ctx_file_void(specs[i].rc, ctx->result->arts[b->slots[i]].size))
			nr_probe_ctx_drop(ctx, b->slots[i]);
}

static int read_batch(struct nr_probe_ctx *ctx, struct nr_probe_file_spec *specs, size_t n)
{
	struct nr_transport *t = ctx->level->transport;
	struct nr_error err = { 0 };
	struct batch *b = malloc(sizeof(*b));
	size_t i;
	int rc;

	if (!b)
		return nr_error_set(&ctx->err, ENOMEM, "out of memory");
	rc = batch_begin(ctx, specs, n, b);
	if (rc == 0)
		rc = t->ops->read_small(t, b->paths, n, ctx->deadline_ms, b->outs, b->truncated,
		                        b->results, &err);
	if (rc < 0 && err.code)
		ctx->err = err;
	nr_probe_ctx_outcome(ctx, rc);
	batch_end(ctx, specs, b, rc);
	free(b);
	/* Too big for the batch: read as any file is. */
	for (i = 0; i < n && rc == 0; i++)
		if (specs[i].rc == -EFBIG) {
			specs[i].rc = nr_probe_file(ctx, specs[i].artifact, specs[i].path);
			if (specs[i].rc == -ETIMEDOUT || specs[i].rc == -EINTR)
				rc = specs[i].rc;
		}
	return rc;
}

int nr_probe_files(struct nr_probe_ctx *ctx, struct nr_probe_file_spec *specs, size_t n)
{
	struct nr_transport *t = ctx->level->transport;
	size_t i, k;
	int rc = 0;

	for (i = 0; i < n; i++)
		specs[i].rc = -ECANCELED;
	for (i = 0; i < n && rc != -ETIMEDOUT && rc != -EINTR; i += k) {
		k = n - i < BATCH ? n - i : BATCH;
		if (!t->ops->read_small) {
			k = 1;
			rc = specs[i].rc = nr_probe_file(ctx, specs[i].artifact, specs[i].path);
		} else {
			rc = read_batch(ctx, specs + i, k);
		}
	}
	return rc == -ETIMEDOUT || rc == -EINTR ? rc : 0;
}

/* A transport without scan: each file read up to cap, in turn. */
static int scan_each(struct nr_transport *t, const char *const *paths, size_t n, size_t cap,
                     int64_t deadline_ms, nr_scan_fn fn, void *ud, struct nr_error *err)
{
	struct nr_mem_sink m;
	bool truncated;
	size_t i;
	int rc = 0;

	if (nr_mem_sink_init(&m, cap) < 0)
		return nr_error_set(err, ENOMEM, "out of memory");
	for (i = 0; i < n && rc == 0; i++) {
		m.len = 0;
		m.buf[0] = '\0';
		rc = t->ops->read_file(t, paths[i], deadline_ms, &m.base, &truncated, err);
		if (rc == 0)
			rc = fn(ud, i, m.buf, m.len);
		else if (rc != -ETIMEDOUT && rc != -EINTR)
			rc = 0;   /* gone, or not ours to read: left out */
	}
	nr_mem_sink_release(&m);
	return rc;
}

int nr_probe_scan(struct nr_probe_ctx *ctx, const char *const *paths, size_t n, size_t cap,
                  int (*fn)(void *ud, size_t i, const char *data, size_t len), void *ud)
{
	struct nr_transport *t = ctx->level->transport;
	struct nr_error err = { 0 };
	int rc = t->ops->scan ? t->ops->scan(t, paths, n, cap, ctx->deadline_ms, fn, ud, &err)
	                      : scan_each(t, paths, n, cap, ctx->deadline_ms, fn, ud, &err);

	if (rc < 0 && err.code)
		ctx->err = err;
	nr_probe_ctx_outcome(ctx, rc);
	return rc;
}
