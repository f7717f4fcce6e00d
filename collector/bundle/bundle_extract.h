/* SPDX-License-Identifier: MIT */
/* Writing a bundle's members to disk, only when asked (`show --extract`).
 *
 * Everything is written under one directory and nowhere else, without
 * resolving a path: the directory is opened once, each intermediate
 * directory is created and opened relative to its parent's fd with
 * O_NOFOLLOW, and each file is created with O_CREAT|O_EXCL|O_NOFOLLOW, mode
 * 0600.  A symlink planted in the tree, or a file already there, stops the
 * extraction instead of being followed or overwritten.  Member paths have
 * already passed the reader's rules (bundle_read.h). */
#ifndef NR_BUNDLE_EXTRACT_H
#define NR_BUNDLE_EXTRACT_H

#include <stdbool.h>
#include <stddef.h>

#include "bundle_read.h"

/* Which members to write; NULL: all. */
typedef bool (*nr_extract_want_fn)(const char *path, void *ud);

/* Create dir (0700) if it does not exist, then write manifest.json (when
 * wanted) and every wanted member that follows.  *written counts files.
 * On error the file being written is removed; earlier ones stay. */
int nr_bundle_extract(struct nr_bundle_reader *r, const char *dir, nr_extract_want_fn want,
                      void *ud, size_t *written, struct nr_error *err);

#endif
