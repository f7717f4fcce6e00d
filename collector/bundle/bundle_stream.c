/* SPDX-License-Identifier: MIT */
/* The decompressed stream under the tar reader, and what follows the tar
 * end: see bundle_stream.h. */
#include "bundle_stream.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define READ_BLOCK 65536

/* Account for a block handed on (or read past the tar end): where its last
 * non-zero byte lies in the stream. */
static void note_block(struct nr_bundle_stream *s, const unsigned char *p, size_t n)
{
	size_t i = n;

	while (i > 0 && p[i - 1] == 0)
		i--;
	if (i > 0)
		s->last_nonzero = s->handed + (int64_t)i - 1;
	s->handed += (int64_t)n;
}

/* The next decompressed block: its size, 0 at the end of the stream, -1 on
 * an error (described by s->raw). */
static la_ssize_t next_block(struct nr_bundle_stream *s, const void **buf)
{
	la_int64_t off;
	size_t size;
	int rc;

	while (!s->at_eof) {
		rc = archive_read_data_block(s->raw, buf, &size, &off);
		if (rc == ARCHIVE_EOF)
			s->at_eof = 1;
		else if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN)
			return -1;
		else if (size > 0)
			return (la_ssize_t)size;
	}
	return 0;
}

la_ssize_t nr_bundle_stream_read(struct archive *tar, void *ud, const void **buf)
{
	struct nr_bundle_stream *s = ud;
	la_ssize_t n = next_block(s, buf);
	const char *why;

	if (n < 0) {
		/* The tar reader reports it; keep the decompressor's words. */
		why = archive_error_string(s->raw);
		archive_set_error(tar, archive_errno(s->raw), "%s", why ? why : "read error");
		return -1;
	}
	if (n > 0)
		note_block(s, *buf, (size_t)n);
	return n;
}

int nr_bundle_fault(struct archive *a, bool started, const char *doing, struct nr_error *err)
{
	const char *why = archive_error_string(a);
	int code = archive_errno(a);

	if (!why)
		why = "unknown error";
	if (strstr(why, "runcated") || strstr(why, "remature end") || strstr(why, "nexpected end"))
		return nr_error_set(err, EBADMSG, "truncated archive (%s): %s", doing, why);
	/* An I/O error on the file is the environment, not the bundle. */
	if (code == EIO || code == ENOMEM)
		return nr_error_set(err, code, "cannot read the bundle (%s): %s", doing, why);
	/* The decompressor reads ahead, so garbage after the last frame can
	 * fail it before the tar end is reached: say both. */
	if (strstr(why, "ecompression failed") || strstr(why, "Lzma library error"))
		return nr_error_set(err, EBADMSG, "corrupt compressed data, or data after its end "
		                    "(%s): %s", doing, why);
	if (!started)
		return nr_error_set(err, EBADMSG, "not a bundle: %s", why);
	return nr_error_set(err, EBADMSG, "corrupt archive (%s): %s", doing, why);
}

/* The decompressor's input: the file, read by us so that the tee sees
 * every byte, in order (libarchive never seeks without a seek callback). */
static la_ssize_t raw_read(struct archive *raw, void *ud, const void **buf)
{
	struct nr_bundle_stream *s = ud;
	ssize_t n;

	do
		n = read(s->fd, s->buf, READ_BLOCK);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		archive_set_error(raw, errno, "%s", strerror(errno));
		return -1;
	}
	if (n > 0 && s->tee)
		s->tee(s->tee_ud, s->buf, (size_t)n);
	*buf = s->buf;
	return n;
}

int nr_bundle_stream_open(struct nr_bundle_stream *s, int fd, nr_bundle_tee_fn tee, void *ud,
                          struct nr_error *err)
{
	struct archive_entry *e;
	int rc;

	memset(s, 0, sizeof(*s));
	s->fd = fd;
	s->tee = tee;
	s->tee_ud = ud;
	s->last_nonzero = -1;
	s->buf = malloc(READ_BLOCK);
	s->raw = s->buf ? archive_read_new() : NULL;
	if (!s->raw)
		return nr_error_set(err, ENOMEM, "out of memory");
	/* Only what a bundle can be: fewer parsers, less attack surface. */
	archive_read_support_filter_zstd(s->raw);
	archive_read_support_filter_gzip(s->raw);
	archive_read_support_filter_xz(s->raw);
	archive_read_support_format_raw(s->raw);
	if (archive_read_open(s->raw, s, NULL, raw_read, NULL) != ARCHIVE_OK)
		return nr_bundle_fault(s->raw, false, "at the start", err);
	rc = archive_read_next_header(s->raw, &e);
	if (rc == ARCHIVE_EOF)
		s->at_eof = 1;
	else if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN)
		return nr_bundle_fault(s->raw, false, "at the start", err);
	return 0;
}

int nr_bundle_stream_check_end(struct nr_bundle_stream *s, int64_t consumed,
                               struct nr_error *err)
{
	int64_t tail = s->handed - consumed, raw_used;
	const void *buf;
	la_ssize_t n = 0;
	struct stat sb;

	while (s->last_nonzero < consumed && tail <= NR_BUNDLE_TAIL_MAX &&
	       (n = next_block(s, &buf)) > 0) {
		note_block(s, buf, (size_t)n);
		tail += n;
	}
	if (s->last_nonzero >= consumed)
		return nr_error_set(err, EBADMSG, "data after the end of the archive (which ends at "
		                    "byte %lld of the tar stream): a second archive or garbage, refused",
		                    (long long)consumed);
	if (tail > NR_BUNDLE_TAIL_MAX)
		return nr_error_set(err, EBADMSG, "more than %d bytes of padding after the end of "
		                    "the archive: refused", NR_BUNDLE_TAIL_MAX);
	if (n < 0 && archive_errno(s->raw) == EIO)
		return nr_error_set(err, EIO, "cannot read the bundle: %s",
		                    archive_error_string(s->raw));
	if (n < 0)
		return nr_error_set(err, EBADMSG, "data after the end of the archive that does not "
		                    "decompress (%s): refused", archive_error_string(s->raw));
	/* The decompressor stops at the end of its last frame or member; a
	 * gzip reader quietly ignores what follows, so compare with the file. */
	raw_used = archive_filter_bytes(s->raw, -1);
	if (fstat(s->fd, &sb) == 0 && raw_used < (int64_t)sb.st_size)
		return nr_error_set(err, EBADMSG, "%lld bytes after the end of the compressed "
		                    "stream: refused", (long long)(sb.st_size - raw_used));
	return 0;
}

void nr_bundle_stream_release(struct nr_bundle_stream *s)
{
	if (s->raw)
		archive_read_free(s->raw);
	s->raw = NULL;
	free(s->buf);
	s->buf = NULL;
}
