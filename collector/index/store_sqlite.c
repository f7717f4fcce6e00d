/* SPDX-License-Identifier: MIT */
/* The SQLite backend: one file, WAL mode, prepared statements kept.
 *
 * WAL with synchronous=NORMAL: a commit does not wait for fsync, so a
 * power cut may lose the last additions but never the file's
 * consistency; the index is rebuilt from the bundles by running
 * `index add` again (it is idempotent), which is the trade the ingest
 * rate needs.  Concurrent writers (two `index add` from a portal's upload
 * handlers) wait for each other up to BUSY_MS. */
#include "store.h"
#include "util/clock.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define BUSY_MS 30000
#define CACHE_MAX 64
#define COLS_MAX 64

struct cached {
	char *sql;
	uint64_t hash;
	sqlite3_stmt *st;
	uint64_t used;
};

struct sqlite_store {
	struct nr_store base;
	sqlite3 *db;
	struct cached cache[CACHE_MAX];
	uint64_t tick;
	int wrote;                 /* began a write transaction */
};

static const struct nr_store_dialect sqlite_dialect = {
	.id_column = "id INTEGER PRIMARY KEY",
	.text = "TEXT",
	.contains = "instr",
	.clustered = " WITHOUT ROWID",
};

static int fail(struct sqlite_store *s, int rc, const char *what, struct nr_error *err)
{
	int p = rc & 0xff;   /* the primary code of an extended one */
	int code = p == SQLITE_BUSY || p == SQLITE_LOCKED ? EBUSY
	         : p == SQLITE_FULL ? ENOSPC
	         : p == SQLITE_NOMEM ? ENOMEM
	         : p == SQLITE_PERM || p == SQLITE_READONLY || p == SQLITE_CANTOPEN ? EACCES
	         : p == SQLITE_CORRUPT || p == SQLITE_NOTADB ? EBADMSG : EIO;

	return nr_error_set(err, code, "%s: %s: %s", s->base.name, what,
	                    s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
}

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* The prepared statement for sql, from the cache or prepared now (the
 * least recently used one makes room). */
static int stmt_for(struct sqlite_store *s, const char *sql, sqlite3_stmt **out, struct nr_error *err)
{
	uint64_t h = fnv1a(sql);
	struct cached *victim = &s->cache[0];
	sqlite3_stmt *st = NULL;
	char *copy;
	int rc, i;

	for (i = 0; i < CACHE_MAX; i++) {
		struct cached *c = &s->cache[i];

		if (c->st && c->hash == h && strcmp(c->sql, sql) == 0) {
			c->used = ++s->tick;
			*out = c->st;
			return 0;
		}
		if (!c->st || c->used < victim->used)
			victim = c;
	}
	rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
	if (rc != SQLITE_OK)
		return fail(s, rc, "cannot prepare a statement", err);
	copy = strdup(sql);
	if (!copy) {
		sqlite3_finalize(st);
		return nr_error_set(err, ENOMEM, "out of memory");
	}
	sqlite3_finalize(victim->st);
	free(victim->sql);
	*victim = (struct cached){ copy, h, st, ++s->tick };
	*out = st;
	return 0;
}

static int bind_all(struct sqlite_store *s, sqlite3_stmt *st, const struct nr_sql_arg *args, size_t n,
                    struct nr_error *err)
{
	size_t i;
	int rc = SQLITE_OK;

	if ((size_t)sqlite3_bind_parameter_count(st) != n)
		return nr_error_set(err, EINVAL, "%s: a statement wants %d values, was given %zu",
		                    s->base.name, sqlite3_bind_parameter_count(st), n);
	for (i = 0; i < n && rc == SQLITE_OK; i++) {
		int k = (int)i + 1;

		if (args[i].type == NR_SQL_INT)
			rc = sqlite3_bind_int64(st, k, args[i].i);
		else if (args[i].type == NR_SQL_TEXT && args[i].text)
			rc = sqlite3_bind_text(st, k, args[i].text, -1, SQLITE_STATIC);
		else
			rc = sqlite3_bind_null(st, k);
	}
	return rc == SQLITE_OK ? 0 : fail(s, rc, "cannot bind a value", err);
}

static int sqlite_exec(struct nr_store *base, const char *sql, const struct nr_sql_arg *args, size_t nargs,
                       nr_store_row_fn row, void *arg, struct nr_error *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	const char *vals[COLS_MAX];
	sqlite3_stmt *st = NULL;
	int rc, cols, i, stop = 0;

	if ((rc = stmt_for(s, sql, &st, err)) < 0)
		return rc;
	if ((rc = bind_all(s, st, args, nargs, err)) < 0)
		goto out;
	cols = sqlite3_column_count(st);
	if (cols > COLS_MAX)
		cols = COLS_MAX;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!row || stop)
			continue;
		for (i = 0; i < cols; i++)
			vals[i] = (const char *)sqlite3_column_text(st, i);
		stop = row(arg, cols, vals);
	}
	if (rc == SQLITE_DONE) {
		rc = stop;
	} else {
		/* its first words: a bug report then says which statement failed */
		char what[80], head[44];
		size_t n;

		for (n = 0; sql[n] && n < 40; n++)
			head[n] = sql[n] == '\n' || sql[n] == '\t' ? ' ' : sql[n];
		head[n] = '\0';
		snprintf(what, sizeof(what), "a statement failed (%s%s)", head,
		         sql[n] ? "..." : "");
		rc = fail(s, rc, what, err);
	}
