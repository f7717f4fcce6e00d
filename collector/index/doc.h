/* SPDX-License-Identifier: MIT */
/* What one bundle contributes to the index, derived from its verified
 * manifest (and its levels' CPU flags) alone, before any store is
 * touched: so a bundle that cannot be described within the caps is
 * refused whole, never half-stored.
 *
 * Facts become rows (level, key, value, vkey):
 *   - key is the dotted path of the fact in the level's facts object
 *     ("kernel.release", "kvm.params.kvm_intel.nested"); arrays are
 *     flattened, each element a value of the same key ("cpu.flags",
 *     "qemu.versions.version", "guests.accel");
 *   - value is the JSON value as text: strings as they are (cut at
 *     NR_INDEX_VALUE_MAX bytes on a character boundary, invalid UTF-8 and
 *     control characters as '?'), true/false, numbers in JSON form; null
 *     (unknown) is not stored, so it never matches;
 *   - vkey, when the value starts with a version ("6.8.0-31-generic",
 *     "8.2.2", "2"), is a key whose byte order is version order
 *     (version_cmp.h: the leading dotted number, missing parts 0);
 *   - not stored: facts.evidence (how a fact was concluded, not the
 *     setup), and a guest's argv, pid, hostfwd and level link (instance
 *     details that differ between runs of one setup);
 *   - added per level: level.depth, level.status, level.transport,
 *     level.parent, and cpu.flags from the level's cpuinfo artifact;
 *   - a *word set* (cpu.flags, the one there is) is one row whose value is
 *     "" and whose words are " fpu vme ... " (sorted, each word once,
 *     between single spaces), stored in a table of its own (nr_words):
 *     an x86 level has 100-200 flags, and a row each was two thirds of all
 *     rows and of the time to store them.  The filters match a member
 *     (filter.h).
 *
 * Library code. */
#ifndef NR_INDEX_DOC_H
#define NR_INDEX_DOC_H

#include <json-c/json.h>
#include <stddef.h>

#include "features.h"
#include "findings/findings.h"
#include "util/error.h"

#define NR_INDEX_LEVELS_MAX 64
#define NR_INDEX_ROWS_PER_LEVEL 4096
#define NR_INDEX_KEY_MAX 128
#define NR_INDEX_VALUE_MAX 1024
/* A word set: at most this many words of at most NR_INDEX_WORD_MAX bytes. */
#define NR_INDEX_WORDS_MAX 4096
#define NR_INDEX_WORD_MAX 64
/* "000000006.000000008.000000000.000000000" */
#define NR_INDEX_VKEY_LEN 40
/* Its major.minor prefix, "000000006.000000008", for series. */
#define NR_INDEX_VKEY_SERIES 19

struct nr_index_row {
	const char *level;         /* the level's id (owned by the doc) */
	int depth;                 /* the level's depth; -1 unknown */
	char *key;
	char *value;
	char vkey[NR_INDEX_VKEY_LEN];   /* "" when the value is no version */
	char *words;                    /* a word set's " a b c ", else NULL */
};

struct nr_index_doc {
	struct nr_index_row *rows;
	size_t nrows, cap;
	char **level_ids;          /* in manifest order, then NULL */
	size_t nlevels, level_cap;
	json_object *findings;     /* owned: evaluated with the current rules */
	unsigned counts[NR_SEV_COUNT];
	char created[24];          /* the manifest's UTC time, "" when not valid */
	char *host, *tool_version, *schema_id, *signer_id;   /* NULL when absent */
	char levels[NR_INDEX_LEVELS_MAX * 34];    /* "l0 l1 l2" */
	char shape[NR_INDEX_LEVELS_MAX * 4];      /* "0,1,2": each level's depth, sorted */
	/* What `index stats` counts, kept with the bundle so that it reads one
	 * row per bundle: " LEVEL|RULE|SEVERITY ..." for each finding, and
	 * " LEVEL|KEY|SERIES ..." for each kernel, QEMU and libvirt version
	 * (SERIES: the vkey's major.minor prefix, so byte order is version
	 * order).  Level ids, rule ids, keys and vkeys hold no '|' or ' '. */
	char *hits, *series;
	struct nr_features features;
};

/* Describe a manifest.  flags: level id -> [flag] (may be NULL).  0, or
 * -EBADMSG with the reason when it exceeds a cap (more than
 * NR_INDEX_LEVELS_MAX levels, a level without a usable id or twice, more
 * than NR_INDEX_ROWS_PER_LEVEL facts on a level, a fact name over
 * NR_INDEX_KEY_MAX bytes), -ENOMEM. */
int nr_index_doc_build(json_object *manifest, json_object *flags, struct nr_index_doc *doc,
                       struct nr_error *err);
void nr_index_doc_release(struct nr_index_doc *doc);

/* The setup's features (features.h) from doc->rows and doc->shape. */
int nr_index_doc_features(struct nr_index_doc *doc, struct nr_error *err);

/* Evaluate levels with the current rules into doc->findings,
 * doc->counts and doc->hits, and their features into doc->features
 * (refresh runs this alone, on rows and shape read back from the index). */
int nr_index_doc_findings(json_object *levels, struct nr_index_doc *doc, struct nr_error *err);

/* Whether key is a word set (cpu.flags). */
int nr_index_word_set(const char *key);

/* The sortable key of a version; 0, or -1 when s does not start with one. */
int nr_index_vkey(const char *s, char out[NR_INDEX_VKEY_LEN]);

/* "6.8" from a vkey's series prefix (NR_INDEX_VKEY_SERIES bytes). */
void nr_index_vkey_series(const char *vkey, char *out, size_t outlen);

/* The identity of the rules that evaluated findings and features: the
 * version, and a digest of it, the similarity scoring's version and the
 * rule table's text (docs/findings.md), so a changed rule changes it even
 * between releases: "0.1.0+3f2a9c1d0e4b". */
const char *nr_index_rules_id(void);

#endif
