/* One collection run: levels in, one bundle out.  The command layer parses
 * options and prints; this does the work and reports through nr_error. */
#ifndef NR_COLLECT_H
#define NR_COLLECT_H

#include "bundle.h"
#include "level.h"
#include "manifest.h"

struct nr_collect_run {
	struct nr_collect_opts opts;
	struct nr_run_info info;
	struct nr_bundle_writer writer;   /* final_path set by the caller */
	struct nr_level *levels;
	size_t n_levels;
};

/* Collect every level (concurrently), then write the bundle.  Returns 0,
 * -EINTR when interrupted (nothing written), or a negative errno. */
int nr_collect_execute(struct nr_collect_run *run, struct nr_error *err);

void nr_collect_release(struct nr_collect_run *run);

#endif
