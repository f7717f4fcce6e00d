/* SPDX-License-Identifier: MIT */
#include "bundle.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define COPY_CHUNK 65536

const char *nr_bundle_suffix(const char *compression)
{
	if (strcmp(compression, "zstd") == 0)
		return ".tar.zst";
	if (strcmp(compression, "gzip") == 0)
		return ".tar.gz";
	if (strcmp(compression, "xz") == 0)
		return ".tar.xz";
	if (strcmp(compression, "none") == 0)
		return ".tar";
	return NULL;
}

static int add_filter(struct archive *a, const char *compression)
{
	if (strcmp(compression, "zstd") == 0)
		return archive_write_add_filter_zstd(a);
	if (strcmp(compression, "gzip") == 0)
		return archive_write_add_filter_gzip(a);
	if (strcmp(compression, "xz") == 0)
		return archive_write_add_filter_xz(a);
	return archive_write_add_filter_none(a);
}

/* libarchive's own message for a failed write is "Write error"; the errno
 * behind it (ENOSPC...) is what the user needs. */
static int archive_failed(struct archive *a, const char *what, struct nr_error *err)
{
	int e = archive_errno(a) > 0 ? archive_errno(a) : EIO;

	return nr_error_set(err, e, "cannot write %s into the bundle: %s", what,
	                    archive_errno(a) > 0 ? strerror(e) : archive_error_string(a));
}

static struct archive_entry *member_entry(const char *path, uint64_t size, time_t mtime)
{
	struct archive_entry *e = archive_entry_new();

	if (!e)
		return NULL;
	archive_entry_set_pathname(e, path);
	archive_entry_set_size(e, (la_int64_t)size);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0600);
	archive_entry_set_mtime(e, mtime, 0);
	archive_entry_set_uname(e, "root");
	archive_entry_set_gname(e, "root");
	return e;
}

static int write_buffer(struct archive *a, const char *path, const char *buf, size_t len,
                        time_t mtime, struct nr_error *err)
{
	struct archive_entry *e = member_entry(path, len, mtime);
	int rc = 0;

	if (!e)
		return nr_error_set(err, ENOMEM, "out of memory");
	if (archive_write_header(a, e) != ARCHIVE_OK ||
	    (len > 0 && archive_write_data(a, buf, len) != (la_ssize_t)len))
		rc = archive_failed(a, path, err);
	archive_entry_free(e);
	return rc;
}

/* Copy a spooled member.  Exactly art->size bytes: the manifest promised
 * that size and sha256. */
static int write_artifact(struct archive *a, const struct nr_bundle_spool *art, time_t mtime,
                          char *buf, struct nr_error *err)
{
	struct archive_entry *e = member_entry(art->path, art->size, mtime);
	uint64_t off = 0;
	int rc = 0;

	if (!e)
		return nr_error_set(err, ENOMEM, "out of memory");
	if (archive_write_header(a, e) != ARCHIVE_OK) {
		rc = archive_failed(a, art->path, err);
		goto out;
	}
	while (off < art->size) {
		size_t want = art->size - off < COPY_CHUNK ? (size_t)(art->size - off) : COPY_CHUNK;
		ssize_t n = pread(art->fd, buf, want, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = nr_error_set(err, n < 0 ? errno : EIO, "spool of %s is short", art->path);
			goto out;
		}
		if (archive_write_data(a, buf, (size_t)n) != n) {
			rc = archive_failed(a, art->path, err);
			goto out;
		}
		off += (uint64_t)n;
	}
out:
	archive_entry_free(e);
	return rc;
}

static int write_members(struct archive *a, struct nr_bundle_writer *w, const char *manifest,
                         size_t manifest_len, const char *summary, size_t summary_len,
                         const struct nr_bundle_spool *members, size_t n, struct nr_error *err)
{
	char *buf = malloc(COPY_CHUNK);
	size_t i;
	int rc;

	if (!buf)
		return nr_error_set(err, ENOMEM, "out of memory");
	/* The manifest first, so readers can stream it without a second pass. */
	rc = write_buffer(a, "manifest.json", manifest, manifest_len, w->mtime, err);
	if (rc == 0)
		rc = write_buffer(a, "summary.txt", summary, summary_len, w->mtime, err);
	for (i = 0; i < n && rc == 0; i++)
		rc = write_artifact(a, &members[i], w->mtime, buf, err);
	free(buf);
	return rc;
}

/* libarchive's output: the temporary file, and the tee. */
struct output {
	struct nr_bundle_writer *w;
	int fd;
};

static la_ssize_t output_write(struct archive *a, void *ud, const void *buf, size_t len)
{
	struct output *o = ud;
	const char *p = buf;
	size_t left = len;

	while (left > 0) {
		ssize_t n = write(o->fd, p, left);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			archive_set_error(a, errno, "%s", strerror(errno));
			return -1;
		}
		p += n;
		left -= (size_t)n;
	}
	if (o->w->tee)
		o->w->tee(o->w->tee_ud, buf, len);
	return (la_ssize_t)len;
}

