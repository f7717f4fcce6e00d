/* SPDX-License-Identifier: MIT */
/* Writing a capture tree (layout in replay.h) for the recording transport.
 *
 * A recording is staged under DIR/.nest-report as it arrives, scrubbed and
 * capped, and renamed into place when it ends: probes run concurrently, a
 * recording thrown away (a failed read, one the keep policy refuses) leaves
 * nothing behind, and a partial read (a probe that wanted only the first
 * bytes) never replaces a complete one.  A recording that cannot be written
 * is counted, with the first error kept, never fatal. */
#ifndef NR_RECORD_TREE_H
#define NR_RECORD_TREE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capture.h"

enum nr_rec_kind {
	NR_REC_FILE,      /* DIR/<path>: subject to the keep policy */
	NR_REC_COMMAND,   /* a command's stdout */
	NR_REC_META,      /* everything else under .nest-report */
};

struct nr_rec_tree {
	int dirfd, stagefd;
	nr_record_keep_fn keep;
	atomic_uint seq;
	atomic_size_t files, commands, metadata, withheld, errors, scrubbed;
	atomic_ullong bytes;
	pthread_mutex_t lock;          /* first_error */
	char first_error[NR_ERROR_MSG_MAX];
};

struct nr_rec_file;

int nr_rec_tree_open(struct nr_rec_tree *tr, const char *dir, nr_record_keep_fn keep,
                     struct nr_error *err);
void nr_rec_tree_close(struct nr_rec_tree *tr);
/* Add the counts (and the first error, if st has none) to *st. */
void nr_rec_tree_stats(struct nr_rec_tree *tr, struct nr_capture_stats *st);

/* Start recording rel (relative to DIR; path is what the probe asked for,
 * for the keep policy and messages).  NULL when it cannot be recorded; the
 * other calls accept NULL. */
struct nr_rec_file *nr_rec_begin(struct nr_rec_tree *tr, enum nr_rec_kind kind, const char *rel,
                                 const char *path, uint64_t cap);
void nr_rec_write(struct nr_rec_file *f, const void *data, size_t len);
/* Nothing was written to it. */
bool nr_rec_empty(const struct nr_rec_file *f);
/* Rename into place when commit (a partial one only where there is none
 * yet), else throw away; frees f. */
void nr_rec_end(struct nr_rec_file *f, bool commit, bool partial);
/* A small metadata recording in one go. */
void nr_rec_text(struct nr_rec_tree *tr, const char *rel, const char *what, const char *text);

#endif
