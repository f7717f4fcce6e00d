/* SPDX-License-Identifier: MIT */
/* Collecting one level: detect its basics, run the selected probes
 * concurrently (a thread each, every probe under its own deadline), then
 * parse artifacts into facts. */
#include "level.h"
#include "facts.h"
#include "parse.h"
#include "transport/memsink.h"
#include "probe_ctx.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --timeout when none is given (the option's own default). */
#define DETECT_TIMEOUT_DEFAULT_S 30

const char *nr_probe_status_name(enum nr_probe_status s)
{
	static const char *const names[] = { "ok", "failed", "timeout", "skipped", "unsupported" };

	return (unsigned)s < NR_PROBE_STATUS_COUNT ? names[s] : "failed";
}

int nr_level_init(struct nr_level *lv, const char *id, int depth, const char *parent,
                  struct nr_transport *t, struct nr_error *err)
{
	memset(lv, 0, sizeof(*lv));
	lv->id = strdup(id);
	lv->parent = parent ? strdup(parent) : NULL;
	lv->depth = depth;
	lv->transport = t;
	lv->kind = t ? t->ops->kind : "ssh";
	lv->status = "ok";
	lv->is_root = -1;
	lv->errors = json_object_new_array();
	lv->facts = json_object_new_object();
	if (!lv->id || (parent && !lv->parent) || !lv->errors || !lv->facts) {
		nr_level_release(lv);
		return nr_error_set(err, ENOMEM, "out of memory");
	}
	return 0;
}

int nr_level_init_remote(struct nr_level *lv, const char *id, int depth, const char *parent,
                         const char *kind, struct nr_error *err)
{
	int rc = nr_level_init(lv, id, depth, parent, NULL, err);

	if (rc == 0)
		lv->kind = kind;
	return rc;
}

void nr_level_add_error(struct nr_level *lv, const char *msg)
{
	json_object_array_add(lv->errors, json_object_new_string(msg));
}

void nr_level_release(struct nr_level *lv)
{
	size_t i, j;

	if (!lv)
		return;
	for (i = 0; i < lv->n_results; i++) {
		struct nr_probe_result *r = &lv->results[i];

		for (j = 0; j < r->n_arts; j++)
			nr_artifact_release(&r->arts[j]);
		free(r->arts);
		free(r->error);
		json_object_put(r->commands);
		json_object_put(r->notes);
	}
	free(lv->results);
	nr_transport_close(lv->transport);
	json_object_put(lv->errors);
	json_object_put(lv->facts);
	json_object_put(lv->match);
	free(lv->id);
	free(lv->parent);
	free(lv->target);
	free(lv->arch_name);
	memset(lv, 0, sizeof(*lv));
}

/* The architecture decides which probes apply, so it is learned first:
 * from `uname -m`, else from what /proc/cpuinfo looks like (captured trees
 * of foreign machines often have no uname recorded).  Every step shares
 * the detection deadline, which --timeout sets: the first command pays for
 * the remote shell and sudo, and a guest under TCG on a busy host needed
 * more than a fixed 5 s.  When uname is there and gives no answer, the
 * level says so. */
static void level_detect_arch(struct nr_level *lv, int64_t deadline_ms)
{
	struct nr_transport *t = lv->transport;
	struct nr_mem_sink out = { { NULL }, NULL, 0, 0 };
	struct nr_run_result res = { 0 };
	struct nr_error err = { 0 };
	const char *argv[] = { NULL, "-m", NULL };
	char path[4096], msg[400];
	int rc = -1;

	if (nr_mem_sink_init(&out, 128) == 0 &&
	    t->ops->which(t, "uname", deadline_ms, path, sizeof(path)) == 0) {
		argv[0] = path;
		rc = t->ops->run(t, "detect/uname-m", argv, deadline_ms, &out.base, NULL, &res, &err);
		if (rc == 0 && res.exit_code == 0) {
			out.buf[strcspn(out.buf, " \t\r\n")] = '\0';
			/* A machine name is [A-Za-z0-9_]; anything else (a
			 * replayed tree's junk) is no answer. */
			if (out.buf[0] && out.buf[strspn(out.buf, "abcdefghijklmnopqrstuvwxyz"
			                                 "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")] == '\0')
				lv->arch_name = strdup(out.buf);
		}
		if (!lv->arch_name) {
			const char *why = "no machine name in its output";

			if (rc < 0)
				why = res.timed_out || rc == -ETIMEDOUT ? "timed out"
				      : err.msg[0] ? err.msg : "could not run";
			else if (res.exit_code != 0)
				why = "failed";
			snprintf(msg, sizeof(msg), "uname -m gave no architecture (%s); guessing it from "
			         "/proc/cpuinfo", why);
			nr_level_add_error(lv, msg);
		}
	}
	nr_mem_sink_release(&out);
	lv->arch = lv->arch_name ? nr_arch_from_uname(lv->arch_name) : NR_ARCH_UNKNOWN;
	if (lv->arch != NR_ARCH_UNKNOWN || t->lost || t->broken)
		return;
	lv->arch = nr_facts_arch_from_cpuinfo(t, deadline_ms, path, sizeof(path));
	/* uname's word stays first; cpuinfo names the machine only where
	 * uname gave none and the shape proves it (a replayed tree). */
	if (!lv->arch_name && path[0]) {
		lv->arch_name = strdup(path);
		lv->arch_from_cpuinfo = lv->arch_name != NULL;
	}
}

