/* SPDX-License-Identifier: MIT */
/* `nest-report index add`: the bundles judged, reported as their
 * outcomes become final (index.h: batches), then a summary. */
#include "cmd_index.h"
#include "cmd_signals.h"
#include "cmd_trust.h"
#include "commands.h"
#include "msg.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static json_object *added_json(const struct nr_index_added *r)
{
	json_object *o = json_object_new_object(), *counts = NULL;

	json_object_object_add(o, "path", json_object_new_string(r->path));
	json_object_object_add(o, "outcome", json_object_new_string(nr_index_outcome_name(r->outcome)));
	json_object_object_add(o, "sha256", r->sha256[0] ? json_object_new_string(r->sha256) : NULL);
	json_object_object_add(o, "check", r->check ? json_object_new_string(r->check) : NULL);
	json_object_object_add(o, "reason", r->reason[0] ? json_object_new_string(r->reason) : NULL);
	json_object_object_add(o, "known_path", r->known_path[0] ? json_object_new_string(r->known_path) : NULL);
	json_object_object_add(o, "signature", r->signature[0] ? json_object_new_string(r->signature) : NULL);
	if (r->outcome == NR_INDEX_ADDED) {
		counts = json_object_new_object();
		json_object_object_add(counts, "fail", json_object_new_int64(r->counts[NR_SEV_FAIL]));
		json_object_object_add(counts, "warn", json_object_new_int64(r->counts[NR_SEV_WARN]));
		json_object_object_add(counts, "info", json_object_new_int64(r->counts[NR_SEV_INFO]));
	}
	json_object_object_add(o, "counts", counts);
	return o;
}

static void added_text(const struct nr_cmd_index_opts *opt, const struct nr_index_added *r)
{
	static const char *const colors[] = { "\033[32m", "", "\033[1;31m", "\033[1;31m" };
	const char *name = opt->dry_run && r->outcome == NR_INDEX_ADDED ? "ok" : nr_index_outcome_name(r->outcome);

	if (opt->quiet && r->outcome <= NR_INDEX_KNOWN)
		return;
	printf("%s%-10s%s %.12s  ", nr_msg_sgr(stdout, colors[r->outcome]), name, nr_msg_sgr(stdout, "\033[0m"),
	       r->sha256[0] ? r->sha256 : "-");
	nr_cmd_put_safe(stdout, r->path);
	if (r->outcome == NR_INDEX_ADDED)
		printf("  (fail %u, warn %u; %s)", r->counts[NR_SEV_FAIL], r->counts[NR_SEV_WARN], r->signature);
	else if (r->outcome == NR_INDEX_KNOWN && strcmp(r->known_path, r->path) != 0) {
		printf("  (indexed from ");
		nr_cmd_put_safe(stdout, r->known_path);
		printf(")");
	} else if (r->outcome >= NR_INDEX_REFUSED) {
		printf(": ");
		nr_cmd_put_safe(stdout, r->reason);
	}
	putchar('\n');
	fflush(stdout);
}

/* The operands, directories expanded. */
static char **expand(char **args, int nargs, size_t *n)
{
	char **all = NULL, **sub;
	size_t have = 0, k;
	struct nr_error err = { 0 };
	struct stat sb;
	int j;

	for (j = 0; j < nargs; j++) {
		size_t m = 0;
		char **grown;

		if (stat(args[j], &sb) == 0 && S_ISDIR(sb.st_mode)) {
			if (nr_index_walk(args[j], &sub, &m, &err) < 0) {
				nr_msg_error("%s", err.msg);
				nr_index_paths_free(all);
				return NULL;
			}
		} else {
			sub = calloc(2, sizeof(*sub));
			if (sub && (sub[0] = strdup(args[j])))
				m = 1;
		}
		grown = sub ? realloc(all, (have + m + 1) * sizeof(*all)) : NULL;
		if (!grown) {
			nr_msg_error("out of memory");
			nr_index_paths_free(sub);
			nr_index_paths_free(all);
			return NULL;
		}
		all = grown;
		for (k = 0; k < m; k++)
			all[have++] = sub[k];
		all[have] = NULL;
		free(sub);
	}
	*n = have;
	return all;
}

/* What the run reported so far. */
struct added {
	const struct nr_cmd_index_opts *opt;
	unsigned long counts[NR_INDEX_UNREADABLE + 1];
	json_object *list;
};

