/* SPDX-License-Identifier: MIT */
/* Writing a capture tree: see record_tree.h. */
#include "record_tree.h"
#include "transport/replay.h"
#include "scrub/scrub.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define REC_HEAD 256

struct nr_rec_file {
	struct nr_rec_tree *r;
	enum nr_rec_kind kind;
	int fd;
	char tmp[32];                  /* staged under DIR/.nest-report */
	char *rel;                     /* where it goes in the tree */
	char *path;                    /* as the probe asked, for keep() */
	struct nr_scrub *scrub;
	uint64_t written, cap;
	bool failed;
	char head[REC_HEAD];
	size_t head_len;
};

static void rec_error(struct nr_rec_tree *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void rec_error(struct nr_rec_tree *r, const char *fmt, ...)
{
	va_list ap;

	if (atomic_fetch_add(&r->errors, 1) > 0)
		return;
	pthread_mutex_lock(&r->lock);
	va_start(ap, fmt);
	vsnprintf(r->first_error, sizeof(r->first_error), fmt, ap);
	va_end(ap);
	pthread_mutex_unlock(&r->lock);
}

/* The directory of rel inside the tree, created as needed, and its leaf.
 * -EINVAL for a path that is empty or has a "." or ".." component: such a
 * path is not recorded (the probes never ask for one). */
static int rec_parent(struct nr_rec_tree *r, const char *rel, int *pfd, char *leaf,
                      size_t leaflen)
{
	const char *p = rel, *next;
	int fd, nfd, rc = 0;

	*pfd = -1;
	fd = openat(r->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		size_t n;

		p += strspn(p, "/");
		n = strcspn(p, "/");
		next = p + n + strspn(p + n, "/");
		if (n == 0 || n >= leaflen || (n == 1 && p[0] == '.') ||
		    (n == 2 && strncmp(p, "..", 2) == 0)) {
			rc = -EINVAL;
			break;
		}
		snprintf(leaf, leaflen, "%.*s", (int)n, p);
		if (!*next)
			break;
		if (mkdirat(fd, leaf, 0755) < 0 && errno != EEXIST) {
			rc = -errno;
			break;
		}
		nfd = openat(fd, leaf, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (nfd < 0) {
			rc = -errno;
			break;
		}
		close(fd);
		fd = nfd;
		p = next;
	}
	if (rc < 0)
		close(fd);
	else
		*pfd = fd;
	return rc;
}

static int rec_out(void *ud, const void *data, size_t len)
{
	struct nr_rec_file *f = ud;
	const char *p = data;

	if (f->written + len > f->cap)
		len = (size_t)(f->cap - f->written);
	while (len > 0) {
		ssize_t w = write(f->fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		len -= (size_t)w;
		f->written += (uint64_t)w;
	}
	return 0;
}

static void rec_free(struct nr_rec_file *f)
{
	if (!f)
		return;
	if (f->fd >= 0)
		close(f->fd);
	nr_scrub_free(f->scrub);
	free(f->rel);
	free(f->path);
	free(f);
}

/* rel has only plain components (no "", ".", ".."), each of a legal length. */
static bool rec_rel_ok(const char *rel)
{
	const char *p = rel;
	size_t n;

	do {
		p += strspn(p, "/");
		n = strcspn(p, "/");
		if (n == 0 || n > NAME_MAX || (n == 1 && p[0] == '.') ||
		    (n == 2 && strncmp(p, "..", 2) == 0))
			return false;
		p += n;
	} while (p[strspn(p, "/")]);
	return true;
}

/* Start a recording of rel (inside the tree); NULL when it cannot be made
 * (counted as an error unless rel is simply not recordable).  It is staged
 * until nr_rec_end, so a recording thrown away leaves no directory behind. */
struct nr_rec_file *nr_rec_begin(struct nr_rec_tree *r, enum nr_rec_kind kind, const char *rel,
                                  const char *path, uint64_t cap)
{
	struct nr_rec_file *f = calloc(1, sizeof(*f));
	int rc = f ? 0 : -ENOMEM;

	if (f) {
		f->r = r;
		f->kind = kind;
		f->fd = -1;
		f->cap = cap;
		f->path = strdup(path);
		f->rel = strdup(rel);
		f->scrub = nr_scrub_new(rec_out, f);
		rc = !f->path || !f->rel || !f->scrub ? -ENOMEM : rec_rel_ok(rel) ? 0 : -EINVAL;
	}
	if (rc == 0) {
		snprintf(f->tmp, sizeof(f->tmp), ".rec-%u.tmp", atomic_fetch_add(&r->seq, 1));
		f->fd = openat(r->stagefd, f->tmp,
		               O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
		rc = f->fd < 0 ? -errno : 0;
	}
	if (rc < 0) {
		if (rc != -EINVAL)
			rec_error(r, "cannot record %s: %s", path, strerror(-rc));
		rec_free(f);
		return NULL;
	}
	return f;
}

void nr_rec_write(struct nr_rec_file *f, const void *data, size_t len)
{
	size_t take;

	if (!f || f->failed || f->written >= f->cap)
		return;
	take = REC_HEAD - f->head_len < len ? REC_HEAD - f->head_len : len;
	memcpy(f->head + f->head_len, data, take);
	f->head_len += take;
	if (nr_scrub_write(f->scrub, data, len) < 0)
		f->failed = true;
}

/* Finish: rename into place when commit, else (or when the policy says
 * no) throw away.  A partial recording never replaces an existing one. */
void nr_rec_end(struct nr_rec_file *f, bool commit, bool partial)
{
	char leaf[NAME_MAX + 1];
	struct nr_rec_tree *r;
	struct stat st;
	int pfd = -1, rc = 0;

	if (!f)
		return;
	r = f->r;
	if (nr_scrub_finish(f->scrub) < 0)
		f->failed = true;
	if (commit && r->keep && f->kind == NR_REC_FILE && !r->keep(f->path, f->head, f->head_len)) {
		atomic_fetch_add(&r->withheld, 1);
		commit = false;
	}
	if (commit && f->failed)
		rc = -EIO;
	if (commit && rc == 0)
		rc = rec_parent(r, f->rel, &pfd, leaf, sizeof(leaf));
	if (commit && rc == 0 && partial && fstatat(pfd, leaf, &st, AT_SYMLINK_NOFOLLOW) == 0)
		commit = false;
	if (commit && rc == 0 && renameat(r->stagefd, f->tmp, pfd, leaf) < 0)
		rc = -errno;
	if (commit && rc == 0) {
		atomic_fetch_add(f->kind == NR_REC_FILE ? &r->files :
		                 f->kind == NR_REC_COMMAND ? &r->commands : &r->metadata, 1);
		atomic_fetch_add(&r->bytes, f->written);
		atomic_fetch_add(&r->scrubbed, nr_scrub_count(f->scrub));
	} else {
		if (commit)
			rec_error(r, "cannot record %s: %s", f->path, strerror(-rc));
		unlinkat(r->stagefd, f->tmp, 0);
	}
	if (pfd >= 0)
		close(pfd);
	rec_free(f);
}

/* A small metadata recording written in one go. */
void nr_rec_text(struct nr_rec_tree *r, const char *rel, const char *what, const char *text)
{
	struct nr_rec_file *f = nr_rec_begin(r, NR_REC_META, rel, what, NR_REPLAY_SMALL_MAX);

	nr_rec_write(f, text, strlen(text));
	nr_rec_end(f, true, false);
}

bool nr_rec_empty(const struct nr_rec_file *f)
{
	return !f || f->head_len == 0;
}

int nr_rec_tree_open(struct nr_rec_tree *r, const char *dir, nr_record_keep_fn keep,
                     struct nr_error *err)
{
	memset(r, 0, sizeof(*r));
	r->keep = keep;
	r->stagefd = -1;
	pthread_mutex_init(&r->lock, NULL);
	r->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (r->dirfd >= 0 && (mkdirat(r->dirfd, NR_REPLAY_META_DIR, 0755) == 0 || errno == EEXIST))
		r->stagefd = openat(r->dirfd, NR_REPLAY_META_DIR,
		                    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (r->stagefd < 0) {
		nr_error_set(err, errno, "cannot record into %s: %s", dir, strerror(errno));
		nr_rec_tree_close(r);
		return -err->code;
	}
	return 0;
}

void nr_rec_tree_close(struct nr_rec_tree *r)
{
	if (r->stagefd >= 0)
		close(r->stagefd);
	if (r->dirfd >= 0)
		close(r->dirfd);
	r->stagefd = r->dirfd = -1;
	pthread_mutex_destroy(&r->lock);
}

void nr_rec_tree_stats(struct nr_rec_tree *r, struct nr_capture_stats *st)
{
	st->files += atomic_load(&r->files);
	st->commands += atomic_load(&r->commands);
	st->metadata += atomic_load(&r->metadata);
	st->withheld += atomic_load(&r->withheld);
	st->errors += atomic_load(&r->errors);
	st->scrubbed += atomic_load(&r->scrubbed);
	st->bytes += atomic_load(&r->bytes);
	pthread_mutex_lock(&r->lock);
	if (!st->first_error[0])
		snprintf(st->first_error, sizeof(st->first_error), "%s", r->first_error);
	pthread_mutex_unlock(&r->lock);
}
