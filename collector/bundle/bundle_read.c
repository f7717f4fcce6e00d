/* SPDX-License-Identifier: MIT */
#include "bundle_read.h"
#include "bundle_stream.h"
#include "util/file_open.h"
#include "util/safe_text.h"
#include "util/strmap.h"

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

#define MANIFEST_NAME "manifest.json"

/* What a name in the set stands for: a member, or a directory on the way
 * to one.  Both live in one map so "a" as a file and "a/b" conflict. */
#define NAME_FILE ((void *)1)
#define NAME_DIR ((void *)2)

struct nr_bundle_reader {
	struct archive *a;           /* tar, reading from stream */
	struct nr_bundle_stream stream;
	int fd;
	bool own_fd;                 /* opened here, closed here */
	struct nr_bundle_limits lim;
	struct nr_strmap names;
	char *manifest_text;
	size_t manifest_len;
	json_object *manifest;
	uint64_t declared;          /* sum of the sizes in the headers */
	size_t count;
	char path[NR_BUNDLE_PATH_MAX + 1];
	int at_end;
};

void nr_bundle_limits_default(struct nr_bundle_limits *lim)
{
	lim->member_max = NR_BUNDLE_MEMBER_MAX;
	lim->total_max = NR_BUNDLE_TOTAL_MAX;
	lim->manifest_max = NR_BUNDLE_MANIFEST_MAX;
	lim->members_max = NR_BUNDLE_MEMBERS_MAX;
	lim->json_depth = NR_BUNDLE_JSON_DEPTH;
	lim->levels_max = NR_BUNDLE_LEVELS_MAX;
}

/* A hostile name goes into our messages: keep it short and unable to
 * drive a terminal (util/safe_text.h). */
static const char *shown(const char *s, char *out, size_t outlen)
{
	size_t cap = outlen - 2 < 120 ? outlen - 2 : 120, len = strnlen(s, cap + 1);
	bool cut = len > cap;

	if (cut)
		len = cap - nr_text_incomplete_tail(s, cap);
	memcpy(out, s, len);
	out[len] = '\0';
	nr_text_scrub(out);
	if (cut)
		strcat(out, "~");
	return out;
}

int nr_bundle_path_check(const char *path, struct nr_error *err)
{
	const char *p = path, *slash;
	size_t len = strlen(path), n;
	char buf[160];

	if (len == 0)
		return nr_error_set(err, EBADMSG, "a member has an empty name");
	if (len > NR_BUNDLE_PATH_MAX)
		return nr_error_set(err, EBADMSG, "member '%s': name longer than %d bytes",
		                    shown(path, buf, sizeof(buf)), NR_BUNDLE_PATH_MAX);
	if (path[0] == '/')
		return nr_error_set(err, EBADMSG, "member '%s': absolute path",
		                    shown(path, buf, sizeof(buf)));
	/* Names are printed: nothing a terminal obeys, UTF-8 only. */
	if (!nr_text_is_safe(path, len, 0))
		return nr_error_set(err, EBADMSG, "member '%s': control character or invalid UTF-8 "
		                    "in the name", shown(path, buf, sizeof(buf)));
	for (;;) {
		slash = strchr(p, '/');
		n = slash ? (size_t)(slash - p) : strlen(p);
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return nr_error_set(err, EBADMSG, "member '%s': '..' in the path",
			                    shown(path, buf, sizeof(buf)));
		/* "a//b", "./a" and "a/" name the same file as "a/b" and "a": a
		 * second spelling is how a duplicate would slip past the check. */
		if (n == 0 || (n == 1 && p[0] == '.'))
			return nr_error_set(err, EBADMSG, "member '%s': not a canonical path",
			                    shown(path, buf, sizeof(buf)));
		if (!slash)
			return 0;
		p = slash + 1;
	}
}

static int type_check(struct archive_entry *e, const char *path, struct nr_error *err)
{
	const char *what = NULL;
	char buf[160];

	if (archive_entry_hardlink(e))
		what = "hardlink";
	else
		switch (archive_entry_filetype(e)) {
		case AE_IFREG: break;
		case AE_IFLNK: what = "symlink"; break;
		case AE_IFCHR: case AE_IFBLK: what = "device file"; break;
		case AE_IFIFO: what = "FIFO"; break;
		case AE_IFDIR: what = "directory"; break;
		case AE_IFSOCK: what = "socket"; break;
		default: what = "special file"; break;
		}
	if (!what && archive_entry_sparse_count(e) > 0)
		what = "sparse file";
	if (!what && !archive_entry_size_is_set(e))
		what = "member without a size";
	if (what)
		return nr_error_set(err, EBADMSG, "member '%s': %s, not a regular file",
		                    shown(path, buf, sizeof(buf)), what);
	return 0;
}

/* Record path (and its directories) as seen; refuse a second spelling of a
 * name and a name that is a file in one member and a directory in another. */
