/* SPDX-License-Identifier: MIT */
/* Drop-in probes for the commands that run or list probes (collect,
 * capture, probes).  --probe-dir DIR (repeatable) is taken in a first
 * pass over argv, with the command's own option table so that an option's
 * value is never taken for an option, before the real pass: --only and
 * --skip, parsed then, know the drop-ins. */
#ifndef NR_CMD_DROPINS_H
#define NR_CMD_DROPINS_H

#include <getopt.h>

#include "run/dropin_load.h"

#define NR_OPT_PROBE_DIR 0x4101
#define NR_OPT_PROBE_DIR_ENTRY { "probe-dir", required_argument, NULL, NR_OPT_PROBE_DIR }
#define NR_OPT_PROBE_DIR_HELP \
	"      --probe-dir DIR       also load drop-in probes from DIR/*.json (after\n" \
	"                            /etc/nest-report/probes.d and the user's)\n"

/* Load the drop-ins, print each refusal as one line, register the others
 * as probes.  0, or NR_EXIT_ERROR (out of memory). */
int nr_cmd_dropins_setup(int argc, char **argv, const char *shortopts,
                         const struct option *longopts, struct nr_dropins *d);

/* Unregister and free them. */
void nr_cmd_dropins_teardown(struct nr_dropins *d);

#endif