static int open_tmp(struct nr_bundle_writer *w, struct nr_error *err)
{
	const char *slash = strrchr(w->final_path, '/');
	int dirlen = slash ? (int)(slash - w->final_path) + 1 : 0;
	int fd;

	if (snprintf(w->tmp_path, sizeof(w->tmp_path), "%.*s.%s.tmp-XXXXXX", dirlen, w->final_path,
	             w->final_path + dirlen) >= (int)sizeof(w->tmp_path))
		return nr_error_set(err, ENAMETOOLONG, "output path too long");
	fd = mkostemp(w->tmp_path, O_CLOEXEC);
	if (fd < 0)
		return nr_error_set(err, errno, "cannot create %s: %s", w->tmp_path, strerror(errno));
	w->tmp_live = 1;
	fchmod(fd, 0600);
	return fd;
}

/* Move the finished temporary file to its name without ever replacing an
 * existing file: an earlier bundle is not ours to overwrite. */
static int link_noreplace(const char *from, const char *to)
{
	if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
		return 0;
	/* Filesystems without RENAME_NOREPLACE: link() fails on EEXIST too. */
	if (errno != EINVAL && errno != ENOSYS)
		return -errno;
	if (link(from, to) < 0)
		return -errno;
	unlink(from);
	return 0;
}

static int publish(struct nr_bundle_writer *w, struct nr_error *err)
{
	const char *suffix = nr_bundle_suffix(w->compression);
	size_t len = strlen(w->final_path), slen = suffix ? strlen(suffix) : 0;
	char stem[PATH_MAX];
	int n, rc;

	if (!suffix || len < slen || strcmp(w->final_path + len - slen, suffix) != 0)
		slen = 0;
	snprintf(stem, sizeof(stem), "%.*s", (int)(len - slen), w->final_path);
	for (n = 2;; n++) {
		rc = link_noreplace(w->tmp_path, w->final_path);
		if (rc == 0) {
			w->tmp_live = 0;
			return 0;
		}
		if (rc != -EEXIST || !w->auto_name || n > 99)
			break;
		if (snprintf(w->final_path, sizeof(w->final_path), "%s-%d%s", stem, n,
		             slen ? suffix : "") >= (int)sizeof(w->final_path))
			break;
	}
	if (rc == -EEXIST)
		return nr_error_set(err, EEXIST, "already exists; remove it or choose another name "
		                    "with -o");
	return nr_error_set(err, -rc, "cannot create it: %s", strerror(-rc));
}

int nr_bundle_write(struct nr_bundle_writer *w, const char *manifest, size_t manifest_len,
                    const char *summary, size_t summary_len, struct nr_level *levels,
                    size_t n_levels, struct nr_error *err)
{
	struct nr_bundle_spool *members;
	size_t n = 0, i, j, k;
	int rc;

	for (i = 0; i < n_levels; i++)
		for (j = 0; j < levels[i].n_results; j++)
			n += levels[i].results[j].n_arts;
	members = calloc(n ? n : 1, sizeof(*members));
	if (!members)
		return nr_error_set(err, ENOMEM, "out of memory");
	n = 0;
	for (i = 0; i < n_levels; i++)
		for (j = 0; j < levels[i].n_results; j++)
			for (k = 0; k < levels[i].results[j].n_arts; k++) {
				const struct nr_artifact *art = &levels[i].results[j].arts[k];

				members[n++] = (struct nr_bundle_spool){ art->path, art->fd, art->size };
			}
	rc = nr_bundle_write_spools(w, manifest, manifest_len, summary, summary_len, members, n, err);
	free(members);
	return rc;
}

int nr_bundle_write_spools(struct nr_bundle_writer *w, const char *manifest, size_t manifest_len,
                           const char *summary, size_t summary_len,
                           const struct nr_bundle_spool *members, size_t n, struct nr_error *err)
{
	struct archive *a = archive_write_new();
	struct output o = { w, -1 };
	struct stat sb;
	int fd = -1, rc;

	if (!a)
		return nr_error_set(err, ENOMEM, "out of memory");
	fd = o.fd = open_tmp(w, err);
	if (fd < 0) {
		rc = fd;
		goto out;
	}
	if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
	    add_filter(a, w->compression) != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK ||
	    archive_write_open2(a, &o, NULL, output_write, NULL, NULL) != ARCHIVE_OK) {
		rc = nr_error_set(err, EIO, "cannot start the bundle: %s", archive_error_string(a));
		goto out;
	}
	rc = write_members(a, w, manifest, manifest_len, summary, summary_len, members, n, err);
	if (rc == 0 && archive_write_close(a) != ARCHIVE_OK)
		rc = archive_failed(a, "the end of the archive", err);
	/* fsync before rename: a bundle that survives a crash is whole. */
	if (rc == 0 && fsync(fd) < 0)
		rc = nr_error_set(err, errno, "cannot write %s: %s", w->tmp_path, strerror(errno));
	if (rc == 0 && fstat(fd, &sb) == 0)
		w->size = (unsigned long long)sb.st_size;
	if (rc == 0)
		rc = publish(w, err);
	if (rc < 0 && w->final_path[0])
		nr_error_wrap(err, "%s", w->final_path);
out:
	archive_write_free(a);
	if (fd >= 0)
		close(fd);
	if (w->tmp_live) {
		unlink(w->tmp_path);
		w->tmp_live = 0;
	}
	return rc;
}
