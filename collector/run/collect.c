/* SPDX-License-Identifier: MIT */
#include "collect.h"
#include "discovery.h"
#include "bundle/summary.h"
#include "level/facts.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct level_job {
	struct nr_collect_run *run;
	size_t index;
	int parent;             /* index into levels, -1 for l0 */
	struct nr_collect_opts opts;
	struct nr_error err;
	int rc;
};

/* Children wait for their parent's session: they are tunnelled through it. */
struct reach {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int *state;             /* per level: 0 pending, 1 reached, -1 not reached */
};

static struct reach reach_state;

static void reach_set(size_t i, int state)
{
	pthread_mutex_lock(&reach_state.lock);
	reach_state.state[i] = state;
	pthread_cond_broadcast(&reach_state.cond);
	pthread_mutex_unlock(&reach_state.lock);
}

static int reach_wait(size_t i)
{
	int st;

	pthread_mutex_lock(&reach_state.lock);
	while ((st = reach_state.state[i]) == 0)
		pthread_cond_wait(&reach_state.cond, &reach_state.lock);
	pthread_mutex_unlock(&reach_state.lock);
	return st;
}

static const char *fail_status(enum nr_ssh_fail why)
{
	switch (why) {
	case NR_SSH_AUTH_FAILED: return "auth-failed";
	case NR_SSH_HOSTKEY_REJECTED: return "hostkey-rejected";
	default: return "unreachable";
	}
}

static int connect_level(struct level_job *job)
{
	struct nr_collect_run *run = job->run;
	struct nr_level *lv = &run->levels[job->index];
	const struct nr_topo_level *tl = &run->topo->levels[job->index - 1];
	struct nr_ssh_opts o = run->ssh;
	enum nr_ssh_fail why;
	char msg[NR_ERROR_MSG_MAX + 64];

	if (job->parent > 0 && reach_wait((size_t)job->parent) < 0) {
		snprintf(msg, sizeof(msg), "not reached: level %s, which it is reached through, was not",
		         tl->via);
		nr_level_add_error(lv, msg);
		lv->status = "unreachable";
		return -EHOSTUNREACH;
	}
	if (run->level_progress)
		run->level_progress(NULL, lv, "connecting");
	nr_ssh_target_parse(tl->target, &o.target);
	o.sudo = o.sudo || tl->sudo;
	o.via = job->parent > 0 ? run->levels[job->parent].transport : NULL;
	lv->transport = nr_transport_ssh_new(&o, &why, &job->err);
	if (!lv->transport) {
		lv->status = fail_status(why);
		nr_level_add_error(lv, job->err.msg);
		return -EHOSTUNREACH;
	}
	return 0;
}

static void *level_thread(void *arg)
{
	struct level_job *job = arg;
	struct nr_level *lv = &job->run->levels[job->index];
	int rc = 0;

	if (job->index > 0)
		rc = connect_level(job);
	reach_set(job->index, rc < 0 ? -1 : 1);
	/* Asked first: a connection lost later must not cost what redaction
	 * needs to know. */
	if (rc == 0 && job->run->redactor)
		nr_redact_seed_read(&job->run->seeds[job->index], lv->transport);
	if (rc < 0) {
		/* Lay out the facts (all null) so the manifest keeps its shape. */
		nr_level_parse(lv);
		if (job->run->level_progress)
			job->run->level_progress(NULL, lv, lv->status);
		return NULL;
	}
	job->rc = nr_level_collect(lv, &job->opts, &job->err);
	if (lv->transport->lost || lv->transport->broken) {
		char msg[sizeof(lv->transport->why) + 64];

		lv->status = "partial";
		snprintf(msg, sizeof(msg), "%s; what arrived is kept",
		         lv->transport->why[0] ? lv->transport->why : "connection lost");
		nr_level_add_error(lv, msg);
	}
	return NULL;
}

