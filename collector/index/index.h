/* SPDX-License-Identifier: MIT */
/* The index of many bundles, for maintainers and portals (`nest-report
 * index`): bundles are added once each (by sha256), through the same
 * reader and checks as `verify`; what their manifests say (doc.h) is
 * stored in SQLite or PostgreSQL (store.h) and queried by facts and
 * findings (filter.h), ranked by setup similarity (features.h), counted
 * over time, and re-judged when the rules change.
 *
 * Results for the command layer are json-c objects (the --json outputs,
 * schemas/index.schema.json), which the commands also render as text.
 * Library code: nothing is printed. */
#ifndef NR_INDEX_H
#define NR_INDEX_H

#include <json-c/json.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "bundle/bundle_read.h"
#include "filter.h"
#include "findings/findings.h"
#include "store.h"
#include "trust/schemas.h"
#include "util/error.h"
#include "util/sha256.h"

#define NR_INDEX_OUTPUT_SCHEMA "urn:nest-report:schema:index:1"

/* Bundles are written in batches: nr_index_add reads and judges a bundle
 * and stages it; a batch is written in one transaction once it holds
 * NR_INDEX_BATCH bundles (or NR_INDEX_BATCH_BYTES of manifests) or is
 * NR_INDEX_BATCH_MS old, or by nr_index_flush.  A transaction per bundle
 * would write every index page its facts touch once per bundle (measured:
 * 1.6 MB of SQLite WAL per 10 KB bundle).  A batch is written only after
 * all its bundles are read, in sha256 order, so a writer holds the
 * database's locks only while writing, and two writers adding overlapping
 * bundles cannot deadlock on them.  Each bundle stays all or nothing: a
 * refused one never reaches the store, and a store error rolls its whole
 * batch back (the run stops). */
#define NR_INDEX_BATCH 64
#define NR_INDEX_BATCH_BYTES (64u << 20)
#define NR_INDEX_BATCH_MS 1000

struct nr_index_staged;
struct nr_index {
	struct nr_store *store;
	int schema_from;           /* the schema version it had when opened (0: new) */
	struct nr_index_staged *q; /* bundles judged since the last flush, in order */
	size_t nq, capq, staged;   /* ... of which staged to be written */
	size_t staged_bytes;
	int64_t batch_started_ms;
};

/* Open (creating or migrating) the index db names (store.h). */
int nr_index_open(const char *db, struct nr_index **out, struct nr_error *err);
void nr_index_close(struct nr_index *ix);
const char *nr_index_name(const struct nr_index *ix);

/* The default database: index.db from the config, else
 * $XDG_DATA_HOME/nest-report/index.sqlite (~/.local/share/...). */
int nr_index_default_db(char *out, size_t outlen, struct nr_error *err);

/* ---- adding bundles (ingest.c, batch.c) ---- */

struct nr_index_added;

struct nr_index_add_opts {
	const char *allowed_signers;   /* NULL: signatures are not checked */
	const char *identity;
	struct nr_bundle_limits limits;
	bool dry_run;                  /* check and describe, store nothing */
	struct nr_schema_cache *schemas;   /* keep one for many bundles; NULL: none */
	void (*report)(void *arg, const struct nr_index_added *res);
	void *report_arg;
};

enum nr_index_outcome {
	NR_INDEX_ADDED,                /* stored now (dry run: would be) */
	NR_INDEX_KNOWN,                /* its sha256 is already indexed */
	NR_INDEX_REFUSED,              /* a check failed or it exceeds a cap: reason */
	NR_INDEX_UNREADABLE,           /* the file could not be read: reason */
};

struct nr_index_added {
	enum nr_index_outcome outcome;
	char path[PATH_MAX];           /* absolute, where it lies */
	char sha256[NR_SHA256_HEX];
	unsigned long long size;
	char known_path[PATH_MAX];     /* KNOWN: where it was first indexed from */
	const char *check;             /* REFUSED: the check (verify's names, or "content") */
	char reason[NR_ERROR_MSG_MAX + 160];
	unsigned counts[NR_SEV_COUNT]; /* its findings (ADDED) */
	char signature[16];            /* "good", "unchecked", "unsigned" */
	char signer_key[64];           /* its fingerprint, when signed */
	char principal[256];           /* who signed, when good */
};

const char *nr_index_outcome_name(enum nr_index_outcome o);

/* Judge one bundle and, unless refused, known or a dry run, stage it
 * (which may write the batch).  ix may be NULL for a dry run.  o->report
 * is called for every bundle, in the order they were given, once its
 * outcome is final (for a staged one: when its batch is written).  0, or
 * negative when the index itself failed (the run cannot go on): the batch
 * was rolled back, its staged bundles were not reported, and err says how
 * many were lost. */
int nr_index_add(struct nr_index *ix, const char *path, const struct nr_index_add_opts *o,
                 struct nr_error *err);

/* Write what is staged, and report every pending outcome. */
int nr_index_flush(struct nr_index *ix, const struct nr_index_add_opts *o, struct nr_error *err);

/* After a run that added NR_INDEX_TUNE_AFTER bundles or more: refresh the
 * database's planner statistics, so the queries that follow are planned
 * on what is there (PostgreSQL's autovacuum would, within a minute). */
#define NR_INDEX_TUNE_AFTER 1000
void nr_index_tune(struct nr_index *ix, unsigned long added);

/* The bundle files under dir, recursively, sorted: names ending in .tar,
 * .tar.zst, .tar.gz or .tar.xz; names starting with '.' (temporary files
 * of collect and upload) are skipped, symlinks are not followed.  A
 * NULL-terminated list to free with nr_index_paths_free. */
int nr_index_walk(const char *dir, char ***paths, size_t *n, struct nr_error *err);
void nr_index_paths_free(char **paths);

/* ---- reading (query.c, similar.c, stats.c) ---- */

/* {schema, command: "query", db, filters, total, bundles: [...]} */
int nr_index_query(struct nr_index *ix, const struct nr_index_filter *f, long limit, json_object **out,
                   struct nr_error *err);

/* Rank indexed bundles by similarity to one: target is a bundle file
 * (checked as add checks it) or the sha256 (or a unique prefix of at
 * least 8 digits) of an indexed one.  {schema, command: "similar", db,
 * bundle, scoring, filters, results: [...]} */
int nr_index_similar(struct nr_index *ix, const char *target, const struct nr_index_add_opts *o,
                     const struct nr_index_filter *f, long limit, json_object **out,
                     struct nr_error *err);

/* Bundles, findings and versions per period ("month", "week", "day").
 * {schema, command: "stats", db, filters, by, periods: [...], totals} */
int nr_index_stats(struct nr_index *ix, const struct nr_index_filter *f, const char *by,
                   json_object **out, struct nr_error *err);

/* ---- refresh.c ---- */

/* Evaluate the findings of indexed bundles again with the current rules:
 * those judged by other rules, or every one with all.  progress (may be
 * NULL) is told how far it got.  {schema, command: "refresh", db, rules,
 * checked, refreshed, changed, appeared: {rule: n}, disappeared: {...}} */
int nr_index_refresh(struct nr_index *ix, bool all, void (*progress)(void *arg, long done, long total),
                     void *arg, json_object **out, struct nr_error *err);

#endif
