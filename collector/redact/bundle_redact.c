/* SPDX-License-Identifier: MIT */
/* `nest-report redact BUNDLE`: an existing bundle, redacted into a new one.
 *
 * The bundle is read twice through the safe reader (bundle_read.h): first
 * to learn what its manifest and its identity artifacts name, then to
 * redact every member as it streams.  Nothing of the input is trusted:
 * the reader's checks apply to both passes, the manifest must be the same
 * both times, and every member must match the size and sha256 the manifest
 * lists (collection.c), so a tampered bundle is refused rather than turned
 * into one that verifies. */
#include "bundle_redact.h"
#include "collection.h"
#include "learn.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LEARN_READ_MAX (4u << 20)
#define SUMMARY_MAX (16u << 20)

/* Read the current member whole, up to cap (NULL when larger). */
static char *slurp(struct nr_bundle_reader *rd, uint64_t size, size_t cap, size_t *len,
                   struct nr_error *err)
{
	char *buf;
	size_t got = 0;
	ssize_t n;

	*len = 0;
	if (size > cap) {
		nr_error_set(err, EFBIG, "member larger than %zu MiB", cap >> 20);
		return NULL;
	}
	buf = malloc((size_t)size + 1);
	if (!buf) {
		nr_error_set(err, ENOMEM, "out of memory");
		return NULL;
	}
	while ((n = nr_bundle_read(rd, buf + got, (size_t)size + 1 - got, err)) > 0 && got < size + 1)
		got += (size_t)n;
	if (n < 0 || got != size) {
		if (n >= 0)
			nr_error_set(err, EBADMSG, "member size differs from its header");
		free(buf);
		return NULL;
	}
	buf[got] = '\0';
	*len = got;
	return buf;
}

/* The first want bytes of the current member (what learning reads of a
 * large log: libvirt names the host on its first line). */
static char *head(struct nr_bundle_reader *rd, size_t want, size_t *len, struct nr_error *err)
{
	char *buf = malloc(want + 1);
	ssize_t n = 1;

	*len = 0;
	if (!buf) {
		nr_error_set(err, ENOMEM, "out of memory");
		return NULL;
	}
	while (*len < want && (n = nr_bundle_read(rd, buf + *len, want - *len, err)) > 0)
		*len += (size_t)n;
	if (n < 0) {
		free(buf);
		return NULL;
	}
	buf[*len] = '\0';
	return buf;
}

static int learn_pass(struct nr_redactor *r, const char *in, const struct nr_bundle_limits *lim,
                      json_object *manifest, const struct nr_bundle_reader *first,
                      struct nr_error *err)
{
	struct nr_bundle_reader *rd = nr_bundle_open(in, lim, err);
	struct nr_bundle_member m;
	size_t l1, l2;
	const char *t1, *t2;
	int rc;

	if (!rd)
		return -(err->code ? err->code : EIO);
	t1 = nr_bundle_manifest_text(first, &l1);
	t2 = nr_bundle_manifest_text(rd, &l2);
	if (l1 != l2 || memcmp(t1, t2, l1) != 0)
		rc = nr_error_set(err, EBADMSG, "the bundle changed while it was being read");
	else if ((rc = nr_redact_learn_manifest(r, manifest)) < 0)
		rc = nr_error_set(err, -rc, "out of memory");
	while (rc == 0 && (rc = nr_bundle_next(rd, &m, err)) > 0) {
		int src = nr_redact_member_source(m.path);
		size_t len;
		char *buf;

		rc = nr_redact_learn_member_path(r, m.path);
		if (rc < 0) {
			rc = nr_error_set(err, -rc, "out of memory");
			break;
		}
		if (src < 0)
			continue;
		buf = head(rd, m.size < LEARN_READ_MAX ? (size_t)m.size : LEARN_READ_MAX, &len, err);
		if (!buf) {
			rc = -(err->code ? err->code : EIO);
			break;
		}
		rc = nr_redact_learn_text(r, (enum nr_learn_src)src, buf, len);
		free(buf);
		if (rc < 0)
			rc = nr_error_set(err, -rc, "out of memory");
	}
	nr_bundle_close(rd);
	return rc < 0 ? rc : 0;
}