static int parent_index(const struct nr_collect_run *run, size_t i)
{
	const char *via;
	size_t j;

	if (i == 0)
		return -1;
	via = run->topo->levels[i - 1].via;
	for (j = 0; j < run->n_levels; j++)
		if (strcmp(run->levels[j].id, via) == 0)
			return (int)j;
	return 0;
}

int nr_collect_plan(struct nr_collect_run *run, struct nr_transport *l0, struct nr_error *err)
{
	size_t n = 1 + (run->topo ? run->topo->n : 0), i;
	int rc;

	run->levels = calloc(n, sizeof(*run->levels));
	if (!run->levels) {
		nr_transport_close(l0);
		return nr_error_set(err, ENOMEM, "out of memory");
	}
	rc = nr_level_init(&run->levels[0], "l0", 0, NULL, l0, err);
	if (rc < 0) {
		nr_transport_close(l0);
		return rc;
	}
	run->n_levels = 1;
	for (i = 1; i < n && rc == 0; i++) {
		const struct nr_topo_level *tl = &run->topo->levels[i - 1];
		struct nr_ssh_target target;

		rc = nr_level_init_remote(&run->levels[i], tl->id, tl->depth, tl->via, "ssh", err);
		if (rc < 0)
			break;
		run->n_levels++;
		/* The manifest names the host, never the user or credentials. */
		if (nr_ssh_target_parse(tl->target, &target) == 0)
			run->levels[i].target = strdup(target.host);
	}
	return rc;
}

/* Levels run in parallel: a slow or dead level delays nobody but itself
 * (and the levels reached through it). */
