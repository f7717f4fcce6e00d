/* SPDX-License-Identifier: MIT */
/* Finding our published JSON schemas at run time (verify checks a
 * manifest against the schema version it declares). */
#ifndef NR_SCHEMAS_H
#define NR_SCHEMAS_H

#include <stddef.h>

#include "util/error.h"
#include "jschema.h"

/* The schemas directory, first of: $NR_SCHEMA_DIR; the source tree when
 * this binary is an uninstalled build (its schemas match its code better
 * than an older installed copy); DATADIR/schemas found relative to the
 * binary, then the absolute one (util/datadir.h).  0, or -ENOENT naming
 * where it looked. */
int nr_schemas_dir(char *out, size_t outlen, struct nr_error *err);

/* The schema in that directory (a *.schema.json file) whose $id is id.
 * NULL with -ENOENT in err when no file declares it. */
struct nr_jschema *nr_schemas_load_id(const char *id, struct nr_error *err);

#endif
