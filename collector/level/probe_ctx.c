/* SPDX-License-Identifier: MIT */
/* The nr_probe_* calls probes make (probe.h), implemented over a level's
 * transport.  Each probe runs in its own thread and owns its result, so
 * nothing here needs a lock. */
#include "probe_ctx.h"
#include "util/sha256.h"
#include "transport/memsink.h"
#include "scrub/scrub.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STDERR_KEEP 512

static void record_lookup(struct nr_probe_ctx *ctx, const char *cmd, const char *path)
{
	json_object *list = ctx->result->commands, *e;
	size_t i;

	/* One entry per command: probes look the same one up repeatedly. */
	for (i = 0; i < json_object_array_length(list); i++) {
		e = json_object_array_get_idx(list, i);
		if (strcmp(json_object_get_string(json_object_object_get(e, "name")), cmd) == 0)
			return;
	}
	e = json_object_new_object();

	json_object_object_add(e, "name", json_object_new_string(cmd));
	json_object_object_add(e, "path", path ? json_object_new_string(path) : NULL);
	json_object_array_add(ctx->result->commands, e);
}

void nr_probe_safe_name(char *out, size_t outlen, const char *in)
{
	size_t i = 0;
	bool run = false;

	/* Names may come from remote directory listings: never let one be
	 * "..", contain '/', or start with '.'.  A run of other bytes (a
	 * space, a UTF-8 character) becomes one '_', so "ünïcode vm" stays
	 * readable as "_n_code_vm", not one '_' per byte. */
	for (; *in && i + 1 < outlen; in++) {
		char c = *in;
		int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		         (c >= '0' && c <= '9') || c == '-' || c == '_' || (c == '.' && i > 0);

		if (ok || !run)
			out[i++] = ok ? c : '_';
		run = !ok;
	}
	out[i] = '\0';
	if (i == 0 && outlen > 1) {
		out[0] = '_';
		out[1] = '\0';
	}
}

/* A name that had to be changed carries 8 hex digits of the original's
 * sha256, before its extension ("domain-my_vm-1f0e3dad.xml"): "my vm" and
 * "my_vm" stay apart, and the same domain gets the same member name in
 * every bundle.  The original is in the artifact's command or source. */
static void tag_changed(char *safe, size_t len, const char *orig)
{
	unsigned char digest[NR_SHA256_LEN];
	char hex[NR_SHA256_HEX], ext[8] = "", base[128];
	struct nr_sha256 h;
	const char *dot = strrchr(safe, '.');
	size_t room;

	if (strcmp(safe, orig) == 0)
		return;
	nr_sha256_init(&h);
	nr_sha256_update(&h, orig, strlen(orig));
	nr_sha256_final(&h, digest);
	nr_sha256_hex(digest, hex);
	/* An extension is a short alphanumeric tail: keep it last. */
	if (dot && dot != safe && strlen(dot) < sizeof(ext) && strspn(dot + 1,
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") == strlen(dot + 1)) {
		snprintf(ext, sizeof(ext), "%s", dot);
		snprintf(base, sizeof(base), "%.*s", (int)(dot - safe), safe);
	} else {
		snprintf(base, sizeof(base), "%s", safe);
	}
	room = len > strlen(ext) + 10 ? len - strlen(ext) - 10 : 1;
	snprintf(safe, len, "%.*s-%.8s%s", (int)(room - 1), base, hex, ext);
}

static bool name_taken(const struct nr_probe_result *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->n_arts; i++)
		if (strcmp(r->arts[i].name, name) == 0)
			return true;
	return false;
}

/* Making names safe can map two (remote-chosen) names to one, e.g. the
 * domains "my vm" and "my_vm": each artifact must keep its own member. */
static void unique_name(const struct nr_probe_result *r, char *name, size_t len)
{
	char base[128];
	int n;

	if (!name_taken(r, name))
		return;
	snprintf(base, sizeof(base), "%s", name);
	for (n = 2; n < 10000; n++) {
		snprintf(name, len, "%.100s.%d", base, n);
		if (!name_taken(r, name))
			return;
	}
}

struct nr_artifact *nr_probe_ctx_artifact(struct nr_probe_ctx *ctx, const char *name)
{
	struct nr_probe_result *r = ctx->result;
	struct nr_artifact *arts, *a;
	char safe[128];
	char path[512];

