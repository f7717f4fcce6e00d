/* SPDX-License-Identifier: MIT */
/* One collection run: levels in, one bundle out.  The command layer parses
 * options and prints; this does the work and reports through nr_error. */
#ifndef NR_COLLECT_H
#define NR_COLLECT_H

#include "bundle/bundle.h"
#include "level/level.h"
#include "bundle/manifest.h"
#include "topology.h"
#include "transport/transport_ssh.h"
#include "redact/learn.h"
#include "redact/redact.h"

struct nr_collect_run {
	struct nr_collect_opts opts;
	struct nr_run_info info;
	struct nr_bundle_writer writer;   /* final_path set by the caller */
	struct nr_level *levels;          /* levels[0] is l0; the rest follow topo */
	size_t n_levels;
	const struct nr_topology *topo;   /* remote levels, parents first; may be NULL */
	struct nr_ssh_opts ssh;           /* defaults for every remote level */
	/* Level progress for the command layer (connecting, unreachable...). */
	void (*level_progress)(void *ud, const struct nr_level *lv, const char *what);
	/* --redact: the identity map (set up by the caller, words and all);
	 * each level's cheap answers are kept in seeds[] (collect_redact.c),
	 * and the map is written to map_path beside the bundle. */
	struct nr_redactor *redactor;
	struct nr_redact_seed *seeds;
	char map_path[PATH_MAX];
	/* A replay (info.replay_host set) names the captured machine: once the
	 * levels are collected, info.host becomes l0's hostname ("unknown"
	 * when the tree has none) and this, when set, may rename the bundle
	 * (writer.final_path) after it.  Returns 0 or a negative errno. */
	int (*name_bundle)(struct nr_collect_run *run, struct nr_error *err);
	void *name_ud;
};

/* Set up levels[] from l0's transport and the topology. */
int nr_collect_plan(struct nr_collect_run *run, struct nr_transport *l0, struct nr_error *err);

/* Collect every level (concurrently), then write the bundle.  Returns 0,
 * -EINTR when interrupted (nothing written), or a negative errno. */
int nr_collect_execute(struct nr_collect_run *run, struct nr_error *err);

void nr_collect_release(struct nr_collect_run *run);

/* Redact the finished collection and write it (collect_redact.c). */
int nr_collect_write_redacted(struct nr_collect_run *run, json_object *manifest,
                              const char *summary, size_t slen, struct nr_error *err);

#endif
