/* SPDX-License-Identifier: MIT */
/* `nest-report redact BUNDLE`: a bundle redacted into a new one
 * (bundle_redact.c). */
#ifndef NR_REDACT_BUNDLE_H
#define NR_REDACT_BUNDLE_H

#include <json-c/json.h>

#include "bundle/bundle.h"
#include "bundle/bundle_read.h"
#include "redact.h"

struct nr_redact_bundle_args {
	const char *input;
	const struct nr_bundle_limits *limits;    /* NULL: the reader's defaults */
	struct nr_redactor *redactor;             /* words and map already loaded */
	json_object *signer;                      /* the new bundle's signer record, or NULL */
	struct nr_bundle_writer *writer;          /* final_path, compression, mtime set */
	const char *spool_dir;                    /* where the redacted members wait */
	char *map_path;                           /* out: BUNDLE.redact-map.json */
	size_t map_path_len;
};

/* Refuses a bundle that is already redacted (-EEXIST), one whose members do
 * not match its manifest or that the reader refuses (-EBADMSG).  On
 * success the bundle and its map are written. */
int nr_redact_bundle(const struct nr_redact_bundle_args *a, struct nr_error *err);

#endif
