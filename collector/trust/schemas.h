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

/* Schemas kept between calls, by $id, for a run that verifies many
 * bundles (`index add`): loading one (finding its file among the schemas,
 * parsing and compiling it) costs more than checking a manifest against
 * it.  get: borrowed, unless nr_schema_cache_owns says no (the cache was
 * full): then the caller frees it.  NULL as nr_schemas_load_id. */
struct nr_schema_cache;
struct nr_schema_cache *nr_schema_cache_new(void);
struct nr_jschema *nr_schema_cache_get(struct nr_schema_cache *c, const char *id, struct nr_error *err);
int nr_schema_cache_owns(const struct nr_schema_cache *c, const struct nr_jschema *s);
void nr_schema_cache_free(struct nr_schema_cache *c);

#endif
