/* SPDX-License-Identifier: MIT */
/* Redacting a collection (collection.h): member paths, members streamed
 * through the redactor into spools, summary.txt, and the manifest. */
#include "collection.h"
#include "findings/findings.h"
#include "level/level.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SPOOL_BUF 65536
#define NEW_PATH_MAX 1024

/* What the manifest promised about a member: checked as it streams. */
struct nr_redact_expect {
	char sha256[NR_SHA256_HEX];
	uint64_t size;
};

static const char *str_of(json_object *o, const char *key)
{
	json_object *v = NULL;

	return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
	               ? json_object_get_string(v)
	               : NULL;
}

static int64_t int_of(json_object *o, const char *key)
{
	json_object *v = NULL;

	return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_int)
	               ? json_object_get_int64(v)
	               : -1;
}

/* Each listed member of the manifest, with its entry: levels' artifacts,
 * then files[] (summary.txt included). */
typedef int (*entry_fn)(struct nr_redact_job *job, json_object *entry, bool artifact,
                        struct nr_error *err);

static int each_entry(struct nr_redact_job *job, entry_fn fn, struct nr_error *err)
{
	json_object *levels = json_object_object_get(job->manifest, "levels");
	json_object *files = json_object_object_get(job->manifest, "files");
	size_t i, j, k;
	int rc = 0;

	for (i = 0; rc == 0 && i < json_object_array_length(levels); i++) {
		json_object *probes = json_object_object_get(json_object_array_get_idx(levels, i), "probes");

		for (j = 0; rc == 0 && j < json_object_array_length(probes); j++) {
			json_object *arts = json_object_object_get(json_object_array_get_idx(probes, j), "artifacts");

			for (k = 0; rc == 0 && k < json_object_array_length(arts); k++)
				rc = fn(job, json_object_array_get_idx(arts, k), true, err);
		}
	}
	for (i = 0; rc == 0 && i < json_object_array_length(files); i++)
		rc = fn(job, json_object_array_get_idx(files, i), false, err);
	return rc;
}

static int count_entry(struct nr_redact_job *job, json_object *e, bool artifact, struct nr_error *err)
{
	(void)e;
	(void)artifact;
	(void)err;
	job->n++;
	return 0;
}

/* "levels/l0/libvirt/domain-myvm.xml" -> "levels/l0/libvirt/domain-host-2.xml":
 * only the artifact's name is redacted (the level and probe parts are
 * ids), then made a safe name again and unique. */
static char *new_path(struct nr_redact_job *job, const char *orig, bool artifact)
{
	const char *slash = strrchr(orig, '/');
	char *red, *out;
	size_t dir = slash ? (size_t)(slash - orig) + 1 : 0, i, len;
	int n;

	if (!artifact || strcmp(orig, "summary.txt") == 0)
		return strdup(orig);
	red = nr_redact_string(job->r, orig + dir, NULL);
	if (!red)
		return NULL;
	for (i = 0; red[i]; i++)
		if (!((red[i] >= 'a' && red[i] <= 'z') || (red[i] >= 'A' && red[i] <= 'Z') ||
		      (red[i] >= '0' && red[i] <= '9') || red[i] == '-' || red[i] == '_' ||
		      (red[i] == '.' && i > 0)))
			red[i] = '_';
	len = dir + strlen(red) + 16;
	out = len <= NEW_PATH_MAX ? malloc(len) : NULL;
	for (n = 1; out && n < 100000; n++) {
		if (n == 1)
			snprintf(out, len, "%.*s%s", (int)dir, orig, red);
		else
			snprintf(out, len, "%.*s%s.%d", (int)dir, orig, red, n);
		if (!nr_strmap_find(&job->taken, out))
			break;
	}
	free(red);
	return out;
}

static int add_entry(struct nr_redact_job *job, json_object *e, bool artifact, struct nr_error *err)
{
	struct nr_redact_member *m = &job->members[job->n];
	const char *path = str_of(e, "path"), *sha = str_of(e, "sha256");
	int64_t size = int_of(e, "size");
	struct nr_redact_expect *x;

	if (!path || !sha || strlen(sha) != NR_SHA256_HEX - 1 || size < 0)
		return nr_error_set(err, EBADMSG, "manifest.json: a member's entry has no path, size "
		                    "or sha256");
	if (nr_strmap_find(&job->paths, path))
		return nr_error_set(err, EBADMSG, "manifest.json: member %.200s is listed twice", path);
	m->spool.fd = -1;
	m->orig_path = strdup(path);
	m->spool.path = new_path(job, path, artifact);
	x = calloc(1, sizeof(*x));
	if (!m->orig_path || !m->spool.path || !x) {
		free(x);
		return nr_error_set(err, ENOMEM, "out of memory");
	}
	memcpy(x->sha256, sha, sizeof(x->sha256));
	x->size = (uint64_t)size;
	m->expect = x;
	job->n++;
	if (nr_strmap_put(&job->paths, path, m) < 0 || nr_strmap_put(&job->taken, m->spool.path, m) < 0)
		return nr_error_set(err, ENOMEM, "out of memory");
	return 0;
}

