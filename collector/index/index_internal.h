/* SPDX-License-Identifier: MIT */
/* Shared between the files of collector/index/, not for other parts. */
#ifndef NR_INDEX_INTERNAL_H
#define NR_INDEX_INTERNAL_H

#include "doc.h"
#include "index.h"
#include "trust/verify.h"

/* Read, check and describe one bundle file (ingest.c; add and similar
 * share it).  1 with v and doc filled (and text, when asked for: the
 * manifest as the index stores it); 0 when it was judged otherwise
 * (known, when ix is given; refused; unreadable: see res); negative when
 * the index failed.  The caller releases v, doc and *text whatever it
 * returns. */
int nr_index_read_bundle(const char *path, const struct nr_index_add_opts *o, struct nr_index *ix,
                         struct nr_index_added *res, struct nr_verify_result *v, struct nr_index_doc *doc,
                         char **text, struct nr_error *err);

/* Whether res->sha256 is indexed, or staged in the open batch (batch.c):
 * 1 (res->outcome is then KNOWN, known_path set), 0, negative. */
int nr_index_known(struct nr_index *ix, struct nr_index_added *res, struct nr_error *err);

/* Drop what is queued (batch.c): report the outcomes that are final
 * (known, refused, unreadable), forget the staged bundles; o may be
 * NULL (nothing reported: nr_index_close). */
void nr_index_discard(struct nr_index *ix, const struct nr_index_add_opts *o);

/* Insert a bundle's findings rows (batch.c; refresh replaces them). */
int nr_index_store_findings(struct nr_store *s, long long id, json_object *findings, struct nr_error *err);

/* The bundle columns every listing reads, and the output's bundle object
 * made of them (query.c): {sha256, path, time, created, indexed, host,
 * tool_version, signature: {status, key, principal}, counts, rules,
 * levels: [{id}], findings: []}. */
#define NR_INDEX_BUNDLE_COLS "b.id, b.sha256, b.path, b.time, b.created, b.indexed, b.host, " \
	"b.tool_version, b.signature, b.signer_key, b.signer_principal, b.levels, b.n_fail, "    \
	"b.n_warn, b.n_info, b.rules"
#define NR_INDEX_BUNDLE_NCOLS 16
json_object *nr_index_bundle_json(const char *const *v);

/* The bundle objects of ids (nr_index_bundle_json, with their levels'
 * versions and fail and warn findings), appended to out in that order
 * (query.c). */
int nr_index_bundles(struct nr_index *ix, const long long *id, size_t n, json_object *out, struct nr_error *err);

/* Output objects start alike: {schema, command, db}. */
json_object *nr_index_output(const struct nr_index *ix, const char *command);

#endif
