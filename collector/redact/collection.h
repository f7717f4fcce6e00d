/* SPDX-License-Identifier: MIT */
/* Redacting a whole collection: a manifest, its members and summary.txt,
 * into a new manifest and new spooled members for the bundle writer.
 *
 * One code path for both ways in: `collect --redact` hands over the run's
 * manifest and its artifacts' spools; `nest-report redact BUNDLE` hands over
 * a bundle's manifest and members read back by the safe reader.  So a
 * bundle redacted later is the same as one redacted at collection, and
 * both prove the same things:
 *   1. learn: the manifest (nr_redact_learn_manifest), then the members
 *      that name identities (nr_redact_member_source: uname, dmidecode),
 *      before anything is redacted;
 *   2. nr_redact_job_init: every member's new path (redacted, and unique);
 *   3. nr_redact_job_member for each member, in bundle order: its bytes
 *      are checked against the manifest's size and sha256 (a member that
 *      does not match is refused, never laundered into a bundle that
 *      verifies), redacted, hashed and spooled;
 *   4. nr_redact_job_summary, then nr_redact_job_finish: the manifest
 *      walked (manifest_walk.c), sizes and hashes updated, findings
 *      evaluated again over the redacted levels, and the "redaction"
 *      record added.
 */
#ifndef NR_REDACT_COLLECTION_H
#define NR_REDACT_COLLECTION_H

#include <json-c/json.h>
#include <stdint.h>
#include <sys/types.h>

#include "bundle/bundle.h"
#include "redact.h"
#include "util/sha256.h"
#include "util/strmap.h"

struct nr_redact_expect;   /* what the manifest promised (collection.c) */

struct nr_redact_member {
	struct nr_bundle_spool spool;   /* new path, spool fd, size: for the writer */
	char *orig_path;
	char sha256[NR_SHA256_HEX];     /* of the redacted content */
	struct nr_redact_expect *expect;
	bool done;
};

struct nr_redact_job {
	struct nr_redactor *r;
	const char *spool_dir;
	json_object *manifest;          /* a deep copy, redacted by finish */
	struct nr_strmap paths;         /* original member path -> its member */
	struct nr_strmap taken;         /* new paths in use */
	struct nr_redact_member *members;
	size_t n;
	char *summary;
	size_t summary_len;
	/* The members are our own spools, hashed as they were written: their
	 * bytes need no second check against the manifest (a bundle's do). */
	bool trusted;
};

/* Learn what a manifest names: the collecting host, the SSH targets, the
 * levels' node names, the signer, user@host in argv. */
int nr_redact_learn_manifest(struct nr_redactor *r, json_object *manifest);

/* [user@]host[:port] as --level takes it. */
int nr_redact_learn_target(struct nr_redactor *r, const char *target);

/* manifest is borrowed (the job works on a copy). */
int nr_redact_job_init(struct nr_redact_job *job, struct nr_redactor *r, json_object *manifest,
                       const char *spool_dir, struct nr_error *err);

typedef ssize_t (*nr_redact_read_fn)(void *ud, void *buf, size_t len, struct nr_error *err);

/* One member: read it to its end with read, redact it into a spool. */
int nr_redact_job_member(struct nr_redact_job *job, const char *path, nr_redact_read_fn read,
                         void *ud, struct nr_error *err);

/* summary.txt, whole (it is small: the reader caps it). */
int nr_redact_job_summary(struct nr_redact_job *job, const char *text, size_t len,
                          struct nr_error *err);

/* The redacted manifest (a new reference) in *out; every listed member
 * must have been given. */
int nr_redact_job_finish(struct nr_redact_job *job, json_object **out, struct nr_error *err);

/* The members but summary.txt, in manifest order, for
 * nr_bundle_write_spools (out has room for job->n); returns how many. */
size_t nr_redact_job_spools(const struct nr_redact_job *job, struct nr_bundle_spool *out);

void nr_redact_job_release(struct nr_redact_job *job);

/* ---- manifest_walk.c ---- */

int nr_redact_manifest_walk(struct nr_redactor *r, json_object *manifest,
                            const struct nr_strmap *paths);
/* Whether the walk keeps the field at path (segments joined by '/', '*'
 * for any array index or object key) or gives it a member's new path. */
bool nr_redact_field_kept(const char *path);
/* The new path of a member (paths maps to struct nr_redact_member). */
const char *nr_redact_new_path(const struct nr_strmap *paths, const char *orig);

#endif
