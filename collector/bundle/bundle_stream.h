/* SPDX-License-Identifier: MIT */
/* The bytes under a bundle's tar reader (private to bundle/).
 *
 * A bundle is read by two libarchive readers: this one decompresses the
 * file (zstd, gzip, xz or none; the "raw" format: no archive parsing) and
 * hands its blocks to the tar reader above it through a read callback.
 * Owning the stream is how we see what the tar reader never looks at:
 * whatever follows its end-of-archive marker.  `tar -i` (ignore zeros)
 * would extract a second archive hidden there, a second zstd frame would
 * carry one, and garbage there means the file is not what it claims; so at
 * the tar end, everything left must be zeros (tar's record padding, at
 * most NR_BUNDLE_TAIL_MAX bytes), and the decompressor must have consumed
 * the file to its last byte.
 */
#ifndef NR_BUNDLE_STREAM_H
#define NR_BUNDLE_STREAM_H

#include <archive.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bundle_read.h"
#include "util/error.h"

/* Zero padding allowed after the tar end: a record of blocking factor
 * 2048 (1 MiB); GNU tar's default is 20 (10 KiB), libarchive's the same. */
#define NR_BUNDLE_TAIL_MAX (1 << 20)

struct nr_bundle_stream {
	struct archive *raw;        /* the decompressor */
	int fd;                     /* borrowed */
	nr_bundle_tee_fn tee;       /* or NULL */
	void *tee_ud;
	unsigned char *buf;         /* what the decompressor reads into */
	int64_t handed;             /* bytes handed to the tar reader */
	int64_t last_nonzero;       /* offset of the last non-zero byte handed, or -1 */
	int at_eof;
};

/* Start decompressing fd (not owned), from where it stands; every byte
 * read from it is handed to tee (NULL: none) first.  Reads are in order,
 * from the fd alone, so what is left of the file is still there to read
 * after the reader (verify hands the rest to the same tee).  0, or
 * negative with err filled. */
int nr_bundle_stream_open(struct nr_bundle_stream *s, int fd, nr_bundle_tee_fn tee, void *ud,
                          struct nr_error *err);

/* The tar reader's read callback (archive_read_open), ud the stream: hands
 * on the decompressed blocks, a decompression error as the tar reader's. */
la_ssize_t nr_bundle_stream_read(struct archive *tar, void *ud, const void **buf);

/* At the tar reader's end (consumed: the bytes it used, archive_filter_bytes
 * of tar): 0 when nothing but padding follows, else -EBADMSG naming what
 * does; other negative errnos for I/O. */
int nr_bundle_stream_check_end(struct nr_bundle_stream *s, int64_t consumed,
                               struct nr_error *err);

void nr_bundle_stream_release(struct nr_bundle_stream *s);

/* libarchive's error on a, in our words and filed by what it means for the
 * user: "truncated archive (DOING): ...", "not a bundle: ..." (nothing
 * read yet), "corrupt archive (DOING): ..." (all -EBADMSG); an I/O error
 * or ENOMEM keeps its errno (the environment, not the bundle). */
int nr_bundle_fault(struct archive *a, bool started, const char *doing, struct nr_error *err);

#endif
