/* SPDX-License-Identifier: MIT */
/* Writing a bundle: a tar (libarchive) compressed with zstd (gzip or xz on
 * request) holding manifest.json, summary.txt and
 * levels/<level>/<probe>/<artifact>.  Members are 0600.
 *
 * The tarball is written under a temporary name in the destination
 * directory and renamed into place only when complete and synced, so a
 * failed or interrupted run never leaves something that looks like a
 * bundle.  The temporary path is published in w->tmp_path while it exists,
 * so that the command layer's signal handler can unlink it. */
#ifndef NR_BUNDLE_H
#define NR_BUNDLE_H

#include <limits.h>
#include <stdint.h>
#include <signal.h>
#include <stdbool.h>
#include <time.h>

#include "level/level.h"

struct nr_bundle_writer {
	char final_path[PATH_MAX];
	char tmp_path[PATH_MAX];
	volatile sig_atomic_t tmp_live;   /* tmp_path names a file to clean up */
	const char *compression;          /* "zstd", "gzip", "xz", "none" */
	/* We chose final_path (no -o FILE): on a clash with an existing file,
	 * take the next free "-2", "-3"... name instead of failing. */
	bool auto_name;
	time_t mtime;
	unsigned long long size;          /* of the finished bundle */
	/* Optional: every byte of the bundle file, in order, as it is written,
	 * so that what needs all of it (a signature) needs no second pass.
	 * The tee cannot fail the bundle: its failures are its own. */
	void (*tee)(void *ud, const void *buf, size_t len);
	void *tee_ud;
};

/* The compression's file suffix (".tar.zst"...); NULL if unknown. */
const char *nr_bundle_suffix(const char *compression);

/* A member already spooled: the writer copies exactly size bytes of fd. */
struct nr_bundle_spool {
	char *path;
	int fd;
	uint64_t size;
};

/* manifest.json, summary.txt, then the members in the order given. */
int nr_bundle_write_spools(struct nr_bundle_writer *w, const char *manifest, size_t manifest_len,
                           const char *summary, size_t summary_len,
                           const struct nr_bundle_spool *members, size_t n, struct nr_error *err);

/* The same with the levels' artifacts, in level, probe, artifact order. */
int nr_bundle_write(struct nr_bundle_writer *w, const char *manifest, size_t manifest_len,
                    const char *summary, size_t summary_len, struct nr_level *levels,
                    size_t n_levels, struct nr_error *err);

#endif
