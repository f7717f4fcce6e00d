/* SPDX-License-Identifier: MIT */
/* `nest-report index`: shared between cmd_index.c (options, add,
 * refresh) and cmd_index_show.c (query, similar and stats as text). */
#ifndef NR_CMD_INDEX_H
#define NR_CMD_INDEX_H

#include <json-c/json.h>

/* Print an index command's result, text or JSON.  0 printed. */
void nr_cmd_index_print_json(json_object *o);
void nr_cmd_index_show_query(json_object *o);
void nr_cmd_index_show_similar(json_object *o);
void nr_cmd_index_show_stats(json_object *o);

#endif
