/* SPDX-License-Identifier: MIT */
/* Capturing this machine into a tree that `collect --sysroot` replays.
 *
 * The normal probes run over a recording transport that wraps the local
 * one and tees every operation's result into the tree (layout in
 * replay.h), so a capture holds exactly what the probes read: there is no
 * second list of files to keep in step.  Everything recorded goes through
 * the scrubber first, as artifacts do: a capture is meant to be sent to
 * strangers.
 */
#ifndef NR_CAPTURE_H
#define NR_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"
#include "level/level.h"
#include "transport/transport.h"

struct nr_capture_stats {
	size_t files;        /* DIR/<path> files written */
	size_t commands;     /* command outputs recorded */
	size_t metadata;     /* which, paths, lists entries */
	size_t withheld;     /* reads not recorded by policy (other processes' argv) */
	size_t errors;       /* recordings that could not be written */
	size_t scrubbed;     /* secret values replaced */
	uint64_t bytes;      /* bytes written, metadata included */
	char first_error[NR_ERROR_MSG_MAX];
	char summary[512];   /* the level's one-line summary (role, hypervisor ...) */
};

/* Whether a read of path, starting with head (raw bytes, len <= 256), may
 * be recorded.  NULL: everything is. */
typedef bool (*nr_record_keep_fn)(const char *path, const char *head, size_t len);

/* Wrap inner (taken over: closed with the wrapper) so that every result is
 * also written under dirfd's tree, each recording capped at cap bytes. */
struct nr_transport *nr_transport_record_new(struct nr_transport *inner, const char *dir,
                                             uint64_t cap, nr_record_keep_fn keep,
                                             struct nr_error *err);

/* Write DIR/.nest-report/meta and add the counts to *st.  Call once, after
 * collection, before the transport is closed. */
int nr_transport_record_finish(struct nr_transport *t, struct nr_capture_stats *st,
                               struct nr_error *err);

/* The capture policy: another process's command line is recorded only when
 * it is a QEMU process (the qemu probe reads every /proc/PID/cmdline to find
 * them; the rest is nobody's business). */
bool nr_capture_keep(const char *path, const char *head, size_t len);

/* Capture this machine into dir, which must not exist or be empty.  The
 * tree is built under a temporary name next to it and renamed into place,
 * so a failed or interrupted capture leaves nothing behind.  Returns 0,
 * -EINTR, or a negative errno. */
int nr_capture_run(const char *dir, const struct nr_collect_opts *opts,
                   struct nr_capture_stats *st, struct nr_error *err);

#endif
