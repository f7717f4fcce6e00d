/* SPDX-License-Identifier: MIT */
/* `collect --redact`: the finished collection goes through the same
 * redaction as `nest-report redact BUNDLE` (redact/collection.h) before
 * the bundle is written.  Redaction runs after every level has been
 * collected, not inside each artifact's sink: only then is every identity
 * known (l1's hostname can be in l0's libvirt log, l0's may be in l1's),
 * probes read their own output back unredacted (libvirt's domain list),
 * discovery matches guests to levels on the real names, and placeholders
 * are numbered in level order, the same from run to run. */
#include "collect.h"
#include "redact/collection.h"
#include "redact/learn.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* What learn.c reads of an identity artifact (uname, dmidecode). */
#define LEARN_READ_MAX (4u << 20)

struct spool_cursor {
	const struct nr_artifact *a;
	uint64_t off;
};

static ssize_t read_spool(void *ud, void *buf, size_t len, struct nr_error *err)
{
	struct spool_cursor *c = ud;
	size_t want = c->a->size - c->off < len ? (size_t)(c->a->size - c->off) : len;
	ssize_t n;

	if (want == 0)
		return 0;
	do
		n = pread(c->a->fd, buf, want, (off_t)c->off);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return nr_error_set(err, n < 0 ? errno : EIO, "spool of %s is short", c->a->path);
	c->off += (uint64_t)n;
	return n;
}

/* Everything known before a byte is redacted, in a fixed order: each
 * level's own answers, the SSH targets, the manifest, then the artifacts
 * that name identities. */
static int learn_all(struct nr_collect_run *run, json_object *manifest)
{
	struct nr_redactor *r = run->redactor;
	size_t i, j, k;
	int rc = 0;

	for (i = 0; i < run->n_levels && rc == 0; i++)
		rc = nr_redact_seed_learn(r, &run->seeds[i]);
	for (i = 0; run->topo && i < run->topo->n && rc >= 0; i++)
		rc = nr_redact_learn_target(r, run->topo->levels[i].target);
	if (rc >= 0)
		rc = nr_redact_learn_manifest(r, manifest);
	for (i = 0; i < run->n_levels && rc >= 0; i++)
		for (j = 0; j < run->levels[i].n_results && rc >= 0; j++)
			for (k = 0; k < run->levels[i].results[j].n_arts && rc >= 0; k++) {
				const struct nr_artifact *a = &run->levels[i].results[j].arts[k];
				int src = nr_redact_member_source(a->path);
				size_t len;
				char *buf;

				rc = nr_redact_learn_member_path(r, a->path);
				if (src < 0 || rc < 0)
					continue;
				buf = nr_artifact_read(a, LEARN_READ_MAX, &len);
				if (buf)
					rc = nr_redact_learn_text(r, (enum nr_learn_src)src, buf, len);
				free(buf);
			}
	return rc < 0 ? rc : 0;
}

/* The run's report (and --json) shows the redacted levels and findings,
 * as the bundle does. */
static void adopt(struct nr_collect_run *run, json_object *m)
{
	json_object *levels = json_object_object_get(m, "levels");
	size_t i;

	for (i = 0; i < run->n_levels && i < json_object_array_length(levels); i++) {
		json_object *l = json_object_array_get_idx(levels, i), *v;
		struct nr_level *lv = &run->levels[i];

		if (json_object_object_get_ex(l, "facts", &v)) {
			json_object_put(lv->facts);
			lv->facts = json_object_get(v);
		}
		if (json_object_object_get_ex(l, "errors", &v)) {
			json_object_put(lv->errors);
			lv->errors = json_object_get(v);
		}
		if (json_object_object_get_ex(l, "target", &v) && json_object_is_type(v, json_type_string)) {
			free(lv->target);
			lv->target = strdup(json_object_get_string(v));
		}
	}
	json_object_put(run->info.findings);
	run->info.findings = json_object_get(json_object_object_get(m, "findings"));
}

int nr_collect_write_redacted(struct nr_collect_run *run, json_object *manifest,
                              const char *summary, size_t slen, struct nr_error *err)
{
	struct nr_redact_job job;
	struct nr_bundle_spool *spools = NULL;
	json_object *out = NULL;
	const char *text;
	char *map = NULL;
	size_t mlen, i, j, k, n;
	int rc;

	rc = learn_all(run, manifest);
	if (rc < 0)
		return nr_error_set(err, -rc, "out of memory");
	rc = nr_redact_job_init(&job, run->redactor, manifest, run->opts.spool_dir, err);
	job.trusted = true;
	for (i = 0; i < run->n_levels && rc == 0; i++)
		for (j = 0; j < run->levels[i].n_results && rc == 0; j++)
			for (k = 0; k < run->levels[i].results[j].n_arts && rc == 0; k++) {
				struct spool_cursor c = { &run->levels[i].results[j].arts[k], 0 };

				rc = nr_redact_job_member(&job, c.a->path, read_spool, &c, err);
			}
	if (rc == 0)
		rc = nr_redact_job_summary(&job, summary, slen, err);
	if (rc == 0)
		rc = nr_redact_job_finish(&job, &out, err);
	text = out ? json_object_to_json_string_length(out, JSON_C_TO_STRING_PRETTY |
	                                                        JSON_C_TO_STRING_SPACED |
	                                                        JSON_C_TO_STRING_NOSLASHESCAPE,
	                                               &mlen)
	           : NULL;
	spools = calloc(job.n ? job.n : 1, sizeof(*spools));
	if (rc == 0 && (!text || !spools))
		rc = nr_error_set(err, ENOMEM, "out of memory");
	if (rc < 0)
		goto out;
	n = nr_redact_job_spools(&job, spools);
	rc = nr_bundle_write_spools(&run->writer, text, mlen, job.summary, job.summary_len, spools, n,
	                            err);
	if (rc < 0)
		goto out;
	adopt(run, out);
	/* The map goes beside the bundle, never into it. */
	map = nr_redact_map_path(run->writer.final_path);
	rc = map ? nr_redact_map_write(run->redactor, map, run->writer.final_path, err)
	         : nr_error_set(err, ENAMETOOLONG, "bundle path too long for its redaction map");
	if (rc < 0)
		nr_error_wrap(err, "the redacted bundle %s was written, but not its map",
		              run->writer.final_path);
	else
		snprintf(run->map_path, sizeof(run->map_path), "%s", map);
out:
	free(map);
	free(spools);
	json_object_put(out);
	nr_redact_job_release(&job);
	return rc;
}