static int name_check(struct nr_bundle_reader *r, const char *path, struct nr_error *err)
{
	struct nr_strmap_slot *s = nr_strmap_find(&r->names, path);
	char dir[NR_BUNDLE_PATH_MAX + 1], buf[160], buf2[160];
	const char *slash;

	if (s)
		return nr_error_set(err, EBADMSG, s->val == NAME_FILE ? "member '%s': duplicate name"
		                                                      : "member '%s': also a directory of another member",
		                    shown(path, buf, sizeof(buf)));
	for (slash = strchr(path, '/'); slash; slash = strchr(slash + 1, '/')) {
		memcpy(dir, path, (size_t)(slash - path));
		dir[slash - path] = '\0';
		s = nr_strmap_find(&r->names, dir);
		if (s && s->val == NAME_FILE)
			return nr_error_set(err, EBADMSG, "member '%s': inside '%s', which is a file member",
			                    shown(path, buf, sizeof(buf)), shown(dir, buf2, sizeof(buf2)));
		if (!s && nr_strmap_put(&r->names, dir, NAME_DIR) < 0)
			return nr_error_set(err, ENOMEM, "out of memory");
	}
	if (nr_strmap_put(&r->names, path, NAME_FILE) < 0)
		return nr_error_set(err, ENOMEM, "out of memory");
	return 0;
}

static int size_check(struct nr_bundle_reader *r, const char *path, uint64_t size,
                      struct nr_error *err)
{
	char buf[160];

	if (size > r->lim.member_max)
		return nr_error_set(err, EBADMSG,
		                    "member '%s': %llu bytes, over the cap of %llu per member "
		                    "(a decompression bomb?)",
		                    shown(path, buf, sizeof(buf)), (unsigned long long)size,
		                    (unsigned long long)r->lim.member_max);
	if (size > r->lim.total_max - r->declared)
		return nr_error_set(err, EBADMSG,
		                    "member '%s': the members total more than %llu bytes, the cap "
		                    "(a decompression bomb?)",
		                    shown(path, buf, sizeof(buf)), (unsigned long long)r->lim.total_max);
	r->declared += size;
	return 0;
}

static int archive_fault(struct nr_bundle_reader *r, const char *doing, struct nr_error *err)
{
	return nr_bundle_fault(r->a, r->count > 0, doing, err);
}

static int next_header(struct nr_bundle_reader *r, struct nr_bundle_member *m, struct nr_error *err)
{
	struct archive_entry *e;
	const char *path;
	int rc = archive_read_next_header(r->a, &e);

	if (rc == ARCHIVE_EOF) {
		r->at_end = 1;
		/* Whole only if nothing hides after the end (bundle_stream.h). */
		return nr_bundle_stream_check_end(&r->stream, archive_filter_bytes(r->a, 0), err);
	}
	if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN)
		return archive_fault(r, r->count ? "after member" : "at the start", err);
	if (r->count >= r->lim.members_max)
		return nr_error_set(err, EBADMSG, "more than %zu members", r->lim.members_max);
	path = archive_entry_pathname(e);
	if (!path)
		return nr_error_set(err, EBADMSG, "a member has no readable name");
	/* The type first: "a directory" says more than its trailing '/'. */
	if ((rc = type_check(e, path, err)) < 0 || (rc = nr_bundle_path_check(path, err)) < 0 ||
	    (rc = size_check(r, path, (uint64_t)archive_entry_size(e), err)) < 0 ||
	    (rc = name_check(r, path, err)) < 0)
		return rc;
	snprintf(r->path, sizeof(r->path), "%s", path);
	r->count++;
	m->path = r->path;
	m->size = (uint64_t)archive_entry_size(e);
	return 1;
}

ssize_t nr_bundle_read(struct nr_bundle_reader *r, void *buf, size_t len, struct nr_error *err)
{
	la_ssize_t n;

	if (r->at_end)
		return 0;
	n = archive_read_data(r->a, buf, len);
	if (n < 0)
		return archive_fault(r, r->path, err);
	return (ssize_t)n;
}

