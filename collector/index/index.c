/* SPDX-License-Identifier: MIT */
/* Opening an index: the store, brought to the current schema. */
#include "index.h"
#include "index_internal.h"
#include "schema.h"
#include "util/config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int nr_index_open(const char *db, struct nr_index **out, struct nr_error *err)
{
	struct nr_index *ix = calloc(1, sizeof(*ix));
	int rc;

	*out = NULL;
	if (!ix)
		return nr_error_set(err, ENOMEM, "out of memory");
	if ((rc = nr_store_open(db, &ix->store, err)) < 0 ||
	    (rc = nr_index_schema_migrate(ix->store, &ix->schema_from, err)) < 0) {
		nr_index_close(ix);
		return rc;
	}
	*out = ix;
	return 0;
}

void nr_index_close(struct nr_index *ix)
{
	if (!ix)
		return;
	nr_index_discard(ix, NULL);   /* not flushed: never written */
	free(ix->q);
	nr_store_close(ix->store);
	free(ix);
}

void nr_index_tune(struct nr_index *ix, unsigned long added)
{
	if (ix && added >= NR_INDEX_TUNE_AFTER)
		ix->store->ops->tune(ix->store);
}

const char *nr_index_name(const struct nr_index *ix)
{
	return ix->store->name;
}

int nr_index_default_db(char *out, size_t outlen, struct nr_error *err)
{
	const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	int n;

	if (nr_config_get("index.db")) {
		if (nr_store_is_pg(nr_config_get("index.db")))
			n = snprintf(out, outlen, "%s", nr_config_get("index.db"));
		else
			n = nr_config_path("index.db", out, outlen) ? (int)strlen(out) : (int)outlen;
	} else if (xdg && *xdg == '/') {
		n = snprintf(out, outlen, "%s/nest-report/index.sqlite", xdg);
	} else if (home && *home) {
		n = snprintf(out, outlen, "%s/.local/share/nest-report/index.sqlite", home);
	} else {
		return nr_error_set(err, ENOENT, "no index database: give --db FILE (HOME is not set)");
	}
	if (n < 0 || (size_t)n >= outlen)
		return nr_error_set(err, ENAMETOOLONG, "the index database's path is too long");
	return 0;
}

json_object *nr_index_output(const struct nr_index *ix, const char *command)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "schema", json_object_new_string(NR_INDEX_OUTPUT_SCHEMA));
	json_object_object_add(o, "command", json_object_new_string(command));
	json_object_object_add(o, "db", json_object_new_string(nr_index_name(ix)));
	return o;
}