	arts = realloc(r->arts, (r->n_arts + 1) * sizeof(*arts));
	if (!arts)
		return NULL;
	r->arts = arts;
	a = &arts[r->n_arts];
	memset(a, 0, sizeof(*a));
	a->fd = -1;
	nr_probe_safe_name(safe, sizeof(safe), name);
	tag_changed(safe, sizeof(safe), name);
	unique_name(r, safe, sizeof(safe));
	snprintf(path, sizeof(path), "levels/%s/%s/%s", ctx->level->id, r->probe->name, safe);
	a->name = strdup(safe);
	a->path = strdup(path);
	if (!a->name || !a->path) {
		nr_artifact_release(a);
		return NULL;
	}
	r->n_arts++;
	return a;
}

static void drop_last_artifact(struct nr_probe_ctx *ctx)
{
	struct nr_probe_result *r = ctx->result;

	nr_artifact_release(&r->arts[--r->n_arts]);
}

static json_object *argv_json(const char *path, const char *const *argv)
{
	json_object *arr = json_object_new_array();
	size_t i;

	for (i = 0; argv[i]; i++) {
		char *clean = nr_scrub_arg_string(i == 0 ? path : argv[i], NULL);

		json_object_array_add(arr, json_object_new_string(clean ? clean : ""));
		free(clean);
	}
	return arr;
}

static bool transport_down(const struct nr_probe_ctx *ctx)
{
	return ctx->level->transport->lost || ctx->level->transport->broken;
}

void nr_probe_ctx_outcome(struct nr_probe_ctx *ctx, int rc)
{
	if (rc == -ETIMEDOUT)
		ctx->timed_out = true;
	if (rc == -EINTR)
		ctx->interrupted = true;
	if (rc < 0 && rc != -ENOENT && transport_down(ctx))
		ctx->lost = true;
}

/* A command in flight.  Preparation (lookups, artifact slots) happens on
 * the probe's thread; execution may happen on a helper thread and touches
 * only its own artifact slot, which no realloc moves while jobs run. */
struct cmd_job {
	struct nr_probe_ctx *ctx;
	size_t slot;
	const char *run_argv[64];
	char path[4096];
	struct nr_error err;
	int rc;
	int exit_code;
	const char *empty_answer;   /* nr_probe_cmd_spec.empty_answer */
	bool prepared;          /* has an artifact slot */
};

static int cmd_prepare(struct nr_probe_ctx *ctx, struct cmd_job *job, const char *artifact,
                       const char *const *argv)
{
	struct nr_transport *t = ctx->level->transport;
	struct nr_artifact *a;
	size_t i;

	job->ctx = ctx;
	job->exit_code = -1;
	/* An absolute argv[0] was found by the probe (e.g. /usr/libexec/qemu-kvm). */
	if (argv[0][0] == '/')
		snprintf(job->path, sizeof(job->path), "%s", argv[0]);
	else if (t->ops->which(t, argv[0], ctx->deadline_ms, job->path, sizeof(job->path)) < 0) {
		/* With the transport down, "not found" is not "not installed". */
		if (transport_down(ctx))
			return job->rc = -ECONNRESET;
		record_lookup(ctx, argv[0], NULL);
		return job->rc = -ENOENT;
	}
	record_lookup(ctx, argv[0], job->path);
	a = nr_probe_ctx_artifact(ctx, artifact);
	if (!a)
		return job->rc = nr_error_set(&ctx->err, ENOMEM, "out of memory");
	job->slot = ctx->result->n_arts - 1;
	for (i = 0; argv[i] && i < 63; i++)
		job->run_argv[i] = i == 0 ? job->path : argv[i];
	job->run_argv[i] = NULL;
	a->command = argv_json(job->path, argv);
	job->prepared = true;
	return job->rc = 0;
}

