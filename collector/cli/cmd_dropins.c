/* SPDX-License-Identifier: MIT */
/* Drop-in probes for the command layer: see cmd_dropins.h. */
#include "cmd_dropins.h"
#include "commands.h"
#include "msg.h"

#include <stdio.h>
#include <string.h>

#define MAX_PROBE_DIRS 16

int nr_cmd_dropins_setup(int argc, char **argv, const char *shortopts,
                         const struct option *longopts, struct nr_dropins *d)
{
	const char *dirs[MAX_PROBE_DIRS];
	struct nr_error err = { 0 };
	size_t n = 0, i;
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1)
		if (c == NR_OPT_PROBE_DIR && n < MAX_PROBE_DIRS)
			dirs[n++] = optarg;
		else if (c == NR_OPT_PROBE_DIR)
			nr_msg_warn("--probe-dir %s ignored: at most %d directories", optarg,
			            MAX_PROBE_DIRS);
	optind = 1;
	if (nr_dropins_load(d, dirs, n, &err) < 0) {
		nr_msg_error("%s", err.msg);
		return NR_EXIT_ERROR;
	}
	for (i = 0; i < json_object_array_length(d->refused); i++) {
		json_object *r = json_object_array_get_idx(d->refused, i);

		nr_msg_warn("drop-in probe %s refused: %s",
		            json_object_get_string(json_object_object_get(r, "file")),
		            json_object_get_string(json_object_object_get(r, "error")));
	}
	nr_probe_set_extra(d->probes, d->n);
	return 0;
}

void nr_cmd_dropins_teardown(struct nr_dropins *d)
{
	nr_probe_set_extra(NULL, 0);
	nr_dropins_release(d);
}
