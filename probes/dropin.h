/* SPDX-License-Identifier: MIT */
/* Drop-in probes: probes a site defines in a JSON file
 * (schemas/probe.schema.json) instead of C.  This is the probe side: the
 * definition, built from a document the schema has already accepted, and
 * the one collect() every drop-in runs.  Finding and checking the files is
 * the loader's job (collector/run/dropin_load.c). */
#ifndef NR_DROPIN_H
#define NR_DROPIN_H

#include <json-c/json.h>

#include "probe.h"
#include "util/error.h"

#define NR_DROPIN_MAX_CMDS 32
#define NR_DROPIN_MAX_FILES 32
#define NR_DROPIN_MAX_ARGS 32

struct nr_dropin_cmd {
	char *artifact;
	char *argv[NR_DROPIN_MAX_ARGS + 1];
};

struct nr_dropin_file {
	char *artifact;
	char *path;
};

struct nr_dropin {
	struct nr_probe probe;        /* name, summary, arches, timeout_s, collect; data = this */
	char *file;                   /* where it was defined */
	char *sha256;                 /* of the file's bytes */
	bool root;
	struct nr_dropin_cmd cmds[NR_DROPIN_MAX_CMDS];
	size_t n_cmds;
	struct nr_dropin_file files[NR_DROPIN_MAX_FILES];
	size_t n_files;
};

/* Build a drop-in from a document valid against the probe schema.  The
 * checks the schema cannot make are made here: no NUL inside a string,
 * artifact names unique within the probe.  NULL with err naming the field
 * ("commands/1/artifact: ...") when it is refused. */
struct nr_dropin *nr_dropin_new(json_object *doc, const char *file, const char *sha256,
                                struct nr_error *err);
void nr_dropin_free(struct nr_dropin *d);

#endif