out:
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc;
}

static int sqlite_begin(struct nr_store *base, bool schema, struct nr_error *err)
{
	(void)schema;   /* IMMEDIATE already takes the database's one write lock */
	((struct sqlite_store *)base)->wrote = 1;
	return sqlite_exec(base, "BEGIN IMMEDIATE", NULL, 0, NULL, NULL, err);
}

static void sqlite_tune(struct nr_store *base)
{
	(void)base;   /* PRAGMA optimize at close does it (sqlite_close) */
}

static void sqlite_close(struct nr_store *base)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	int i;

	for (i = 0; i < CACHE_MAX; i++) {
		sqlite3_finalize(s->cache[i].st);
		free(s->cache[i].sql);
	}
	/* SQLite's advice for a connection that wrote: refresh the planner's
	 * statistics where they drifted (cheap when they did not) */
	if (s->db && s->wrote)
		sqlite3_exec(s->db, "PRAGMA optimize", NULL, NULL, NULL);
	sqlite3_close(s->db);
	free(s);
}

static const struct nr_store_ops sqlite_ops = {
	.name = "sqlite",
	.exec = sqlite_exec,
	.begin = sqlite_begin,
	.tune = sqlite_tune,
	.close = sqlite_close,
};

/* The index records where bundles lie and what their machines are: the
 * file (and with it WAL and shm, which SQLite creates with the same mode)
 * is private to its owner, and so is a directory we create for it. */
static int make_private(const char *path, struct nr_error *err)
{
	char dir[PATH_MAX], *slash;
	int fd;

	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir))
		return nr_error_set(err, ENAMETOOLONG, "%.64s...: path too long", path);
	for (slash = strchr(dir + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		if (mkdir(dir, 0700) < 0 && errno != EEXIST)
			return nr_error_set(err, errno, "cannot create %s: %s", dir, strerror(errno));
		*slash = '/';
	}
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
	if (fd < 0)
		return nr_error_set(err, errno, "cannot open %s: %s", path, strerror(errno));
	close(fd);
	return 0;
}

/* WAL mode is set on every open.  On a new (rollback-journal) file two
 * processes doing so at once can deadlock on its locks, and SQLite then
 * answers SQLITE_BUSY at once instead of calling the busy handler: the
 * statement holds no lock once it fails, so trying again until BUSY_MS
 * is what the busy handler would have done. */
static int sqlite_set_wal(struct sqlite_store *s, struct nr_error *err)
{
	const struct timespec pause = { 0, 10 * 1000 * 1000 };
	int64_t deadline = nr_time_now_ms() + BUSY_MS;
	int rc;

	while ((rc = sqlite3_exec(s->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL)) != SQLITE_OK
	       && (rc & 0xff) == SQLITE_BUSY && nr_time_now_ms() < deadline && !nr_interrupted)
		nanosleep(&pause, NULL);
	return rc == SQLITE_OK ? 0 : fail(s, rc, "cannot set WAL mode", err);
}

int nr_store_sqlite_open(const char *path, struct nr_store **out, struct nr_error *err)
{
	static const char *const pragmas[] = {
		"PRAGMA synchronous = NORMAL", "PRAGMA foreign_keys = ON",
		"PRAGMA cache_size = -131072",
	};
	struct sqlite_store *s = calloc(1, sizeof(*s));
	size_t i;
	int rc;

	if (!s)
		return nr_error_set(err, ENOMEM, "out of memory");
	s->base.ops = &sqlite_ops;
	s->base.dialect = &sqlite_dialect;
	snprintf(s->base.name, sizeof(s->base.name), "%s", path);
	if ((rc = make_private(path, err)) < 0)
		goto fail;
	rc = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE, NULL);
	if (rc != SQLITE_OK) {
		rc = fail(s, rc, "cannot open", err);
		goto fail;
	}
	sqlite3_busy_timeout(s->db, BUSY_MS);
	if ((rc = sqlite_set_wal(s, err)) < 0)
		goto fail;
	for (i = 0; i < sizeof(pragmas) / sizeof(pragmas[0]); i++)
		if ((rc = sqlite_exec(&s->base, pragmas[i], NULL, 0, NULL, NULL, err)) < 0)
			goto fail;
	*out = &s->base;
	return 0;
fail:
	sqlite_close(&s->base);
	return rc;
}