static bool name_in(const char *const *list, const char *name)
{
	for (; list && *list; list++)
		if (strcmp(*list, name) == 0)
			return true;
	return false;
}

bool nr_level_probe_applies(const struct nr_level *lv, const struct nr_probe *p,
                            const struct nr_collect_opts *opts, const char **why,
                            enum nr_probe_status *status)
{
	*status = NR_PROBE_SKIPPED;
	if (opts && opts->only && !name_in(opts->only, p->name)) {
		*why = "not selected by --only";
		return false;
	}
	if (opts && name_in(opts->skip, p->name)) {
		*why = "excluded by --skip";
		return false;
	}
	if (p->arches != NR_ARCH_ANY && !(p->arches & (unsigned)lv->arch)) {
		*status = NR_PROBE_UNSUPPORTED;
		*why = lv->arch == NR_ARCH_UNKNOWN ? "architecture unknown"
		                                   : "does not apply to this architecture";
		return false;
	}
	*why = NULL;
	return true;
}

struct level_run {
	struct nr_level *lv;
	const struct nr_collect_opts *opts;
	pthread_mutex_t lock;
	size_t next;
};

/* An otherwise ok probe whose commands failed (nr_probe_cmd) is failed,
 * and says which, with the first one's status and stderr. */
static void failed_commands(struct nr_probe_result *r)
{
	const struct nr_artifact *first = NULL;
	const char *cmd = NULL, *slash;
	char why[160] = "";
	size_t i, more = 0;

	for (i = 0; i < r->n_arts; i++) {
		if (!r->arts[i].failed)
			continue;
		if (first)
			more++;
		else
			first = &r->arts[i];
	}
	if (!first || r->status != NR_PROBE_OK)
		return;
	if (json_object_is_type(first->command, json_type_array))
		cmd = json_object_get_string(json_object_array_get_idx(first->command, 0));
	if (cmd && (slash = strrchr(cmd, '/')))
		cmd = slash + 1;
	/* stderr's first line: the command's own word on why. */
	if (first->stderr_text)
		snprintf(why, sizeof(why), ": %.*s", (int)strcspn(first->stderr_text, "\n"),
		         first->stderr_text);
	free(r->error);
	r->error = NULL;
	r->status = NR_PROBE_FAILED;
	if (!cmd)
		cmd = "the command";
	if (asprintf(&r->error, "%s%s%s exited with status %d%s%s%s",
	             strcmp(first->name, cmd) == 0 ? "" : first->name,
	             strcmp(first->name, cmd) == 0 ? "" : ": ", cmd, first->exit_code, first->size == 0 ? " and printed nothing" : "", why,
	             more ? " (and more commands failed: see the artifacts' exit codes)" : "") < 0)
		r->error = NULL;
}

static void run_one(struct level_run *run, struct nr_probe_result *r)
{
	struct nr_probe_ctx ctx = { 0 };
	int timeout_s = r->probe->timeout_s ? r->probe->timeout_s : run->opts->timeout_s;
	int64_t start = nr_time_now_ms();
	int rc;

	/* --timeout is the user's word: it caps a probe's own default too. */
	if (run->opts->timeout_s > 0 && timeout_s > run->opts->timeout_s)
		timeout_s = run->opts->timeout_s;
	ctx.level = run->lv;
	ctx.result = r;
	ctx.opts = run->opts;
	ctx.deadline_ms = start + (int64_t)timeout_s * 1000;
	rc = r->probe->collect(&ctx);
	r->duration_ms = nr_time_now_ms() - start;
	if (ctx.timed_out || rc == -ETIMEDOUT) {
		r->status = NR_PROBE_TIMEOUT;
		free(r->error);
		r->error = NULL;
		if (asprintf(&r->error, "timed out after %d s", timeout_s) < 0)
			r->error = NULL;
	} else if (ctx.ended) {
		r->status = (enum nr_probe_status)ctx.ended;
	} else if (rc < 0) {
		r->status = NR_PROBE_FAILED;
		if (!r->error)
			r->error = strdup(ctx.err.msg[0] ? ctx.err.msg : strerror(-rc));
	} else {
		r->status = NR_PROBE_OK;
	}
	failed_commands(r);
	if (ctx.lost) {
		r->status = NR_PROBE_FAILED;
		free(r->error);
		r->error = strdup(run->lv->transport->why[0] ? run->lv->transport->why
		                                           : "connection lost");
	}
	if (ctx.interrupted) {
		r->status = NR_PROBE_FAILED;
		free(r->error);
		r->error = strdup("interrupted");
	}
}

