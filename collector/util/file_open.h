/* SPDX-License-Identifier: MIT */
/* Opening a file that a user (or a config file) named, for reading.
 *
 * The name may be anything: a FIFO blocks open(2) until a writer comes, a
 * device can block or never end, a directory cannot be read.  So the file
 * is opened O_NONBLOCK (an open that cannot block), then checked with
 * fstat to be a regular file before a byte is read; a regular file reads
 * the same with or without O_NONBLOCK.  Every file we open from a name
 * given to us goes through here (or the same two steps in uploader/,
 * which does not include this header).
 */
#ifndef NR_FILE_OPEN_H
#define NR_FILE_OPEN_H

#include <stdio.h>

#include "error.h"

/* A read-only, close-on-exec fd of the regular file at path, or a negative
 * errno with err filled ("cannot open PATH: ...", "PATH is a FIFO, not a
 * regular file").  what names the file in the message ("signature", "");
 * "" or NULL gives just the path. */
int nr_file_open_regular(const char *path, const char *what, struct nr_error *err);

/* The same as a stdio stream ("re"), for line-oriented readers; NULL with
 * err filled. */
FILE *nr_file_fopen_regular(const char *path, const char *what, struct nr_error *err);

/* "a FIFO", "a directory", "a device" ... for a st_mode that is not a
 * regular file. */
const char *nr_file_kind(unsigned mode);

#endif
