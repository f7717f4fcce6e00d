/* SPDX-License-Identifier: MIT */
/* Artifact spooling: every byte a probe captures passes scrub -> cap ->
 * sha256 -> an unlinked temporary file.  Scrubbing comes first, so nothing
 * unscrubbed ever touches the disk; the file is unlinked at creation, so an
 * interrupted run leaves nothing behind. */
#include "level.h"
#include "scrub/scrub.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SPOOL_BUF 65536

struct nr_artifact_sink {
	struct nr_sink base;
	struct nr_artifact *art;
	struct nr_scrub *scrub;
	struct nr_sha256 sha;
	uint64_t cap;
	bool full;
	/* The scrubber emits a record at a time; batch them into few writes. */
	size_t buffered;
	char buf[SPOOL_BUF];
};

int nr_spool_open(const char *dir, struct nr_error *err)
{
	char tmpl[4096];
	int fd;

	/* O_TMPFILE where the filesystem has it: the file never has a name. */
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
	if (snprintf(tmpl, sizeof(tmpl), "%s/.nest-report-spool-XXXXXX", dir) >= (int)sizeof(tmpl))
		return nr_error_set(err, ENAMETOOLONG, "spool directory name too long");
	fd = mkostemp(tmpl, O_CLOEXEC);
	if (fd < 0)
		return nr_error_set(err, errno, "cannot create a spool file in %s: %s", dir,
		                    strerror(errno));
	unlink(tmpl);
	return fd;
}

static int spool_flush(struct nr_artifact_sink *s)
{
	const char *p = s->buf;
	size_t len = s->buffered;

	while (len > 0) {
		ssize_t w = write(s->art->fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		len -= (size_t)w;
	}
	s->buffered = 0;
	return 0;
}

/* Scrubbed bytes arrive here.  Beyond the cap they are dropped and the sink
 * reports full, so the transport stops the producer. */
static int spool_out(void *ud, const void *data, size_t len)
{
	struct nr_artifact_sink *s = ud;
	const char *p = data;
	int rc;

	if (s->art->size + len > s->cap) {
		len = (size_t)(s->cap - s->art->size);
		s->full = true;
	}
	nr_sha256_update(&s->sha, p, len);
	s->art->size += len;
	while (len > 0) {
		size_t take = SPOOL_BUF - s->buffered < len ? SPOOL_BUF - s->buffered : len;

		memcpy(s->buf + s->buffered, p, take);
		s->buffered += take;
		p += take;
		len -= take;
		if (s->buffered == SPOOL_BUF && (rc = spool_flush(s)) < 0) {
			s->art->spool_errno = -rc;
			return rc;
		}
	}
	return 0;
}

static int sink_write(struct nr_sink *base, const void *data, size_t len)
{
	struct nr_artifact_sink *s = (struct nr_artifact_sink *)base;
	int rc;

	if (s->full)
		return NR_SINK_FULL;
	rc = nr_scrub_write(s->scrub, data, len);
	if (rc < 0)
		return rc;
	return s->full ? NR_SINK_FULL : 0;
}

int nr_artifact_begin(struct nr_artifact *a, const char *spool_dir, uint64_t cap,
                      struct nr_artifact_sink **sink, struct nr_error *err)
{
	struct nr_artifact_sink *s = calloc(1, sizeof(*s));
	int rc = 0;

	*sink = NULL;
	if (!s)
		return nr_error_set(err, ENOMEM, "out of memory");
	a->fd = nr_spool_open(spool_dir, err);
	if (a->fd < 0) {
		rc = a->fd;
		goto out;
	}
	s->scrub = nr_scrub_new(spool_out, s);
	if (!s->scrub) {
		rc = nr_error_set(err, ENOMEM, "out of memory");
		goto out;
	}
	s->base.write = sink_write;
	s->base.limit = cap;
	s->art = a;
	s->cap = cap;
	a->size = 0;
	if (nr_sha256_init(&s->sha) < 0)
		rc = nr_error_set(err, ENOMEM, "cannot start a sha256 hash");
out:
	if (rc < 0) {
		nr_scrub_free(s->scrub);
		if (a->fd >= 0)
			close(a->fd);
		a->fd = -1;
		free(s);
		s = NULL;
	}
	*sink = s;
	return rc;
}

struct nr_sink *nr_artifact_sink_base(struct nr_artifact_sink *s)
{
	return &s->base;
}

int nr_artifact_end(struct nr_artifact *a, struct nr_artifact_sink *s, struct nr_error *err)
{
	unsigned char digest[NR_SHA256_LEN];
	int rc, hrc;

	rc = nr_scrub_finish(s->scrub);
	if (rc == 0 && (rc = spool_flush(s)) < 0)
		a->spool_errno = -rc;
	a->scrubbed = nr_scrub_count(s->scrub);
	a->truncated = a->truncated || s->full;
	hrc = nr_sha256_final(&s->sha, digest);
	nr_sha256_hex(digest, a->sha256);
	nr_scrub_free(s->scrub);
	if (rc < 0)
		nr_error_set(err, -rc, "cannot spool %s: %s", a->name, strerror(-rc));
	else if (hrc < 0)
		rc = nr_error_set(err, -hrc, "cannot hash %s: libcrypto failed", a->name);
	free(s);
	return rc;
}

void nr_artifact_release(struct nr_artifact *a)
{
	if (!a)
		return;
	if (a->fd >= 0)
		close(a->fd);
	a->fd = -1;
	free(a->name);
	free(a->path);
	free(a->source);
	free(a->stderr_text);
	free(a->cached);
	json_object_put(a->command);
	memset(a, 0, sizeof(*a));
	a->fd = -1;
}

char *nr_artifact_read(const struct nr_artifact *a, size_t cap, size_t *len)
{
	size_t want = a->size < cap ? (size_t)a->size : cap;
	size_t got = 0;
	char *buf;

	*len = 0;
	if (a->fd < 0)
		return NULL;
	buf = malloc(want + 1);
	if (!buf)
		return NULL;
	while (got < want) {
		ssize_t n = pread(a->fd, buf + got, want - got, (off_t)got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	*len = got;
	return buf;
}
