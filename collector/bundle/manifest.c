/* SPDX-License-Identifier: MIT */
#include "manifest.h"
#include "level/facts.h"
#include "findings/findings.h"
#include "scrub/scrub.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void nr_time_format_utc(time_t t, char *out, size_t outlen)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, outlen, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static json_object *artifact_json(const struct nr_artifact *a)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "name", json_object_new_string(a->name));
	json_object_object_add(o, "path", json_object_new_string(a->path));
	json_object_object_add(o, "size", json_object_new_int64((int64_t)a->size));
	json_object_object_add(o, "sha256", json_object_new_string(a->sha256));
	json_object_object_add(o, "truncated", json_object_new_boolean(a->truncated));
	json_object_object_add(o, "scrubbed", json_object_new_int64((int64_t)a->scrubbed));
	json_object_object_add(o, "source", nr_json_str_or_null(a->source));
	json_object_object_add(o, "command", a->command ? json_object_get(a->command) : NULL);
	json_object_object_add(o, "exit_code", a->has_exit ? json_object_new_int(a->exit_code) : NULL);
	json_object_object_add(o, "stderr", nr_json_str_or_null(a->stderr_text));
	return o;
}

static json_object *probe_json(const struct nr_probe_result *r)
{
	json_object *o = json_object_new_object(), *arts = json_object_new_array();
	size_t i;

	json_object_object_add(o, "name", json_object_new_string(r->probe->name));
	if (r->probe->origin)
		json_object_object_add(o, "dropin", json_object_new_string(r->probe->origin));
	json_object_object_add(o, "status", json_object_new_string(nr_probe_status_name(r->status)));
	json_object_object_add(o, "duration_ms", json_object_new_int64(r->duration_ms));
	json_object_object_add(o, "error", nr_json_str_or_null(r->error));
	json_object_object_add(o, "commands", json_object_get(r->commands));
	json_object_object_add(o, "notes", json_object_get(r->notes));
	for (i = 0; i < r->n_arts; i++)
		json_object_array_add(arts, artifact_json(&r->arts[i]));
	json_object_object_add(o, "artifacts", arts);
	return o;
}

static json_object *level_json(const struct nr_level *lv)
{
	json_object *o = json_object_new_object(), *probes = json_object_new_array();
	size_t i;

	json_object_object_add(o, "id", json_object_new_string(lv->id));
	json_object_object_add(o, "depth", json_object_new_int(lv->depth));
	json_object_object_add(o, "parent", nr_json_str_or_null(lv->parent));
	json_object_object_add(o, "transport", json_object_new_string(lv->kind));
	json_object_object_add(o, "target", nr_json_str_or_null(lv->target));
	json_object_object_add(o, "status", json_object_new_string(lv->status));
	json_object_object_add(o, "errors", json_object_get(lv->errors));
	json_object_object_add(o, "root", lv->is_root < 0 ? NULL : json_object_new_boolean(lv->is_root));
	json_object_object_add(o, "match", json_object_get(lv->match));
	json_object_object_add(o, "facts", json_object_get(lv->facts));
	for (i = 0; i < lv->n_results; i++)
		json_object_array_add(probes, probe_json(&lv->results[i]));
	json_object_object_add(o, "probes", probes);
	return o;
}

void nr_manifest_totals(struct nr_level *levels, size_t n_levels,
                        unsigned counts[NR_PROBE_STATUS_COUNT], size_t *scrubbed,
                        size_t *artifacts)
{
	size_t i, j, k;

	memset(counts, 0, sizeof(unsigned) * NR_PROBE_STATUS_COUNT);
	*scrubbed = *artifacts = 0;
	for (i = 0; i < n_levels; i++) {
		nr_level_count(&levels[i], counts);
		for (j = 0; j < levels[i].n_results; j++)
			for (k = 0; k < levels[i].results[j].n_arts; k++) {
				*scrubbed += levels[i].results[j].arts[k].scrubbed;
				(*artifacts)++;
			}
	}
}

static json_object *totals_json(struct nr_level *levels, size_t n_levels)
{
	unsigned counts[NR_PROBE_STATUS_COUNT];
	json_object *o = json_object_new_object();
	size_t scrubbed, artifacts;
	int s;

	nr_manifest_totals(levels, n_levels, counts, &scrubbed, &artifacts);
	for (s = 0; s < NR_PROBE_STATUS_COUNT; s++)
		json_object_object_add(o, nr_probe_status_name((enum nr_probe_status)s),
		                        json_object_new_int((int)counts[s]));
	json_object_object_add(o, "artifacts", json_object_new_int64((int64_t)artifacts));
	json_object_object_add(o, "scrubbed", json_object_new_int64((int64_t)scrubbed));
	return o;
}