int nr_redact_job_init(struct nr_redact_job *job, struct nr_redactor *r, json_object *manifest,
                       const char *spool_dir, struct nr_error *err)
{
	size_t n;
	int rc = 0;

	memset(job, 0, sizeof(*job));
	job->r = r;
	job->spool_dir = spool_dir;
	if (json_object_deep_copy(manifest, &job->manifest, NULL) < 0)
		return nr_error_set(err, ENOMEM, "out of memory");
	each_entry(job, count_entry, err);
	n = job->n;
	job->n = 0;
	job->members = calloc(n ? n : 1, sizeof(*job->members));
	if (!job->members)
		return nr_error_set(err, ENOMEM, "out of memory");
	rc = each_entry(job, add_entry, err);
	if (rc == 0 && !nr_strmap_find(&job->paths, "summary.txt"))
		rc = nr_error_set(err, EBADMSG, "manifest.json lists no summary.txt");
	return rc;
}

/* ---- members ------------------------------------------------------------------ */

struct spooler {
	int fd;
	struct nr_sha256 sha;
	uint64_t size;
	size_t used;
	char buf[SPOOL_BUF];
};

static int spool_flush(struct spooler *s)
{
	const char *p = s->buf;

	while (s->used > 0) {
		ssize_t w = write(s->fd, p, s->used);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		s->used -= (size_t)w;
	}
	return 0;
}

static int spool_out(void *ud, const void *data, size_t len)
{
	struct spooler *s = ud;
	const char *p = data;
	int rc;

	nr_sha256_update(&s->sha, p, len);
	s->size += len;
	while (len > 0) {
		size_t take = SPOOL_BUF - s->used < len ? SPOOL_BUF - s->used : len;

		memcpy(s->buf + s->used, p, take);
		s->used += take;
		p += take;
		len -= take;
		if (s->used == SPOOL_BUF && (rc = spool_flush(s)) < 0)
			return rc;
	}
	return 0;
}

static void hex_of(struct nr_sha256 *sha, char out[NR_SHA256_HEX])
{
	unsigned char d[NR_SHA256_LEN];

	nr_sha256_final(sha, d);
	nr_sha256_hex(d, out);
}

int nr_redact_job_member(struct nr_redact_job *job, const char *path, nr_redact_read_fn read,
                         void *ud, struct nr_error *err)
{
	struct nr_strmap_slot *slot = nr_strmap_find(&job->paths, path);
	struct nr_redact_member *m = slot ? slot->val : NULL;
	struct nr_redact_stream *st = NULL;
	struct spooler *sp = NULL;
	struct nr_sha256 orig;
	char buf[SPOOL_BUF], hex[NR_SHA256_HEX];
	uint64_t got = 0;
	ssize_t n;
	int rc = 0;

	if (!m || m->done || strcmp(path, "summary.txt") == 0)
		return nr_error_set(err, EBADMSG, "member %.200s is not listed in manifest.json", path);
	sp = malloc(sizeof(*sp));
	if (!sp || !(st = nr_redact_stream_new(job->r, spool_out, sp))) {
		rc = nr_error_set(err, ENOMEM, "out of memory");
		goto out;
	}
	memset(sp, 0, offsetof(struct spooler, buf));
	nr_sha256_init(&sp->sha);
	nr_sha256_init(&orig);
	sp->fd = m->spool.fd = nr_spool_open(job->spool_dir, err);
	if (sp->fd < 0) {
		rc = sp->fd;
		goto out;
	}
	while ((n = read(ud, buf, sizeof(buf), err)) > 0) {
		if (!job->trusted)
			nr_sha256_update(&orig, buf, (size_t)n);
		got += (uint64_t)n;
		if ((rc = nr_redact_stream_write(st, buf, (size_t)n)) < 0)
			break;
	}
	if (n < 0) {
		rc = (int)n;
		goto out;
	}
	if (rc == 0)
		rc = nr_redact_stream_finish(st);
	if (rc == 0)
		rc = spool_flush(sp);
	if (rc < 0) {
		rc = nr_error_set(err, -rc, "cannot spool %.200s in %s: %s", path, job->spool_dir,
		                  strerror(-rc));
		goto out;
	}
	hex_of(&orig, hex);
	if (got != m->expect->size || (!job->trusted && strcmp(hex, m->expect->sha256) != 0)) {
		rc = nr_error_set(err, EBADMSG, "member %.200s does not match manifest.json (%s); "
		                  "refusing to redact a bundle that does not verify", path,
		                  got != m->expect->size ? "size" : "sha256");
		goto out;
	}
	m->spool.size = sp->size;
	hex_of(&sp->sha, m->sha256);
	m->done = true;
out:
	nr_redact_stream_free(st);
	free(sp);
	return rc;
}

