/* SPDX-License-Identifier: MIT */
/* A level (L0, L1, ...) and the collection of its probes.
 *
 * nr_level_collect() detects the level's basics through its transport,
 * runs every selected probe concurrently, each under its own deadline, and
 * then parses the artifacts into facts.  Artifacts are spooled to unlinked
 * temporary files, never held whole in memory; the bundle writer copies
 * them into the tarball.
 */
#ifndef NR_LEVEL_H
#define NR_LEVEL_H

#include <stdbool.h>
#include <stdint.h>
#include <json-c/json.h>

#include "util/error.h"
#include "probe.h"
#include "util/sha256.h"
#include "transport/transport.h"

enum nr_probe_status {
	NR_PROBE_OK,
	NR_PROBE_FAILED,
	NR_PROBE_TIMEOUT,
	NR_PROBE_SKIPPED,
	NR_PROBE_UNSUPPORTED,
	NR_PROBE_STATUS_COUNT
};

const char *nr_probe_status_name(enum nr_probe_status s);

struct nr_artifact {
	char *name;             /* component under levels/<id>/<probe>/ */
	char *path;             /* bundle member path */
	int fd;                 /* unlinked spool file; -1 when closed */
	uint64_t size;          /* bytes stored (after scrubbing and cap) */
	char sha256[NR_SHA256_HEX];
	bool truncated;
	size_t scrubbed;        /* secret values replaced */
	json_object *command;   /* argv array, or NULL for a file */
	char *source;           /* path read, or NULL for a command */
	int exit_code;          /* commands only */
	bool has_exit;
	bool failed;            /* exited non-zero with nothing (or nothing useful) printed */
	char *stderr_text;      /* scrubbed first bytes of stderr, or NULL */
	int spool_errno;        /* a spool write failed (disk full...): the run fails */
	char *cached;           /* parse-time copy (NR_PARSE_CAP) */
	size_t cached_len;
};

struct nr_probe_result {
	const struct nr_probe *probe;
	enum nr_probe_status status;
	char *error;            /* one line, or NULL */
	int64_t duration_ms;
	struct nr_artifact *arts;
	size_t n_arts;
	json_object *commands;  /* [{name, path}] lookups made */
	json_object *notes;     /* [string] */
};

struct nr_collect_opts {
	int timeout_s;            /* per-probe default */
	uint64_t artifact_cap;    /* bytes per artifact */
	const char *const *only;  /* NULL-terminated probe names, or NULL */
	const char *const *skip;
	const char *spool_dir;    /* where unlinked spool files live */
	/* Progress for -v: called from worker threads, serialised by the caller. */
	void (*progress)(void *ud, const char *level, const struct nr_probe_result *r);
	void *progress_ud;
};

struct nr_level {
	char *id;                 /* "l0", "l1", ... */
	int depth;
	char *parent;             /* NULL for the root level */
	struct nr_transport *transport;   /* NULL until a remote level is reached */
	const char *kind;         /* "local", "ssh", "replay" */
	char *target;             /* host part only, NULL for local */
	json_object *match;       /* which guest of the parent this is, or NULL */
	const char *status;       /* "ok", "partial", "unreachable", ... */
	json_object *errors;      /* [string] */
	enum nr_arch arch;
	char *arch_name;          /* uname -m, or NULL */
	bool arch_from_cpuinfo;   /* arch_name is what /proc/cpuinfo's shape proves */
	int is_root;
	struct nr_probe_result *results;
	size_t n_results;
	json_object *facts;
};

int nr_level_init(struct nr_level *lv, const char *id, int depth, const char *parent,
                  struct nr_transport *t, struct nr_error *err);
void nr_level_release(struct nr_level *lv);

/* A level whose transport is created later (remote levels): kind names it. */
int nr_level_init_remote(struct nr_level *lv, const char *id, int depth, const char *parent,
                         const char *kind, struct nr_error *err);

/* Record a level-wide error (e.g. why it could not be reached). */
void nr_level_add_error(struct nr_level *lv, const char *msg);

/* Collect every probe on the level.  Probe failures are recorded, not
 * returned; a negative errno means the run itself could not go on. */
int nr_level_collect(struct nr_level *lv, const struct nr_collect_opts *opts,
                     struct nr_error *err);

/* Parse the level's artifacts into lv->facts (done by nr_level_collect). */
void nr_level_parse(struct nr_level *lv);

/* Whether a probe applies to this level; when not, *why says why and the
 * status to record (skipped or unsupported). */
bool nr_level_probe_applies(const struct nr_level *lv, const struct nr_probe *p,
                            const struct nr_collect_opts *opts, const char **why,
                            enum nr_probe_status *status);

/* Counts per status over all results. */
void nr_level_count(const struct nr_level *lv, unsigned counts[NR_PROBE_STATUS_COUNT]);

/* ---- artifacts (artifact.c) ---- */

/* An unnamed read-write temporary file in dir (O_TMPFILE, else a unique
 * name unlinked at once), for data on its way into a bundle. */
int nr_spool_open(const char *dir, struct nr_error *err);

/* The sink a transport writes into: scrub, cap, hash, spool. */
struct nr_artifact_sink;
int nr_artifact_begin(struct nr_artifact *a, const char *spool_dir, uint64_t cap,
                      struct nr_artifact_sink **sink, struct nr_error *err);
struct nr_sink *nr_artifact_sink_base(struct nr_artifact_sink *s);
/* Finish: flush the scrubber, record size, sha256, truncation, count. */
int nr_artifact_end(struct nr_artifact *a, struct nr_artifact_sink *s, struct nr_error *err);
void nr_artifact_release(struct nr_artifact *a);

/* Read an artifact's spooled content from the start: len is capped at cap.
 * Returns a malloc'd NUL-terminated buffer or NULL. */
char *nr_artifact_read(const struct nr_artifact *a, size_t cap, size_t *len);

/* Build an nr_artifacts view over one probe result (for parse()). */
struct nr_artifacts {
	struct nr_probe_result *result;
};

#endif