/* o.report: one bundle's final outcome, in the order given. */
static void report_added(void *arg, const struct nr_index_added *r)
{
	struct added *a = arg;

	a->counts[r->outcome]++;
	if (a->opt->json)
		json_object_array_add(a->list, added_json(r));
	else
		added_text(a->opt, r);
}

static void add_summary(const struct added *a, struct nr_index *ix)
{
	const struct nr_cmd_index_opts *opt = a->opt;
	json_object *out;

	if (!opt->json) {
		printf("%lu %s, %lu already indexed, %lu refused, %lu unreadable (%s)\n", a->counts[NR_INDEX_ADDED],
		       opt->dry_run ? "would be added" : "added", a->counts[NR_INDEX_KNOWN], a->counts[NR_INDEX_REFUSED],
		       a->counts[NR_INDEX_UNREADABLE], ix ? nr_index_name(ix) : "dry run: nothing stored");
		return;
	}
	out = json_object_new_object();
	json_object_object_add(out, "schema", json_object_new_string(NR_INDEX_OUTPUT_SCHEMA));
	json_object_object_add(out, "command", json_object_new_string("add"));
	json_object_object_add(out, "db", ix ? json_object_new_string(nr_index_name(ix)) : NULL);
	json_object_object_add(out, "dry_run", json_object_new_boolean(opt->dry_run));
	json_object_object_add(out, "bundles", json_object_get(a->list));
	json_object_object_add(out, "added", json_object_new_int64((int64_t)a->counts[NR_INDEX_ADDED]));
	json_object_object_add(out, "known", json_object_new_int64((int64_t)a->counts[NR_INDEX_KNOWN]));
	json_object_object_add(out, "refused", json_object_new_int64((int64_t)a->counts[NR_INDEX_REFUSED]));
	json_object_object_add(out, "unreadable", json_object_new_int64((int64_t)a->counts[NR_INDEX_UNREADABLE]));
	json_object_object_add(out, "interrupted", json_object_new_boolean(nr_interrupted));
	nr_cmd_index_print_json(out);
	json_object_put(out);
}

int nr_cmd_index_add(struct nr_index *ix, const struct nr_cmd_index_opts *opt, char **args, int nargs)
{
	struct added a = { .opt = opt, .list = json_object_new_array() };
	struct nr_index_add_opts o = { .limits = opt->limits, .dry_run = opt->dry_run != 0,
	                               .schemas = nr_schema_cache_new(), .report = report_added, .report_arg = &a };
	struct nr_error err = { 0 };
	size_t n = 0, i;
	char **paths = expand(args, nargs, &n);
	char cfg[PATH_MAX];
	int rc = 0;

	o.allowed_signers = nr_cmd_allowed_signers(opt->allowed, cfg, sizeof(cfg));
	o.identity = opt->identity;
	if (!paths || !o.schemas || !a.list) {
		rc = -1;
		goto out;
	}
	nr_cmd_signals_install();
	for (i = 0; i < n && !nr_interrupted && rc == 0; i++) {
		nr_msg_progress("indexing %zu/%zu", i + 1, n);
		rc = nr_index_add(ix, paths[i], &o, &err);
	}
	/* what is staged is whole: write it, even when interrupted */
	if (rc == 0)
		rc = nr_index_flush(ix, &o, &err);
	if (rc == 0)
		nr_index_tune(ix, a.counts[NR_INDEX_ADDED]);
	nr_msg_progress_end();
	if (rc < 0) {
		nr_msg_error("%s", err.msg);
		nr_msg_error("stopped at %s (the bundles listed as added are indexed)", i > 0 ? paths[i - 1] : "?");
	} else {
		add_summary(&a, ix);
	}
out:
	nr_index_paths_free(paths);
	nr_schema_cache_free(o.schemas);
	json_object_put(a.list);
	if (rc < 0)
		return NR_EXIT_ERROR;
	if (nr_interrupted) {
		nr_msg_error("interrupted; the bundles listed as added are indexed");
		return NR_EXIT_INTERRUPTED;
	}
	return a.counts[NR_INDEX_UNREADABLE] ? NR_EXIT_ERROR
	     : a.counts[NR_INDEX_REFUSED] ? NR_EXIT_CHECK_FAILED : NR_EXIT_OK;
}

