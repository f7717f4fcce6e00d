/* SPDX-License-Identifier: MIT */
/* Reading a bundle safely: the one reader that verify, show, diff, sign
 * and anything later use.  Bundles come from strangers, so the reader
 * streams the archive (libarchive, tar only, zstd/gzip/xz/none) and never
 * writes to disk; bundle_extract.h does that, on request.
 *
 * Every member header is checked before any of its data is read, and the
 * first problem ends the read with a message naming the member:
 *   - the path: relative, canonical (no "", "." or ".." component, no
 *     leading '/'), printable, at most NR_BUNDLE_PATH_MAX bytes;
 *   - the type: regular files only (no symlink, hardlink, device, FIFO,
 *     socket, directory or sparse file);
 *   - uniqueness: no name twice, no name that is both a file and another
 *     member's directory;
 *   - size: each member, the declared total and the member count under
 *     caps, so a decompression bomb is refused from its headers alone;
 *   - the manifest: manifest.json is the first member, under its own cap,
 *     strict JSON (valid UTF-8), an object, nested at most json_depth deep,
 *     declaring at most levels_max levels;
 *   - the end: after the tar end-of-archive, nothing but padding
 *     (bundle_stream.h).
 * A truncated or corrupt archive is an error too, never a short success.
 *
 * Errors: -EBADMSG for anything wrong with the bundle's content (the
 * message says what); other negative errnos for the environment (the file
 * cannot be opened, out of memory).  Library code: nothing is printed.
 */
#ifndef NR_BUNDLE_READ_H
#define NR_BUNDLE_READ_H

#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/error.h"

/* Default caps.  A member may be 4x the default artifact cap (256 MiB);
 * bundles made with a larger --max-artifact-size need larger caps, which
 * the commands take as options. */
#define NR_BUNDLE_MEMBER_MAX (1ULL << 30)          /* 1 GiB */
#define NR_BUNDLE_TOTAL_MAX (8ULL << 30)           /* 8 GiB uncompressed */
#define NR_BUNDLE_MEMBERS_MAX 100000
#define NR_BUNDLE_MANIFEST_MAX (64ULL << 20)       /* 64 MiB */
#define NR_BUNDLE_JSON_DEPTH 64
#define NR_BUNDLE_PATH_MAX 1024
/* Levels a manifest may declare (schemas/manifest.schema.json maxItems):
 * four times the collector's own topology cap (64), so bundles of later
 * versions still read, and small enough that every pass over the levels
 * is instant (bench/hostile.sh). */
#define NR_BUNDLE_LEVELS_MAX 256

struct nr_bundle_limits {
	uint64_t member_max;
	uint64_t total_max;        /* sum of every member's size */
	uint64_t manifest_max;
	size_t members_max;
	int json_depth;
	size_t levels_max;
};

void nr_bundle_limits_default(struct nr_bundle_limits *lim);

struct nr_bundle_member {
	const char *path;          /* valid until the next call */
	uint64_t size;
};

struct nr_bundle_reader;

/* Open path and read its first member, the manifest.  lim NULL: defaults. */
struct nr_bundle_reader *nr_bundle_open(const char *path, const struct nr_bundle_limits *lim,
                                        struct nr_error *err);

/* The same over fd (borrowed, a regular file, read from where it stands),
 * handing every byte read of it to tee (may be NULL) as it is read, in
 * order: whatever the reader did not need is still in fd afterwards, so a
 * caller can give the tee the whole file in one pass (verify checks the
 * signature over the bytes the reader reads). */
typedef void (*nr_bundle_tee_fn)(void *ud, const void *buf, size_t len);
struct nr_bundle_reader *nr_bundle_open_fd(int fd, const struct nr_bundle_limits *lim,
                                           nr_bundle_tee_fn tee, void *ud, struct nr_error *err);

/* The parsed manifest (borrowed; lives as long as the reader), and its
 * bytes as stored. */
json_object *nr_bundle_manifest(const struct nr_bundle_reader *r);
const char *nr_bundle_manifest_text(const struct nr_bundle_reader *r, size_t *len);

/* Advance to the next member after the manifest: 1 with *m filled, 0 at
 * the end of the archive (which is then known to be whole), or negative.
 * Unread data of the previous member is skipped. */
int nr_bundle_next(struct nr_bundle_reader *r, struct nr_bundle_member *m, struct nr_error *err);

/* Read the current member's data: bytes read, 0 at its end, or negative. */
ssize_t nr_bundle_read(struct nr_bundle_reader *r, void *buf, size_t len, struct nr_error *err);

/* Members seen so far, manifest included. */
size_t nr_bundle_count(const struct nr_bundle_reader *r);

void nr_bundle_close(struct nr_bundle_reader *r);

/* The path rules above, alone: 0, or -EBADMSG with the reason. */
int nr_bundle_path_check(const char *path, struct nr_error *err);

#endif