static void *cmd_execute(void *arg)
{
	struct cmd_job *job = arg;
	struct nr_probe_ctx *ctx = job->ctx;
	struct nr_transport *t = ctx->level->transport;
	struct nr_artifact *a = &ctx->result->arts[job->slot];
	struct nr_artifact_sink *sink = NULL;
	struct nr_mem_sink errs = { { NULL }, NULL, 0, 0 };
	struct nr_run_result res;
	char key[256];
	int rc;

	rc = nr_mem_sink_init(&errs, STDERR_KEEP) < 0
		     ? nr_error_set(&job->err, ENOMEM, "out of memory")
		     : nr_artifact_begin(a, ctx->opts->spool_dir, ctx->opts->artifact_cap, &sink,
		                         &job->err);
	if (rc < 0)
		goto out;
	snprintf(key, sizeof(key), "%s/%s", ctx->result->probe->name, a->name);
	rc = t->ops->run(t, key, job->run_argv, ctx->deadline_ms, nr_artifact_sink_base(sink),
	                 &errs.base, &res, &job->err);
	a->truncated = res.truncated;
	a->exit_code = res.exit_code;
	if (nr_artifact_end(a, sink, rc < 0 ? NULL : &job->err) < 0 && rc == 0)
		rc = -EIO;
	/* At the cap we stop the command (locally a kill, remotely head -c
	 * closes its pipe): the status it then ends with is ours, not its
	 * own.  The manifest says "truncated" and no exit code; the probe
	 * hears 0, since the output it asked for is there.  (The artifact
	 * knows best: the scrubber may hold the byte over the cap until the
	 * end, so the transport need not have seen the sink fill.) */
	a->has_exit = !res.timed_out && !a->truncated && res.term_signal == 0 &&
	              res.exit_code >= 0;
	job->exit_code = a->has_exit ? res.exit_code : a->truncated && !res.timed_out ? 0 : -1;
	if (errs.len > 0)
		a->stderr_text = nr_scrub_string(errs.buf, &a->scrubbed);
out:
	nr_mem_sink_release(&errs);
	job->rc = rc;
	return NULL;
}

/* A command that never ran because the transport failed (not one that
 * timed out: that outcome is worth recording) leaves an empty artifact
 * that would pass for real, empty output. */
static bool cmd_void(const struct nr_probe_ctx *ctx, const struct cmd_job *job)
{
	return job->prepared && job->rc < 0 && job->rc != -ENOENT && job->rc != -ETIMEDOUT && job->rc != -EINTR &&
	       ctx->result->arts[job->slot].size == 0;
}

void nr_probe_ctx_drop(struct nr_probe_ctx *ctx, size_t slot)
{
	struct nr_probe_result *r = ctx->result;

	nr_artifact_release(&r->arts[slot]);
	memmove(&r->arts[slot], &r->arts[slot + 1], (r->n_arts - slot - 1) * sizeof(r->arts[0]));
	r->n_arts--;
}

/* Exit status and no output: a failed artifact, or the answer the probe
 * said it means. */
static void cmd_judge(struct nr_probe_ctx *ctx, struct cmd_job *job)
{
	struct nr_artifact *a;

	if (!job->prepared || job->rc != 0)
		return;
	a = &ctx->result->arts[job->slot];
	if (!a->has_exit || a->exit_code == 0 || a->size > 0)
		return;
	if (job->empty_answer)
		nr_probe_note(ctx, "%s: exited with status %d and printed nothing: %s", a->name,
		              a->exit_code, job->empty_answer);
	else
		a->failed = true;
}

static void cmd_finish(struct nr_probe_ctx *ctx, struct cmd_job *job)
{
	if (job->rc < 0 && job->rc != -ENOENT && job->err.code)
		ctx->err = job->err;
	cmd_judge(ctx, job);
	nr_probe_ctx_outcome(ctx, job->rc);
}

void nr_probe_cmd_failed(struct nr_probe_ctx *ctx, const char *artifact)
{
	size_t i;

	for (i = 0; i < ctx->result->n_arts; i++)
		if (strcmp(ctx->result->arts[i].name, artifact) == 0 && ctx->result->arts[i].command)
			ctx->result->arts[i].failed = true;
}

int nr_probe_cmd(struct nr_probe_ctx *ctx, const char *artifact, const char *const *argv,
                 int *exit_code)
{
	struct cmd_job *job = calloc(1, sizeof(*job));
	int rc;

	if (!job)
		return nr_error_set(&ctx->err, ENOMEM, "out of memory");
	if (cmd_prepare(ctx, job, artifact, argv) == 0) {
		cmd_execute(job);
		if (cmd_void(ctx, job))
			nr_probe_ctx_drop(ctx, job->slot);
	}
	cmd_finish(ctx, job);
	if (exit_code)
		*exit_code = job->exit_code;
	rc = job->rc;
	free(job);
	return rc;
}

#define CMDS_PARALLEL 8