static ssize_t read_member(void *ud, void *buf, size_t len, struct nr_error *err)
{
	return nr_bundle_read(ud, buf, len, err);
}

static int redact_pass(struct nr_redact_job *job, struct nr_bundle_reader *rd, struct nr_error *err)
{
	struct nr_bundle_member m;
	int rc;

	while ((rc = nr_bundle_next(rd, &m, err)) > 0) {
		if (strcmp(m.path, "summary.txt") == 0) {
			size_t len;
			char *text = slurp(rd, m.size, SUMMARY_MAX, &len, err);

			rc = text ? nr_redact_job_summary(job, text, len, err) : -(err->code ? err->code : EIO);
			free(text);
		} else {
			rc = nr_redact_job_member(job, m.path, read_member, rd, err);
		}
		if (rc < 0) {
			nr_error_wrap(err, "%s", m.path);
			return rc;
		}
	}
	return rc;
}

int nr_redact_bundle(const struct nr_redact_bundle_args *a, struct nr_error *err)
{
	struct nr_bundle_reader *rd = NULL;
	struct nr_redact_job job = { 0 };
	struct nr_bundle_spool *spools = NULL;
	json_object *manifest = NULL, *out = NULL;
	const char *text = NULL;
	size_t mlen = 0, n;
	char *map = NULL;
	int rc;

	rd = nr_bundle_open(a->input, a->limits, err);
	if (!rd)
		return -(err->code ? err->code : EIO);
	if (json_object_object_get(nr_bundle_manifest(rd), "redaction")) {
		rc = nr_error_set(err, EEXIST, "already redacted; redact the original bundle (with "
		                  "--redact-map to keep the same placeholders)");
		goto out;
	}
	/* Who signs the new bundle is said before the walk, so that it is
	 * redacted like everything else. */
	if (json_object_deep_copy(nr_bundle_manifest(rd), &manifest, NULL) < 0) {
		rc = nr_error_set(err, ENOMEM, "out of memory");
		goto out;
	}
	json_object_object_add(manifest, "signer", a->signer ? json_object_get(a->signer) : NULL);
	rc = learn_pass(a->redactor, a->input, a->limits, manifest, rd, err);
	if (rc == 0)
		rc = nr_redact_job_init(&job, a->redactor, manifest, a->spool_dir, err);
	if (rc == 0)
		rc = redact_pass(&job, rd, err);
	if (rc == 0)
		rc = nr_redact_job_finish(&job, &out, err);
	if (rc < 0)
		goto out;
	text = json_object_to_json_string_length(out, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
	                                                      JSON_C_TO_STRING_NOSLASHESCAPE,
	                                         &mlen);
	spools = calloc(job.n ? job.n : 1, sizeof(*spools));
	if (!text || !spools) {
		rc = nr_error_set(err, ENOMEM, "out of memory");
		goto out;
	}
	n = nr_redact_job_spools(&job, spools);
	rc = nr_bundle_write_spools(a->writer, text, mlen, job.summary ? job.summary : "",
	                            job.summary_len, spools, n, err);
	if (rc < 0)
		goto out;
	map = nr_redact_map_path(a->writer->final_path);
	rc = map ? nr_redact_map_write(a->redactor, map, a->writer->final_path, err)
	         : nr_error_set(err, ENAMETOOLONG, "bundle path too long for its redaction map");
	if (rc < 0)
		nr_error_wrap(err, "the redacted bundle %s was written, but not its map",
		              a->writer->final_path);
	else
		snprintf(a->map_path, a->map_path_len, "%s", map);
out:
	free(map);
	free(spools);
	json_object_put(out);
	json_object_put(manifest);
	nr_redact_job_release(&job);
	nr_bundle_close(rd);
	return rc;
}
