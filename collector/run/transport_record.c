/* SPDX-License-Identifier: MIT */
/* The recording transport: wraps another transport and tees every result
 * into a capture tree (record_tree.c; layout in replay.h), scrubbed and
 * capped, so that the replay transport can answer the same questions
 * later. */
#include "capture.h"
#include "record_tree.h"
#include "transport/regs_text.h"
#include "transport/replay.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define REC_ERR_CAP (64 * 1024)   /* stderr kept per command */

struct record {
	struct nr_transport base;
	struct nr_transport_ops ops;   /* ours, with the inner transport's kind */
	struct nr_transport *inner;
	uint64_t cap;
	int root;
	bool tree_open;
	struct nr_rec_tree tree;
};

static struct record *record_of(struct nr_transport *t)
{
	return (struct record *)t;
}

/* ---- the tee ---------------------------------------------------------- */

struct tee {
	struct nr_sink base;
	struct nr_sink *inner;
	struct nr_rec_file *f;
};

static int tee_write(struct nr_sink *s, const void *data, size_t len)
{
	struct tee *t = (struct tee *)s;
	int rc = t->inner ? t->inner->write(t->inner, data, len) : 0;

	nr_rec_write(t->f, data, len);
	return rc;
}

/* ---- the operations --------------------------------------------------- */

static int record_run(struct nr_transport *t, const char *key, const char *const *argv,
                      int64_t deadline_ms, struct nr_sink *out, struct nr_sink *err_out,
                      struct nr_run_result *res, struct nr_error *err)
{
	struct record *r = record_of(t);
	struct tee to = { { tee_write }, out, NULL }, te = { { tee_write }, err_out, NULL };
	char rel[512], text[32];
	bool ok = nr_replay_key_ok(key), commit;
	int rc;

	if (ok) {
		snprintf(rel, sizeof(rel), NR_REPLAY_COMMANDS "/%s.out", key);
		to.f = nr_rec_begin(&r->tree, NR_REC_COMMAND, rel, key, r->cap);
		snprintf(rel, sizeof(rel), NR_REPLAY_COMMANDS "/%s.err", key);
		te.f = nr_rec_begin(&r->tree, NR_REC_META, rel, key, REC_ERR_CAP);
	}
	rc = r->inner->ops->run(r->inner, key, argv, deadline_ms, &to.base, &te.base, res, err);
	commit = ok && (rc == 0 || res->timed_out) && !nr_interrupted;
	nr_rec_end(to.f, commit, false);
	nr_rec_end(te.f, commit && !nr_rec_empty(te.f), false);
	if (!commit)
		return rc;
	if (res->timed_out)
		snprintf(text, sizeof(text), "timeout\n");
	else if (res->term_signal)
		snprintf(text, sizeof(text), "signal %d\n", res->term_signal);
	else if (res->exit_code >= 0)
		snprintf(text, sizeof(text), "%d\n", res->exit_code);
	else
		return rc;
	snprintf(rel, sizeof(rel), NR_REPLAY_COMMANDS "/%s.exit", key);
	nr_rec_text(&r->tree, rel, key, text);
	return rc;
}

static int record_read_file(struct nr_transport *t, const char *path, int64_t deadline_ms,
                            struct nr_sink *out, bool *truncated, struct nr_error *err)
{
	struct record *r = record_of(t);
	struct tee tee = { { tee_write }, out, NULL };
	const char *rel = path + strspn(path, "/");
	int rc;

	/* Our own metadata directory is not a path of the machine. */
	if (strncmp(rel, NR_REPLAY_META_DIR, strlen(NR_REPLAY_META_DIR)) != 0)
		tee.f = nr_rec_begin(&r->tree, NR_REC_FILE, rel, path, r->cap);
	rc = r->inner->ops->read_file(r->inner, path, deadline_ms, &tee.base, truncated, err);
	nr_rec_end(tee.f, rc == 0 && !nr_interrupted, *truncated);
	return rc;
}

struct list_tee {
	nr_list_fn fn;
	void *ud;
	char *buf;
	size_t len;
};

static int list_tee_one(void *ud, const char *name)
{
	struct list_tee *lt = ud;
	size_t n = strlen(name);

	if (lt->buf && !strchr(name, '\n') && lt->len + n + 1 <= NR_REPLAY_LIST_MAX) {
		memcpy(lt->buf + lt->len, name, n);
		lt->buf[lt->len + n] = '\n';
		lt->len += n + 1;
	}
	return lt->fn(lt->ud, name);
}

static int record_list(struct nr_transport *t, const char *dir, int64_t deadline_ms,
		nr_list_fn fn, void *ud, struct nr_error *err)
{
	struct record *r = record_of(t);
	struct list_tee lt = { fn, ud, malloc(NR_REPLAY_LIST_MAX), 0 };
	struct nr_rec_file *f;
	char rel[4096];
	int rc;

	rc = r->inner->ops->list(r->inner, dir, deadline_ms, list_tee_one, &lt, err);
	if (rc >= 0 && lt.buf && !nr_interrupted &&
	    nr_replay_meta_path(rel, sizeof(rel), NR_REPLAY_LISTS, dir, ".list") == 0) {
		f = nr_rec_begin(&r->tree, NR_REC_META, rel, dir, NR_REPLAY_LIST_MAX);
		nr_rec_write(f, lt.buf, lt.len);
		nr_rec_end(f, true, false);
	}
	free(lt.buf);
	return rc;
}