static void *worker(void *arg)
{
	struct level_run *run = arg;

	for (;;) {
		struct nr_probe_result *r = NULL;
		size_t i;

		pthread_mutex_lock(&run->lock);
		while (run->next < run->lv->n_results && !r) {
			i = run->next++;
			if (run->lv->results[i].status == NR_PROBE_OK && !run->lv->results[i].error)
				r = &run->lv->results[i];
		}
		pthread_mutex_unlock(&run->lock);
		if (!r)
			return NULL;
		run_one(run, r);
		if (run->opts->progress) {
			pthread_mutex_lock(&run->lock);
			run->opts->progress(run->opts->progress_ud, run->lv->id, r);
			pthread_mutex_unlock(&run->lock);
		}
	}
}

/* Prepare one result per probe in the table; probes that do not apply are
 * settled here (they carry a reason in error). */
static int level_plan(struct nr_level *lv, const struct nr_collect_opts *opts, size_t *runnable,
                      struct nr_error *err)
{
	size_t n = nr_probe_total(), i;

	lv->results = calloc(n, sizeof(*lv->results));
	if (!lv->results)
		return nr_error_set(err, ENOMEM, "out of memory");
	lv->n_results = n;
	*runnable = 0;
	for (i = 0; i < n; i++) {
		struct nr_probe_result *r = &lv->results[i];
		enum nr_probe_status st;
		const char *why;

		r->probe = nr_probe_at(i);
		r->commands = json_object_new_array();
		r->notes = json_object_new_array();
		if (nr_level_probe_applies(lv, r->probe, opts, &why, &st)) {
			r->status = NR_PROBE_OK;
			(*runnable)++;
		} else {
			r->status = st;
			r->error = strdup(why);
		}
	}
	return 0;
}

#define MAX_WORKERS 32

int nr_level_collect(struct nr_level *lv, const struct nr_collect_opts *opts,
                     struct nr_error *err)
{
	struct level_run run = { lv, opts, PTHREAD_MUTEX_INITIALIZER, 0 };
	pthread_t threads[MAX_WORKERS];
	size_t runnable = 0, started = 0, i;
	int64_t detect_deadline;
	int rc;

	/* Detection (architecture, root) is bounded by --timeout as a whole,
	 * then each probe by its own: a level's collection ends within twice
	 * --timeout of its connection (docs/ARCHITECTURE.md, "Bounds"). */
	detect_deadline = nr_time_now_ms() +
	                  (int64_t)(opts->timeout_s > 0 ? opts->timeout_s : DETECT_TIMEOUT_DEFAULT_S) * 1000;
	level_detect_arch(lv, detect_deadline);
	lv->is_root = lv->transport->ops->is_root(lv->transport, detect_deadline);
	rc = level_plan(lv, opts, &runnable, err);
	if (rc < 0)
		return rc;
	for (i = 0; i < runnable && i < MAX_WORKERS; i++) {
		if (pthread_create(&threads[started], NULL, worker, &run) != 0)
			break;
		started++;
	}
	/* If no thread could start, run in this one: slower, never lost. */
	if (started == 0)
		worker(&run);
	for (i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	pthread_mutex_destroy(&run.lock);
	nr_level_parse(lv);
	return 0;
}

void nr_level_parse(struct nr_level *lv)
{
	size_t i, j;

	nr_facts_begin(lv->facts, lv->arch_name, lv->arch);
	for (i = 0; i < lv->n_results; i++) {
		struct nr_artifacts view = { &lv->results[i] };

		if (lv->arch_from_cpuinfo && strcmp(lv->results[i].probe->name, "cpu") == 0)
			nr_facts_evidence(lv->facts, "arch", nr_artifacts_path(&view, "cpuinfo"),
			                  "no uname -m: what /proc/cpuinfo's shape proves");

		if (lv->results[i].probe->parse && lv->results[i].n_arts > 0)
			lv->results[i].probe->parse(&view, lv->facts);
		/* What parse() read back is not needed again: holding every
		 * probe's copies (up to 16 MiB each) to the end of the run would
		 * make the peak grow with the inputs. */
		for (j = 0; j < lv->results[i].n_arts; j++) {
			free(lv->results[i].arts[j].cached);
			lv->results[i].arts[j].cached = NULL;
			lv->results[i].arts[j].cached_len = 0;
		}
	}
	nr_facts_derive(lv->facts);
}

void nr_level_count(const struct nr_level *lv, unsigned counts[NR_PROBE_STATUS_COUNT])
{
	size_t i;

	for (i = 0; i < lv->n_results; i++)
		counts[lv->results[i].status]++;
}