int nr_redact_job_summary(struct nr_redact_job *job, const char *text, size_t len,
                          struct nr_error *err)
{
	struct nr_strmap_slot *slot = nr_strmap_find(&job->paths, "summary.txt");
	struct nr_redact_member *m = slot ? slot->val : NULL;
	struct nr_sha256 sha;
	char hex[NR_SHA256_HEX], *copy;

	nr_sha256_init(&sha);
	nr_sha256_update(&sha, text, len);
	hex_of(&sha, hex);
	if (!m || len != m->expect->size || strcmp(hex, m->expect->sha256) != 0 || memchr(text, '\0', len))
		return nr_error_set(err, EBADMSG, "summary.txt does not match manifest.json");
	copy = strndup(text, len);
	free(job->summary);
	job->summary = copy ? nr_redact_string(job->r, copy, NULL) : NULL;
	free(copy);
	if (!job->summary)
		return nr_error_set(err, ENOMEM, "out of memory");
	job->summary_len = strlen(job->summary);
	nr_sha256_init(&sha);
	nr_sha256_update(&sha, job->summary, job->summary_len);
	hex_of(&sha, m->sha256);
	m->spool.size = job->summary_len;
	m->done = true;
	return 0;
}

/* ---- the manifest ------------------------------------------------------------ */

static int update_entry(struct nr_redact_job *job, json_object *e, bool artifact,
                        struct nr_error *err)
{
	struct nr_strmap_slot *slot = nr_strmap_find(&job->taken, str_of(e, "path") ? str_of(e, "path") : "");
	struct nr_redact_member *m = slot ? slot->val : NULL;

	(void)artifact;
	if (!m)
		return nr_error_set(err, EBADMSG, "manifest.json: a member path changed under redaction");
	json_object_object_add(e, "size", json_object_new_int64((int64_t)m->spool.size));
	json_object_object_add(e, "sha256", json_object_new_string(m->sha256));
	return 0;
}

static json_object *record(const struct nr_redactor *r)
{
	json_object *o = json_object_new_object(), *ids = json_object_new_object();
	int k;

	for (k = 0; k < NR_ID_KINDS; k++)
		json_object_object_add(ids, nr_ident_kind_name((enum nr_ident_kind)k),
		                       json_object_new_int64((int64_t)nr_redact_ident_count(r, (enum nr_ident_kind)k)));
	json_object_object_add(o, "applied", json_object_new_boolean(1));
	json_object_object_add(o, "version", json_object_new_int(NR_REDACT_VERSION));
	json_object_object_add(o, "identities", ids);
	json_object_object_add(o, "replacements", json_object_new_int64((int64_t)nr_redact_replacements(r)));
	json_object_object_add(o, "overflowed", json_object_new_int64((int64_t)nr_redact_overflowed(r)));
	return o;
}

int nr_redact_job_finish(struct nr_redact_job *job, json_object **out, struct nr_error *err)
{
	json_object *findings;
	size_t i;
	int rc;

	*out = NULL;
	for (i = 0; i < job->n; i++)
		if (!job->members[i].done)
			return nr_error_set(err, EBADMSG, "member %.200s is listed in manifest.json but "
			                    "missing from the bundle", job->members[i].orig_path);
	rc = nr_redact_manifest_walk(job->r, job->manifest, &job->paths);
	if (rc < 0)
		return nr_error_set(err, -rc, "out of memory");
	rc = each_entry(job, update_entry, err);
	if (rc < 0)
		return rc;
	/* The rules judge the redacted facts: what `show` will see. */
	findings = nr_findings_evaluate(json_object_object_get(job->manifest, "levels"));
	if (!findings)
		return nr_error_set(err, ENOMEM, "out of memory");
	json_object_object_add(job->manifest, "findings", findings);
	json_object_object_add(job->manifest, "redaction", record(job->r));
	*out = json_object_get(job->manifest);
	return 0;
}

size_t nr_redact_job_spools(const struct nr_redact_job *job, struct nr_bundle_spool *out)
{
	size_t i, n = 0;

	for (i = 0; i < job->n; i++)
		if (strcmp(job->members[i].orig_path, "summary.txt") != 0)
			out[n++] = job->members[i].spool;
	return n;
}

void nr_redact_job_release(struct nr_redact_job *job)
{
	size_t i;

	for (i = 0; i < job->n; i++) {
		if (job->members[i].spool.fd >= 0)
			close(job->members[i].spool.fd);
		free(job->members[i].spool.path);
		free(job->members[i].orig_path);
		free(job->members[i].expect);
	}
	free(job->members);
	nr_strmap_release(&job->paths, NULL);
	nr_strmap_release(&job->taken, NULL);
	json_object_put(job->manifest);
	free(job->summary);
	memset(job, 0, sizeof(*job));
}