static int record_which(struct nr_transport *t, const char *cmd, int64_t deadline_ms,
		char *out, size_t outlen)
{
	struct record *r = record_of(t);
	char rel[256], text[4200];
	int rc = r->inner->ops->which(r->inner, cmd, deadline_ms, out, outlen);

	if (rc == 0 && nr_replay_cmd_ok(cmd)) {
		snprintf(rel, sizeof(rel), NR_REPLAY_WHICH "/%s", cmd);
		snprintf(text, sizeof(text), "%s\n", out);
		nr_rec_text(&r->tree, rel, cmd, text);
	}
	return rc;
}

static const char *yn(bool b)
{
	return b ? "yes" : "no";
}

static int record_path_info(struct nr_transport *t, const char *path, int64_t deadline_ms,
		struct nr_path_info *info, struct nr_error *err)
{
	struct record *r = record_of(t);
	char rel[4096], text[256];
	int rc = r->inner->ops->path_info(r->inner, path, deadline_ms, info, err);

	if (rc == 0 && nr_replay_meta_path(rel, sizeof(rel), NR_REPLAY_PATHS, path, ".info") == 0) {
		snprintf(text, sizeof(text),
		         "exists: %s\nchar_device: %s\nreadable: %s\nwritable: %s\nopen_rw: %s\n",
		         yn(info->exists), yn(info->is_char_device), yn(info->readable),
		         yn(info->writable), yn(info->opened_rw));
		nr_rec_text(&r->tree, rel, path, text);
	}
	return rc;
}

/* The reads, or the device's failure (absent, refused), are recorded; a
 * transport that cannot read registers at all leaves nothing, so a replay
 * says "not recorded" rather than "no such device". */
static int record_read_regs(struct nr_transport *t, const char *path, const uint64_t *offsets,
                            size_t n, size_t width, int64_t deadline_ms, unsigned char *data,
                            int *errs, struct nr_error *err)
{
	struct record *r = record_of(t);
	char rel[4096], text[NR_REPLAY_SMALL_MAX];
	int rc;

	if (!r->inner->ops->read_regs)
		return nr_error_set(err, ENOSYS, "%s: register reads not supported here", path);
	rc = r->inner->ops->read_regs(r->inner, path, offsets, n, width, deadline_ms, data, errs, err);
	if (rc == -ENOSYS || rc == -ETIMEDOUT || rc == -EINTR || nr_interrupted)
		return rc;
	if (nr_replay_meta_path(rel, sizeof(rel), NR_REPLAY_REGS, path, ".regs") == 0 &&
	    nr_regs_text_format(text, sizeof(text), rc, offsets, n, width, data, errs) == 0)
		nr_rec_text(&r->tree, rel, path, text);
	return rc;
}

static int record_is_root(struct nr_transport *t, int64_t deadline_ms)
{
	struct record *r = record_of(t);

	r->root = r->inner->ops->is_root(r->inner, deadline_ms);
	return r->root;
}

static void record_close(struct nr_transport *t)
{
	struct record *r = record_of(t);

	nr_transport_close(r->inner);
	if (r->tree_open)
		nr_rec_tree_close(&r->tree);
	free(r);
}

static const struct nr_transport_ops record_ops = {
	.kind = "local",
	.run = record_run,
	.read_file = record_read_file,
	.list = record_list,
	.which = record_which,
	.path_info = record_path_info,
	.is_root = record_is_root,
	.read_regs = record_read_regs,
	.close = record_close,
};

int nr_transport_record_finish(struct nr_transport *t, struct nr_capture_stats *st,
                               struct nr_error *err)
{
	struct record *r = record_of(t);
	char text[256], when[32];
	struct tm tm;
	time_t now = time(NULL);

	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(text, sizeof(text), "format: %s\ntool: nest-report %s\ncaptured: %s\nroot: %s\n",
	         NR_REPLAY_FORMAT, NR_VERSION, when,
	         r->root < 0 ? "unknown" : r->root ? "yes" : "no");
	nr_rec_text(&r->tree, NR_REPLAY_META, "meta", text);
	nr_rec_tree_stats(&r->tree, st);
	if (atomic_load(&r->tree.errors) > 0)
		return nr_error_set(err, EIO, "%s", st->first_error);
	return 0;
}

struct nr_transport *nr_transport_record_new(struct nr_transport *inner, const char *dir,
                                             uint64_t cap, nr_record_keep_fn keep,
                                             struct nr_error *err)
{
	struct record *r = calloc(1, sizeof(*r));

	if (!r) {
		nr_error_set(err, ENOMEM, "out of memory");
		nr_transport_close(inner);
		return NULL;
	}
	r->ops = record_ops;
	r->ops.kind = inner->ops->kind;
	r->base.ops = &r->ops;
	r->inner = inner;
	r->cap = cap;
	r->root = -1;
	r->tree_open = nr_rec_tree_open(&r->tree, dir, keep, err) == 0;
	if (!r->tree_open) {
		record_close(&r->base);
		return NULL;
	}
	return &r->base;
}