int nr_probe_cmds(struct nr_probe_ctx *ctx, struct nr_probe_cmd_spec *specs, size_t n)
{
	struct cmd_job *jobs = calloc(CMDS_PARALLEL, sizeof(*jobs));
	pthread_t threads[CMDS_PARALLEL];
	bool started[CMDS_PARALLEL];
	size_t base, i, batch;
	int rc = 0;

	if (!jobs)
		return nr_error_set(&ctx->err, ENOMEM, "out of memory");
	for (base = 0; base < n && rc == 0; base += batch) {
		batch = n - base < CMDS_PARALLEL ? n - base : CMDS_PARALLEL;
		memset(jobs, 0, CMDS_PARALLEL * sizeof(*jobs));
		for (i = 0; i < batch; i++) {
			cmd_prepare(ctx, &jobs[i], specs[base + i].artifact, specs[base + i].argv);
			jobs[i].empty_answer = specs[base + i].empty_answer;
		}
		for (i = 0; i < batch; i++) {
			started[i] = jobs[i].rc == 0 &&
			             pthread_create(&threads[i], NULL, cmd_execute, &jobs[i]) == 0;
			if (!started[i] && jobs[i].rc == 0)
				cmd_execute(&jobs[i]);
		}
		for (i = 0; i < batch; i++) {
			if (started[i])
				pthread_join(threads[i], NULL);
			cmd_finish(ctx, &jobs[i]);
			specs[base + i].rc = jobs[i].rc;
			specs[base + i].exit_code = jobs[i].exit_code;
			if (jobs[i].rc == -ETIMEDOUT || jobs[i].rc == -EINTR)
				rc = jobs[i].rc;
		}
		/* Highest slot first, so the lower ones do not move. */
		for (i = batch; i-- > 0;)
			if (cmd_void(ctx, &jobs[i]))
				nr_probe_ctx_drop(ctx, jobs[i].slot);
	}
	free(jobs);
	return rc;
}

bool nr_probe_ctx_file_void(int rc, uint64_t size)
{
	/* A missing or unreadable file is not an artifact; the probe decides
	 * whether that matters.  Anything else is kept: partial data is data. */
	return rc == -ENOENT || rc == -EACCES || rc == -EPERM || rc == -EINVAL ||
	       (rc < 0 && size == 0);
}

int nr_probe_file(struct nr_probe_ctx *ctx, const char *artifact, const char *path)
{
	struct nr_transport *t = ctx->level->transport;
	struct nr_artifact_sink *sink = NULL;
	struct nr_error ferr = { 0 };
	struct nr_artifact *a;
	bool truncated = false;
	int rc;

	a = nr_probe_ctx_artifact(ctx, artifact);
	if (!a)
		return nr_error_set(&ctx->err, ENOMEM, "out of memory");
	a->source = strdup(path);
	rc = nr_artifact_begin(a, ctx->opts->spool_dir, ctx->opts->artifact_cap, &sink, &ctx->err);
	if (rc < 0)
		goto out;
	rc = t->ops->read_file(t, path, ctx->deadline_ms, nr_artifact_sink_base(sink), &truncated,
	                       &ferr);
	a->truncated = truncated;
	if (nr_artifact_end(a, sink, NULL) < 0 && rc == 0)
		rc = nr_error_set(&ferr, EIO, "cannot spool %s", path);
	nr_probe_ctx_outcome(ctx, rc);
	if (nr_probe_ctx_file_void(rc, a->size)) {
		drop_last_artifact(ctx);
		a = NULL;
	}
	if (rc < 0)
		ctx->err = ferr;
out:
	(void)a;
	return rc;
}

int nr_probe_text(struct nr_probe_ctx *ctx, const char *artifact, const char *text, size_t len)
{
	struct nr_artifact_sink *sink = NULL;
	struct nr_artifact *a = nr_probe_ctx_artifact(ctx, artifact);
	int rc;

	if (!a)
		return nr_error_set(&ctx->err, ENOMEM, "out of memory");
	rc = nr_artifact_begin(a, ctx->opts->spool_dir, ctx->opts->artifact_cap, &sink, &ctx->err);
	if (rc < 0)
		return rc;
	rc = nr_artifact_sink_base(sink)->write(nr_artifact_sink_base(sink), text, len);
	if (nr_artifact_end(a, sink, &ctx->err) < 0 || rc < 0)
		return rc < 0 ? rc : -EIO;
	return 0;
}

