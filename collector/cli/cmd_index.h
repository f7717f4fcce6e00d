/* SPDX-License-Identifier: MIT */
/* `nest-report index`: shared between cmd_index.c (options, the
 * commands), cmd_index_add.c (add) and cmd_index_show.c (query, similar
 * and stats as text). */
#ifndef NR_CMD_INDEX_H
#define NR_CMD_INDEX_H

#include <json-c/json.h>
#include <limits.h>

#include "bundle/bundle_read.h"
#include "index/index.h"

/* What the options said. */
struct nr_cmd_index_opts {
	const char *db, *allowed, *identity, *by;
	char cfg[PATH_MAX];
	struct nr_index_filter filter;
	struct nr_bundle_limits limits;
	long limit;
	int json, dry_run, all, quiet, limit_set;
};

/* `index add`: the exit status. */
int nr_cmd_index_add(struct nr_index *ix, const struct nr_cmd_index_opts *o, char **args, int nargs);

/* Print an index command's result, text or JSON. */
void nr_cmd_index_print_json(json_object *o);
void nr_cmd_index_show_query(json_object *o);
void nr_cmd_index_show_similar(json_object *o);
void nr_cmd_index_show_stats(json_object *o);

#endif