static json_object *argv_json(int argc, char **argv)
{
	json_object *arr = json_object_new_array();
	int i;

	/* Our own argv is scrubbed too: a user may paste a URL with a token. */
	for (i = 0; i < argc; i++) {
		char *clean = nr_scrub_arg_string(argv[i], NULL);

		json_object_array_add(arr, json_object_new_string(clean ? clean : ""));
		free(clean);
	}
	return arr;
}

json_object *nr_manifest_levels(struct nr_level *levels, size_t n_levels)
{
	json_object *lvs = json_object_new_array();
	size_t i;

	for (i = 0; lvs && i < n_levels; i++)
		json_object_array_add(lvs, level_json(&levels[i]));
	return lvs;
}

/* The findings judge the levels exactly as the manifest will show them,
 * the same input `show` has later. */
json_object *nr_manifest_findings(struct nr_level *levels, size_t n_levels)
{
	json_object *lvs = nr_manifest_levels(levels, n_levels);
	json_object *findings = lvs ? nr_findings_evaluate(lvs) : NULL;

	json_object_put(lvs);
	return findings;
}

static json_object *signer_json(const struct nr_run_info *run)
{
	json_object *o;

	if (!run->signer_id)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "identity", json_object_new_string(run->signer_id));
	json_object_object_add(o, "key_type", nr_json_str_or_null(run->signer_type));
	json_object_object_add(o, "fingerprint", nr_json_str_or_null(run->signer_fingerprint));
	return o;
}

int nr_manifest_tag_check(const char *v, struct nr_error *err)
{
	size_t i, n = strlen(v);

	if (n == 0 || n > NR_MANIFEST_TAG_MAX)
		return nr_error_set(err, EINVAL, "wants 1 to %d characters, not %zu", NR_MANIFEST_TAG_MAX, n);
	for (i = 0; i < n; i++) {
		char c = v[i];
		/* ASCII by hand: isalnum() follows the locale. */
		int alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');

		if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-')))
			return nr_error_set(err, EINVAL, "wants letters, digits, '.', '_' and '-', starting "
			                    "with a letter or digit; character %zu is not one", i + 1);
	}
	return 0;
}

json_object *nr_manifest_build(const struct nr_run_info *run, struct nr_level *levels,
                               size_t n_levels, json_object *files)
{
	json_object *m = json_object_new_object(), *tool = json_object_new_object();
	json_object *opts = json_object_new_object(), *lvs = nr_manifest_levels(levels, n_levels);
	char when[32];

	nr_time_format_utc(run->created, when, sizeof(when));
	json_object_object_add(tool, "name", json_object_new_string("nest-report"));
	json_object_object_add(tool, "version", json_object_new_string(NR_VERSION));
	json_object_object_add(opts, "timeout_s", json_object_new_int(run->timeout_s));
	json_object_object_add(opts, "artifact_cap", json_object_new_int64((int64_t)run->artifact_cap));
	json_object_object_add(opts, "compression", json_object_new_string(run->compression));
	json_object_object_add(m, "schema", json_object_new_string(NR_MANIFEST_SCHEMA));
	json_object_object_add(m, "tool", tool);
	json_object_object_add(m, "created", json_object_new_string(when));
	json_object_object_add(m, "host", json_object_new_string(run->host));
	/* Only for a replay: who made the bundle from the captured tree, and
	 * when (the manifest:1 readers from before it never see it). */
	if (run->replay_host) {
		json_object *replay = json_object_new_object();

		json_object_object_add(replay, "host", json_object_new_string(run->replay_host));
		json_object_object_add(replay, "time", json_object_new_string(when));
		json_object_object_add(m, "replay", replay);
	}
	json_object_object_add(m, "argv", argv_json(run->argc, run->argv));
	json_object_object_add(m, "options", opts);
	json_object_object_add(m, "levels", lvs);
	json_object_object_add(m, "totals", totals_json(levels, n_levels));
	json_object_object_add(m, "files", json_object_get(files));
	json_object_object_add(m, "signer", signer_json(run));
	/* Only when given: a manifest:1 reader from before them still
	 * validates every bundle made without them. */
	if (run->case_id)
		json_object_object_add(m, "case_id", json_object_new_string(run->case_id));
	if (run->label)
		json_object_object_add(m, "label", json_object_new_string(run->label));
	if (run->dropins)
		json_object_object_add(m, "dropins", json_object_get(run->dropins));
	json_object_object_add(m, "findings", run->findings ? json_object_get(run->findings)
	                                                    : json_object_new_array());
	return m;
}
