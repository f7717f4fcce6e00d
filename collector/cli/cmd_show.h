/* SPDX-License-Identifier: MIT */
/* `nest-report show`, split by job: cmd_show.c (options, the overview),
 * cmd_show_probe.c (--probe: one probe's artifacts; --extract),
 * show_checklist.c (the kernel document's checklist, per level). */
#ifndef NR_CMD_SHOW_H
#define NR_CMD_SHOW_H

#include <json-c/json.h>
#include <stdbool.h>

#include "bundle/bundle_read.h"

struct show_args {
	const char *bundle;
	const char *level;       /* --level, NULL: all (for --probe: l0) */
	const char *probe;       /* --probe NAME or NAME/ARTIFACT */
	const char *extract;     /* --extract DIR */
	const char *html;        /* --html FILE (cmd_show_html.h) */
	const char *allowed;     /* --allowed-signers or config */
	const char *identity;
	bool json;
	struct nr_bundle_limits limits;
};

/* Print one probe's artifacts (streaming the bundle to them).  Returns
 * the exit code. */
int nr_show_probe(struct nr_bundle_reader *r, const struct show_args *a);

/* Extract into a->extract (all members, or those of --level/--probe). */
int nr_show_extract(struct nr_bundle_reader *r, const struct show_args *a);

/* Print the checklist (bundle/checklist.h) as a table, items by levels
 * (only --level's column when given), then each item not there and why. */
void nr_show_checklist(const struct show_args *a, json_object *checklist);
/* The checklist's entries for --level (all without it), for --json. */
json_object *nr_show_checklist_json(const struct show_args *a, json_object *checklist);

#endif