static int collect_levels(struct nr_collect_run *run, struct nr_error *err)
{
	struct level_job *jobs = calloc(run->n_levels, sizeof(*jobs));
	pthread_t *threads = calloc(run->n_levels, sizeof(*threads));
	bool *started = calloc(run->n_levels, sizeof(*started));
	size_t i;
	int rc = 0;

	reach_state.state = calloc(run->n_levels, sizeof(int));
	if (run->redactor && !run->seeds)
		run->seeds = calloc(run->n_levels, sizeof(*run->seeds));
	pthread_mutex_init(&reach_state.lock, NULL);
	pthread_cond_init(&reach_state.cond, NULL);
	if (!jobs || !threads || !started || !reach_state.state || (run->redactor && !run->seeds)) {
		rc = nr_error_set(err, ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < run->n_levels; i++) {
		jobs[i].run = run;
		jobs[i].index = i;
		jobs[i].parent = parent_index(run, i);
		jobs[i].opts = run->opts;
		if (i > 0 && run->topo->levels[i - 1].only)
			jobs[i].opts.only = (const char *const *)run->topo->levels[i - 1].only;
		if (i > 0 && run->topo->levels[i - 1].skip)
			jobs[i].opts.skip = (const char *const *)run->topo->levels[i - 1].skip;
		started[i] = pthread_create(&threads[i], NULL, level_thread, &jobs[i]) == 0;
		if (!started[i])
			level_thread(&jobs[i]);
	}
	for (i = 0; i < run->n_levels; i++) {
		if (started[i])
			pthread_join(threads[i], NULL);
		if (jobs[i].rc < 0 && rc == 0) {
			*err = jobs[i].err;
			rc = jobs[i].rc;
		}
	}
	nr_discovery_match(run->levels, run->n_levels, run->topo);
out:
	free(jobs);
	free(threads);
	free(started);
	free(reach_state.state);
	reach_state.state = NULL;
	pthread_mutex_destroy(&reach_state.lock);
	pthread_cond_destroy(&reach_state.cond);
	return rc;
}

static json_object *file_entry(const char *path, const char *buf, size_t len)
{
	json_object *o = json_object_new_object();
	unsigned char digest[NR_SHA256_LEN];
	char hex[NR_SHA256_HEX];

	if (nr_sha256_digest(buf, len, digest) < 0) {
		json_object_put(o);
		return NULL;
	}
	nr_sha256_hex(digest, hex);
	json_object_object_add(o, "path", json_object_new_string(path));
	json_object_object_add(o, "size", json_object_new_int64((int64_t)len));
	json_object_object_add(o, "sha256", json_object_new_string(hex));
	return o;
}

/* Artifacts are spooled next to the bundle: if that failed (a full disk),
 * the bundle cannot be written either, and the cause is what to report. */
static int check_spools(const struct nr_collect_run *run, struct nr_error *err)
{
	size_t i, j, k;

	for (i = 0; i < run->n_levels; i++)
		for (j = 0; j < run->levels[i].n_results; j++)
			for (k = 0; k < run->levels[i].results[j].n_arts; k++) {
				int e = run->levels[i].results[j].arts[k].spool_errno;

				if (e)
					return nr_error_set(err, e, "cannot write the bundle in %s: %s",
					                    run->opts.spool_dir, strerror(e));
			}
	return 0;
}

/* A replay's bundle names the machine the tree was captured from, never
 * the one replaying it (docs/detection.md, "Replaying a captured tree"). */
static int name_replay(struct nr_collect_run *run, struct nr_error *err)
{
	const char *h = run->n_levels ? nr_facts_str(run->levels[0].facts, "hostname") : NULL;

	run->info.host = h ? h : "unknown";
	return run->name_bundle ? run->name_bundle(run, err) : 0;
}

int nr_collect_execute(struct nr_collect_run *run, struct nr_error *err)
{
	json_object *files = NULL, *manifest = NULL, *entry;
	char *summary = NULL;
	const char *mtext;
	size_t slen = 0, mlen;
	int rc;

	rc = collect_levels(run, err);
	if (rc == 0)
		rc = check_spools(run, err);
	if (rc == 0 && nr_interrupted)
		rc = nr_error_set(err, EINTR, "interrupted; no bundle written");
	if (rc == 0 && run->info.replay_host)
		rc = name_replay(run, err);
	if (rc < 0)
		goto out;
	run->info.findings = nr_manifest_findings(run->levels, run->n_levels);
	summary = nr_summary_render(&run->info, run->levels, run->n_levels, &slen);
	files = json_object_new_array();
	entry = summary ? file_entry("summary.txt", summary, slen) : NULL;
	if (!summary || !files || !run->info.findings || !entry) {
		json_object_put(entry);
		rc = nr_error_set(err, ENOMEM, "out of memory");
		goto out;
	}
	json_object_array_add(files, entry);
	manifest = nr_manifest_build(&run->info, run->levels, run->n_levels, files);
	mtext = manifest ? json_object_to_json_string_length(
	                           manifest, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
	                                             JSON_C_TO_STRING_NOSLASHESCAPE,
	                           &mlen)
	                 : NULL;
	if (!mtext) {
		rc = nr_error_set(err, ENOMEM, "out of memory");
		goto out;
	}
	run->writer.mtime = run->info.created;
	run->writer.compression = run->info.compression;
	if (run->redactor)
		rc = nr_collect_write_redacted(run, manifest, summary, slen, err);
	else
		rc = nr_bundle_write(&run->writer, mtext, mlen, summary, slen, run->levels,
		                     run->n_levels, err);
out:
	json_object_put(manifest);
	json_object_put(files);
	free(summary);
	return rc;
}

void nr_collect_release(struct nr_collect_run *run)
{
	size_t i;

	/* Children first: a child's session is tunnelled through its parent's. */
	for (i = run->n_levels; i-- > 0;) {
		if (run->seeds)
			nr_redact_seed_release(&run->seeds[i]);
		nr_level_release(&run->levels[i]);
	}
	free(run->seeds);
	run->seeds = NULL;
	free(run->levels);
	run->levels = NULL;
	run->n_levels = 0;
	json_object_put(run->info.findings);
	run->info.findings = NULL;
	json_object_put(run->info.dropins);
	run->info.dropins = NULL;
}