static int parse_manifest(struct nr_bundle_reader *r, struct nr_error *err)
{
	struct json_tokener *tok = json_tokener_new_ex(r->lim.json_depth);
	json_object *levels;
	enum json_tokener_error jerr;
	size_t end;
	int rc = 0;

	if (!tok)
		return nr_error_set(err, ENOMEM, "out of memory");
	/* Strict: no comments, single quotes or trailing commas; UTF-8 only. */
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	r->manifest = json_tokener_parse_ex(tok, r->manifest_text, (int)r->manifest_len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	if (jerr == json_tokener_error_depth)
		rc = nr_error_set(err, EBADMSG, "manifest.json is nested more than %d levels deep",
		                  r->lim.json_depth);
	else if (jerr == json_tokener_continue || (jerr == json_tokener_success && !r->manifest))
		rc = nr_error_set(err, EBADMSG, "manifest.json is not JSON: it ends too early");
	else if (jerr != json_tokener_success)
		rc = nr_error_set(err, EBADMSG, "manifest.json is not JSON: %s at byte %zu",
		                  json_tokener_error_desc(jerr), end);
	else if (end + strspn(r->manifest_text + end, " \t\r\n") != r->manifest_len)
		rc = nr_error_set(err, EBADMSG, "manifest.json is not JSON: data after the document "
		                  "at byte %zu", end);
	else if (!json_object_is_type(r->manifest, json_type_object))
		rc = nr_error_set(err, EBADMSG, "manifest.json is not a JSON object");
	else if (json_object_is_type(levels = json_object_object_get(r->manifest, "levels"),
	                             json_type_array) &&
	         json_object_array_length(levels) > r->lim.levels_max)
		rc = nr_error_set(err, EBADMSG, "manifest.json declares %zu levels, over the cap of %zu",
		                  json_object_array_length(levels), r->lim.levels_max);
	json_tokener_free(tok);
	return rc;
}

static int read_manifest(struct nr_bundle_reader *r, struct nr_error *err)
{
	struct nr_bundle_member m;
	char buf[160];
	size_t got = 0;
	ssize_t n;
	int rc = next_header(r, &m, err);

	if (rc == 0)
		return nr_error_set(err, EBADMSG, "empty archive: no manifest.json");
	if (rc < 0)
		return rc;
	if (strcmp(m.path, MANIFEST_NAME) != 0)
		return nr_error_set(err, EBADMSG, "the first member is '%s', not manifest.json",
		                    shown(m.path, buf, sizeof(buf)));
	if (m.size > r->lim.manifest_max)
		return nr_error_set(err, EBADMSG, "manifest.json is %llu bytes, over its cap of %llu",
		                    (unsigned long long)m.size, (unsigned long long)r->lim.manifest_max);
	r->manifest_text = malloc((size_t)m.size + 1);
	if (!r->manifest_text)
		return nr_error_set(err, ENOMEM, "out of memory");
	while ((n = nr_bundle_read(r, r->manifest_text + got, (size_t)m.size - got, err)) > 0)
		got += (size_t)n;
	if (n < 0)
		return (int)n;
	if (got != m.size)
		return nr_error_set(err, EBADMSG, "truncated archive: manifest.json is short");
	r->manifest_text[got] = '\0';
	r->manifest_len = got;
	return parse_manifest(r, err);
}

static struct nr_bundle_reader *open_reader(const char *path, int fd,
                                            const struct nr_bundle_limits *lim,
                                            nr_bundle_tee_fn tee, void *ud, struct nr_error *err)
{
	struct nr_bundle_reader *r = calloc(1, sizeof(*r));
	int rc = 0;

	if (!r) {
		nr_error_set(err, ENOMEM, "out of memory");
		return NULL;
	}
	if (lim)
		r->lim = *lim;
	else
		nr_bundle_limits_default(&r->lim);
	r->own_fd = fd < 0;
	r->fd = rc = fd >= 0 ? fd : nr_file_open_regular(path, NULL, err);
	if (rc < 0)
		goto out;
	rc = nr_bundle_stream_open(&r->stream, r->fd, tee, ud, err);
	if (rc < 0)
		goto out;
	r->a = archive_read_new();
	if (!r->a) {
		rc = nr_error_set(err, ENOMEM, "out of memory");
		goto out;
	}
	/* Tar only, over the decompressed stream (bundle_stream.h). */
	archive_read_support_format_tar(r->a);
	if (archive_read_open(r->a, &r->stream, NULL, nr_bundle_stream_read, NULL) != ARCHIVE_OK) {
		rc = archive_fault(r, "at the start", err);
		goto out;
	}
	rc = read_manifest(r, err);
out:
	if (rc < 0) {
		nr_bundle_close(r);
		return NULL;
	}
	return r;
}

struct nr_bundle_reader *nr_bundle_open(const char *path, const struct nr_bundle_limits *lim,
                                        struct nr_error *err)
{
	return open_reader(path, -1, lim, NULL, NULL, err);
}

struct nr_bundle_reader *nr_bundle_open_fd(int fd, const struct nr_bundle_limits *lim,
                                           nr_bundle_tee_fn tee, void *ud, struct nr_error *err)
{
	return open_reader(NULL, fd, lim, tee, ud, err);
}

int nr_bundle_next(struct nr_bundle_reader *r, struct nr_bundle_member *m, struct nr_error *err)
{
	if (r->at_end)
		return 0;
	return next_header(r, m, err);
}

json_object *nr_bundle_manifest(const struct nr_bundle_reader *r)
{
	return r->manifest;
}

const char *nr_bundle_manifest_text(const struct nr_bundle_reader *r, size_t *len)
{
	*len = r->manifest_len;
	return r->manifest_text;
}

size_t nr_bundle_count(const struct nr_bundle_reader *r)
{
	return r->count;
}

void nr_bundle_close(struct nr_bundle_reader *r)
{
	if (!r)
		return;
	if (r->a)
		archive_read_free(r->a);
	nr_bundle_stream_release(&r->stream);
	if (r->own_fd && r->fd >= 0)
		close(r->fd);
	nr_strmap_release(&r->names, NULL);
	json_object_put(r->manifest);
	free(r->manifest_text);
	free(r);
}
