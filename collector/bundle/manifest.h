/* SPDX-License-Identifier: MIT */
/* manifest.json: the machine-readable heart of a bundle, described exactly
 * by schemas/manifest.schema.json. */
#ifndef NR_MANIFEST_H
#define NR_MANIFEST_H

#include <json-c/json.h>
#include <time.h>

#include "level/level.h"

#define NR_MANIFEST_SCHEMA "urn:nest-report:schema:manifest:1"

struct nr_run_info {
	time_t created;
	const char *host;         /* the machine the bundle describes */
	/* collect --sysroot: the machine that replayed the captured tree (host
	 * is then the captured machine's name, "unknown" when it has none);
	 * NULL for a live run. */
	const char *replay_host;
	int argc;
	char **argv;
	const char *compression;
	int timeout_s;
	unsigned long long artifact_cap;
	json_object *findings;    /* nr_manifest_findings(), owned; NULL: none */
	/* Who will sign the bundle (informational: trust comes from the
	 * verifier's allowed_signers); signer_id NULL: unsigned. */
	const char *signer_id, *signer_type, *signer_fingerprint;
	/* --case-id and --label (nr_manifest_tag_check); NULL: none. */
	const char *case_id, *label;
	/* Drop-in probes loaded and refused (run/dropin_load.h), owned;
	 * NULL: none looked for. */
	json_object *dropins;
};

#define NR_MANIFEST_TAG_MAX 64

/* A case id or label: 1 to NR_MANIFEST_TAG_MAX of [A-Za-z0-9._-], the first
 * a letter or digit, so it is safe in a file name, a shell and a URL.  0,
 * or -EINVAL with err saying which byte is not (never quoting it: it may be
 * a terminal escape). */
int nr_manifest_tag_check(const char *v, struct nr_error *err);

/* Build the manifest; `files` lists the non-artifact members (summary.txt)
 * as {path, size, sha256}.  Returns a new object or NULL (out of memory). */
json_object *nr_manifest_build(const struct nr_run_info *run, struct nr_level *levels,
                               size_t n_levels, json_object *files);

/* The "levels" array of the manifest (new reference; NULL when out of
 * memory). */
json_object *nr_manifest_levels(struct nr_level *levels, size_t n_levels);

/* The findings over those levels (findings.h), sorted; NULL when out of
 * memory. */
json_object *nr_manifest_findings(struct nr_level *levels, size_t n_levels);

/* The run's totals per status, over every level. */
void nr_manifest_totals(struct nr_level *levels, size_t n_levels,
                        unsigned counts[NR_PROBE_STATUS_COUNT], size_t *scrubbed,
                        size_t *artifacts);

/* "2026-11-22T01:19:12Z" */
void nr_time_format_utc(time_t t, char *out, size_t outlen);

#endif
