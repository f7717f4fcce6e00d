/* The recording transport: wraps another transport and tees every result
 * into a capture tree (layout in replay.h), scrubbed and capped, so that
 * the replay transport can answer the same questions later.
 *
 * Probes run concurrently, so recordings are written to a temporary name
 * and renamed into place; a partial read (a probe that only wanted the
 * first bytes) never replaces a complete one.  A recording that cannot be
 * written is counted, never fatal: the capture goes on. */
#include "capture.h"
#include "replay.h"
#include "scrub.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define REC_ERR_CAP (64 * 1024)   /* stderr kept per command */
#define REC_HEAD 256

struct record {
	struct nr_transport base;
	struct nr_transport_ops ops;   /* ours, with the inner transport's kind */
	struct nr_transport *inner;
	int dirfd;
	uint64_t cap;
	nr_record_keep_fn keep;
	int stagefd;                   /* DIR/.nest-report: recordings are staged here */
	int root;
	atomic_uint seq;
	atomic_size_t files, commands, metadata, withheld, errors, scrubbed;
	atomic_ullong bytes;
	pthread_mutex_t lock;          /* first_error */
	char first_error[NR_ERROR_MSG_MAX];
};

enum rec_kind { REC_FILE, REC_COMMAND, REC_META };

struct rec_file {
	struct record *r;
	enum rec_kind kind;
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

static struct record *record_of(struct nr_transport *t)
{
	return (struct record *)t;
}

static void rec_error(struct record *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void rec_error(struct record *r, const char *fmt, ...)
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
static int rec_parent(struct record *r, const char *rel, int *pfd, char *leaf, size_t leaflen)
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
	struct rec_file *f = ud;
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

static void rec_free(struct rec_file *f)
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
 * until rec_end, so a recording thrown away leaves no directory behind. */
static struct rec_file *rec_begin(struct record *r, enum rec_kind kind, const char *rel,
                                  const char *path, uint64_t cap)
{
	struct rec_file *f = calloc(1, sizeof(*f));
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

static void rec_write(struct rec_file *f, const void *data, size_t len)
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
static void rec_end(struct rec_file *f, bool commit, bool partial)
{
	char leaf[NAME_MAX + 1];
	struct record *r;
	struct stat st;
	int pfd = -1, rc = 0;

	if (!f)
		return;
	r = f->r;
	if (nr_scrub_finish(f->scrub) < 0)
		f->failed = true;
	if (commit && r->keep && f->kind == REC_FILE && !r->keep(f->path, f->head, f->head_len)) {
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
		atomic_fetch_add(f->kind == REC_FILE ? &r->files :
		                 f->kind == REC_COMMAND ? &r->commands : &r->metadata, 1);
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
static void rec_text(struct record *r, const char *rel, const char *what, const char *text)
{
	struct rec_file *f = rec_begin(r, REC_META, rel, what, NR_REPLAY_SMALL_MAX);

	rec_write(f, text, strlen(text));
	rec_end(f, true, false);
}

/* ---- the tee ---------------------------------------------------------- */

struct tee {
	struct nr_sink base;
	struct nr_sink *inner;
	struct rec_file *f;
};

static int tee_write(struct nr_sink *s, const void *data, size_t len)
{
	struct tee *t = (struct tee *)s;
	int rc = t->inner ? t->inner->write(t->inner, data, len) : 0;

	rec_write(t->f, data, len);
	return rc;
}

/* ---- the operations --------------------------------------------------- */

static int record_run(struct nr_transport *t, const char *key, const char *const *argv,
                      int64_t deadline_ms, struct nr_sink *out, struct nr_sink *err_out,
                      struct nr_run_result *res, struct nr_error *err)
{
	struct record *r = record_of(t);
	struct tee to = { { tee_write }, out, NULL }, te = { { tee_write }, err_out, NULL };
	char rel[512], text[32];
	bool ok = nr_replay_key_ok(key), commit;
	int rc;

	if (ok) {
		snprintf(rel, sizeof(rel), NR_REPLAY_COMMANDS "/%s.out", key);
		to.f = rec_begin(r, REC_COMMAND, rel, key, r->cap);
		snprintf(rel, sizeof(rel), NR_REPLAY_COMMANDS "/%s.err", key);
		te.f = rec_begin(r, REC_META, rel, key, REC_ERR_CAP);
	}
	rc = r->inner->ops->run(r->inner, key, argv, deadline_ms, &to.base, &te.base, res, err);
	commit = ok && (rc == 0 || res->timed_out) && !nr_interrupted;
	rec_end(to.f, commit, false);
	rec_end(te.f, commit && te.f && te.f->head_len > 0, false);
	if (!commit)
		return rc;
	if (res->timed_out)
		snprintf(text, sizeof(text), "timeout\n");
	else if (res->term_signal)
		snprintf(text, sizeof(text), "signal %d\n", res->term_signal);
	else if (res->exit_code >= 0)
		snprintf(text, sizeof(text), "%d\n", res->exit_code);
	else
		return rc;
	snprintf(rel, sizeof(rel), NR_REPLAY_COMMANDS "/%s.exit", key);
	rec_text(r, rel, key, text);
	return rc;
}

static int record_read_file(struct nr_transport *t, const char *path, int64_t deadline_ms,
                            struct nr_sink *out, bool *truncated, struct nr_error *err)
{
	struct record *r = record_of(t);
	struct tee tee = { { tee_write }, out, NULL };
	const char *rel = path + strspn(path, "/");
	int rc;

	/* Our own metadata directory is not a path of the machine. */
	if (strncmp(rel, NR_REPLAY_META_DIR, strlen(NR_REPLAY_META_DIR)) != 0)
		tee.f = rec_begin(r, REC_FILE, rel, path, r->cap);
	rc = r->inner->ops->read_file(r->inner, path, deadline_ms, &tee.base, truncated, err);
	rec_end(tee.f, rc == 0 && !nr_interrupted, *truncated);
	return rc;
}

struct list_tee {
	nr_list_fn fn;
	void *ud;
	char *buf;
	size_t len;
};

static int list_tee_one(void *ud, const char *name)
{
	struct list_tee *lt = ud;
	size_t n = strlen(name);

	if (lt->buf && !strchr(name, '\n') && lt->len + n + 1 <= NR_REPLAY_LIST_MAX) {
		memcpy(lt->buf + lt->len, name, n);
		lt->buf[lt->len + n] = '\n';
		lt->len += n + 1;
	}
	return lt->fn(lt->ud, name);
}

static int record_list(struct nr_transport *t, const char *dir, nr_list_fn fn, void *ud,
                       struct nr_error *err)
{
	struct record *r = record_of(t);
	struct list_tee lt = { fn, ud, malloc(NR_REPLAY_LIST_MAX), 0 };
	struct rec_file *f;
	char rel[4096];
	int rc;

	rc = r->inner->ops->list(r->inner, dir, list_tee_one, &lt, err);
	if (rc >= 0 && lt.buf && !nr_interrupted &&
	    nr_replay_meta_path(rel, sizeof(rel), NR_REPLAY_LISTS, dir, ".list") == 0) {
		f = rec_begin(r, REC_META, rel, dir, NR_REPLAY_LIST_MAX);
		rec_write(f, lt.buf, lt.len);
		rec_end(f, true, false);
	}
	free(lt.buf);
	return rc;
}

static int record_which(struct nr_transport *t, const char *cmd, char *out, size_t outlen)
{
	struct record *r = record_of(t);
	char rel[256], text[4200];
	int rc = r->inner->ops->which(r->inner, cmd, out, outlen);

	if (rc == 0 && nr_replay_cmd_ok(cmd)) {
		snprintf(rel, sizeof(rel), NR_REPLAY_WHICH "/%s", cmd);
		snprintf(text, sizeof(text), "%s\n", out);
		rec_text(r, rel, cmd, text);
	}
	return rc;
}

static const char *yn(bool b)
{
	return b ? "yes" : "no";
}

static int record_path_info(struct nr_transport *t, const char *path, struct nr_path_info *info,
                            struct nr_error *err)
{
	struct record *r = record_of(t);
	char rel[4096], text[256];
	int rc = r->inner->ops->path_info(r->inner, path, info, err);

	if (rc == 0 && nr_replay_meta_path(rel, sizeof(rel), NR_REPLAY_PATHS, path, ".info") == 0) {
		snprintf(text, sizeof(text),
		         "exists: %s\nchar_device: %s\nreadable: %s\nwritable: %s\nopen_rw: %s\n",
		         yn(info->exists), yn(info->is_char_device), yn(info->readable),
		         yn(info->writable), yn(info->opened_rw));
		rec_text(r, rel, path, text);
	}
	return rc;
}

static int record_is_root(struct nr_transport *t)
{
	struct record *r = record_of(t);

	r->root = r->inner->ops->is_root(r->inner);
	return r->root;
}

static void record_close(struct nr_transport *t)
{
	struct record *r = record_of(t);

	nr_transport_close(r->inner);
	if (r->stagefd >= 0)
		close(r->stagefd);
	if (r->dirfd >= 0)
		close(r->dirfd);
	pthread_mutex_destroy(&r->lock);
	free(r);
}

static const struct nr_transport_ops record_ops = {
	.kind = "local",
	.run = record_run,
	.read_file = record_read_file,
	.list = record_list,
	.which = record_which,
	.path_info = record_path_info,
	.is_root = record_is_root,
	.close = record_close,
};

int nr_transport_record_finish(struct nr_transport *t, struct nr_capture_stats *st,
                               struct nr_error *err)
{
	struct record *r = record_of(t);
	char text[256], when[32];
	struct tm tm;
	time_t now = time(NULL);

	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(text, sizeof(text), "format: %s\ntool: nest-report %s\ncaptured: %s\nroot: %s\n",
	         NR_REPLAY_FORMAT, NR_VERSION, when,
	         r->root < 0 ? "unknown" : r->root ? "yes" : "no");
	rec_text(r, NR_REPLAY_META, "meta", text);
	st->files += atomic_load(&r->files);
	st->commands += atomic_load(&r->commands);
	st->metadata += atomic_load(&r->metadata);
	st->withheld += atomic_load(&r->withheld);
	st->errors += atomic_load(&r->errors);
	st->scrubbed += atomic_load(&r->scrubbed);
	st->bytes += atomic_load(&r->bytes);
	if (!st->first_error[0])
		snprintf(st->first_error, sizeof(st->first_error), "%s", r->first_error);
	if (atomic_load(&r->errors) > 0)
		return nr_error_set(err, EIO, "%s", r->first_error);
	return 0;
}

struct nr_transport *nr_transport_record_new(struct nr_transport *inner, const char *dir,
                                             uint64_t cap, nr_record_keep_fn keep,
                                             struct nr_error *err)
{
	struct record *r = calloc(1, sizeof(*r));

	if (!r) {
		nr_error_set(err, ENOMEM, "out of memory");
		nr_transport_close(inner);
		return NULL;
	}
	r->ops = record_ops;
	r->ops.kind = inner->ops->kind;
	r->base.ops = &r->ops;
	r->inner = inner;
	r->cap = cap;
	r->keep = keep;
	r->root = -1;
	r->stagefd = -1;
	pthread_mutex_init(&r->lock, NULL);
	r->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (r->dirfd >= 0 && (mkdirat(r->dirfd, NR_REPLAY_META_DIR, 0755) == 0 || errno == EEXIST))
		r->stagefd = openat(r->dirfd, NR_REPLAY_META_DIR,
		                    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (r->stagefd < 0) {
		nr_error_set(err, errno, "cannot record into %s: %s", dir, strerror(errno));
		record_close(&r->base);
		return NULL;
	}
	return &r->base;
}
