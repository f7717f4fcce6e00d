#include "collect.h"
#include "summary.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct level_job {
	struct nr_level *lv;
	const struct nr_collect_opts *opts;
	struct nr_error err;
	int rc;
};

static void *level_thread(void *arg)
{
	struct level_job *job = arg;

	job->rc = nr_level_collect(job->lv, job->opts, &job->err);
	return NULL;
}

/* Levels run in parallel: a slow level delays nobody but itself. */
static int collect_levels(struct nr_collect_run *run, struct nr_error *err)
{
	struct level_job *jobs = calloc(run->n_levels, sizeof(*jobs));
	pthread_t *threads = calloc(run->n_levels, sizeof(*threads));
	bool *started = calloc(run->n_levels, sizeof(*started));
	size_t i;
	int rc = 0;

	if (!jobs || !threads || !started) {
		rc = nr_error_set(err, ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < run->n_levels; i++) {
		jobs[i].lv = &run->levels[i];
		jobs[i].opts = &run->opts;
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
out:
	free(jobs);
	free(threads);
	free(started);
	return rc;
}

static json_object *file_entry(const char *path, const char *buf, size_t len)
{
	json_object *o = json_object_new_object();
	unsigned char digest[NR_SHA256_LEN];
	char hex[NR_SHA256_HEX];
	struct nr_sha256 sha;

	nr_sha256_init(&sha);
	nr_sha256_update(&sha, buf, len);
	nr_sha256_final(&sha, digest);
	nr_sha256_hex(digest, hex);
	json_object_object_add(o, "path", json_object_new_string(path));
	json_object_object_add(o, "size", json_object_new_int64((int64_t)len));
	json_object_object_add(o, "sha256", json_object_new_string(hex));
	return o;
}

int nr_collect_execute(struct nr_collect_run *run, struct nr_error *err)
{
	json_object *files = NULL, *manifest = NULL;
	char *summary = NULL;
	const char *mtext;
	size_t slen = 0, mlen;
	int rc;

	rc = collect_levels(run, err);
	if (rc == 0 && nr_interrupted)
		rc = nr_error_set(err, EINTR, "interrupted; no bundle written");
	if (rc < 0)
		goto out;
	summary = nr_summary_render(&run->info, run->levels, run->n_levels, &slen);
	files = json_object_new_array();
	if (!summary || !files) {
		rc = nr_error_set(err, ENOMEM, "out of memory");
		goto out;
	}
	json_object_array_add(files, file_entry("summary.txt", summary, slen));
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
	rc = nr_bundle_write(&run->writer, mtext, mlen, summary, slen, run->levels, run->n_levels,
	                     err);
out:
	json_object_put(manifest);
	json_object_put(files);
	free(summary);
	return rc;
}

void nr_collect_release(struct nr_collect_run *run)
{
	size_t i;

	for (i = 0; i < run->n_levels; i++)
		nr_level_release(&run->levels[i]);
	free(run->levels);
	run->levels = NULL;
	run->n_levels = 0;
}