int nr_probe_slurp(struct nr_probe_ctx *ctx, const char *path, size_t cap, char **buf,
                   size_t *len)
{
	struct nr_transport *t = ctx->level->transport;
	struct nr_mem_sink m;
	bool truncated;
	int rc;

	*buf = NULL;
	*len = 0;
	if (nr_mem_sink_init(&m, cap) < 0)
		return nr_error_set(&ctx->err, ENOMEM, "out of memory");
	rc = t->ops->read_file(t, path, ctx->deadline_ms, &m.base, &truncated, &ctx->err);
	nr_probe_ctx_outcome(ctx, rc);
	if (rc == 0)
		*buf = nr_mem_sink_steal(&m, len);
	nr_mem_sink_release(&m);
	return rc;
}

int nr_probe_list(struct nr_probe_ctx *ctx, const char *dir,
                  int (*fn)(void *ud, const char *name), void *ud)
{
	struct nr_transport *t = ctx->level->transport;
	int rc = t->ops->list(t, dir, ctx->deadline_ms, fn, ud, &ctx->err);

	/* A listing cut off by a lost connection or the deadline is not "no
	 * such directory": the probe must not end as skipped for it. */
	nr_probe_ctx_outcome(ctx, rc);
	return rc;
}

bool nr_probe_has(struct nr_probe_ctx *ctx, const char *cmd)
{
	struct nr_transport *t = ctx->level->transport;
	char path[4096];
	bool found = t->ops->which(t, cmd, ctx->deadline_ms, path, sizeof(path)) == 0;

	if (!found && transport_down(ctx)) {
		ctx->lost = true;
		return false;
	}
	record_lookup(ctx, cmd, found ? path : NULL);
	return found;
}

int nr_probe_path_info(struct nr_probe_ctx *ctx, const char *path, bool *exists, bool *char_dev,
                       bool *opened_rw)
{
	struct nr_transport *t = ctx->level->transport;
	struct nr_path_info info;
	int rc = t->ops->path_info(t, path, ctx->deadline_ms, &info, &ctx->err);

	if (rc < 0)
		return rc;
	*exists = info.exists;
	*char_dev = info.is_char_device;
	*opened_rw = info.opened_rw;
	return 0;
}

int nr_probe_read_regs(struct nr_probe_ctx *ctx, const char *path, const uint64_t *offsets,
                       size_t n, size_t width, unsigned char *data, int *errs)
{
	struct nr_transport *t = ctx->level->transport;
	int rc;

	if (!t->ops->read_regs)
		return nr_error_set(&ctx->err, ENOSYS, "%s: register reads not supported here", path);
	rc = t->ops->read_regs(t, path, offsets, n, width, ctx->deadline_ms, data, errs, &ctx->err);
	nr_probe_ctx_outcome(ctx, rc);
	return rc;
}

int nr_probe_is_root(struct nr_probe_ctx *ctx)
{
	return ctx->level->is_root;
}

enum nr_arch nr_probe_arch(struct nr_probe_ctx *ctx)
{
	return ctx->level->arch;
}

static void set_reason(struct nr_probe_ctx *ctx, const char *fmt, va_list ap)
{
	char line[256];

	vsnprintf(line, sizeof(line), fmt, ap);
	free(ctx->result->error);
	ctx->result->error = strdup(line);
}

int nr_probe_skip(struct nr_probe_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_reason(ctx, fmt, ap);
	va_end(ap);
	ctx->ended = NR_PROBE_SKIPPED;
	return 0;
}

int nr_probe_fail(struct nr_probe_ctx *ctx, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_reason(ctx, fmt, ap);
	va_end(ap);
	ctx->ended = NR_PROBE_FAILED;
	return code < 0 ? code : -code;
}

void nr_probe_note(struct nr_probe_ctx *ctx, const char *fmt, ...)
{
	char line[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	json_object_array_add(ctx->result->notes, json_object_new_string(line));
}

const void *nr_probe_data(struct nr_probe_ctx *ctx)
{
	return ctx->result->probe->data;
}

const char *nr_probe_output(struct nr_probe_ctx *ctx, const char *artifact, size_t *len)
{
	struct nr_artifacts view = { ctx->result };

	return nr_artifacts_get(&view, artifact, len);
}
